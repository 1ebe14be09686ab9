using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BreachNotify.FunctionApp.Tests.Infrastructure;

public static class HttpAssert
{
    public static async Task<JsonElement> Body(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 problem with the status and, when given, an error for the named field.</summary>
    public static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected, string? field = null)
    {
        var body = await Body(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, body.GetProperty("status").GetInt32());
        Assert.True(body.TryGetProperty("title", out _));
        if (field is not null)
        {
            Assert.True(body.TryGetProperty("errors", out var errors), "problem has no errors: " + body);
            Assert.True(errors.TryGetProperty(field, out _), $"no error for '{field}' in {errors}");
        }
        return body;
    }

    public static StringContent JsonBody(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, string json) => client.PostAsync(url, JsonBody(json));

    public static Task<HttpResponseMessage> PostJson<T>(this HttpClient client, string url, T body) => client.PostAsJsonAsync(url, body);
}
