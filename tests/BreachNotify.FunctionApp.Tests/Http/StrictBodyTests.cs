using System.Net;
using System.Text;
using BreachNotify.FunctionApp.Hosting;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Http;

/// <summary>
/// Issue 13 point 6: what a client can send that is JSON but not meaningful (a field twice, a lone surrogate escape)
/// and paging numbers that would overflow are 400 naming the field or parameter, in every body, and change nothing.
/// </summary>
public sealed class StrictBodyTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private const string Facts = """{"breachTypes":["confidentiality"],"dataCategories":["contact"],"dataSubjects":10,"exposure":"none","exfiltration":"unknown"}""";

    private async Task<string> CreateIncidentAsync()
    {
        var body = await Body(await _factory.Dpo().PostJson("/api/incidents", $$"""{"title":"Laptop","awareAt":"2026-03-27T10:15:00+01:00","facts":{{Facts}}}"""), HttpStatusCode.Created);
        return body.GetProperty("id").GetString()!;
    }

    private async Task AssertRefusedAsync(HttpMethod method, string url, string json, string field, string mediaType = "application/json")
    {
        var before = StoreSnapshot.Take(_factory);
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, mediaType) };
        await Problem(await _factory.Dpo().SendAsync(request), HttpStatusCode.BadRequest, field);
        Assert.Equal(before, StoreSnapshot.Take(_factory));
    }

    public static TheoryData<string, string, string, string> Bodies => new()
    {
        // method, url ({id} is an incident), body, field named
        { "POST", "/api/incidents", """{"title":"\ud800x"}""", "title" },
        { "POST", "/api/incidents", """{"title":"a","title":"b"}""", "title" },
        { "POST", "/api/incidents", """{"title":"a","facts":{"breachTypes":["integrity"],"dataCategories":["contact"],"dataSubjects":1,"dataSubjects":2}}""", "facts.dataSubjects" },
        { "POST", "/api/incidents", """{"title":"a","countries":["NL","\udc00"]}""", "countries[1]" },
        { "PATCH", "/api/incidents/{id}", """{"title":"x","title":"y"}""", "title" },
        { "PATCH", "/api/incidents/{id}", """{"facts":{"dataSubjects":1,"dataSubjects":2}}""", "facts.dataSubjects" },
        { "PATCH", "/api/incidents/{id}", """{"facts":{"\ud800":1}}""", "facts" },
        { "PATCH", "/api/incidents/{id}", """{"title":"\ud800x"}""", "title" },
        { "PATCH", "/api/incidents/{id}", """{"owner":"a","owner":null}""", "owner" },
        { "POST", "/api/incidents/{id}/confirm", """{"awareAt":"2026-03-27T10:15:00Z","note":"\ud800"}""", "note" },
        { "POST", "/api/incidents/{id}/dismiss", """{"reason":"a","reason":"b"}""", "reason" },
        { "POST", "/api/incidents/{id}/close", """{"note":"\udfff"}""", "note" },
        { "POST", "/api/incidents/{id}/decision", """{"notifyAuthority":true,"notifyAuthority":false,"notifyDataSubjects":false,"publicCommunication":false,"rationale":"r"}""", "notifyAuthority" },
        { "PUT", "/api/incidents/{id}/notice-content/en", """{"summary":"\ud800"}""", "summary" },
        { "PUT", "/api/incidents/{id}/notice-content/en", """{"summary":"a","summary":"b"}""", "summary" },
        { "POST", "/api/incidents/{id}/notifications", """{"kind":"data-subjects","kind":"authority"}""", "kind" },
        { "POST", "/api/incidents/{id}/authority-submissions", """{"reference":"\ud800"}""", "reference" },
        { "POST", "/api/assessments", Facts[..^1] + ""","dataSubjects":5}""", "dataSubjects" },
        // The importer streams: rows before a refused element are kept (the 400 says how many), so the bad one comes first here.
        { "POST", "/api/incidents/{id}/recipients", """[{"email":"\ud800@example.org"},{"email":"a@example.org"}]""", "[0].email" },
        { "POST", "/api/incidents/{id}/recipients", """[{"email":"a@example.org","email":"b@example.org"}]""", "[0].email" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Duplicates_and_lone_surrogates_are_400_naming_the_field_and_change_nothing(string method, string url, string json, string field)
    {
        var id = await CreateIncidentAsync();
        await AssertRefusedAsync(new HttpMethod(method), url.Replace("{id}", id, StringComparison.Ordinal), json, field,
            method == "PATCH" ? "application/merge-patch+json" : "application/json");
    }

    /// <summary>Every GET function, every paging parameter at the edge of int and past it: never a 5xx.</summary>
    [Theory]
    [InlineData("2147483647")]
    [InlineData("2147483648")]
    [InlineData("-2147483648")]
    [InlineData("99999999999999999999")]
    public async Task Paging_numbers_that_overflow_are_refused_naming_the_parameter(string value)
    {
        var id = await CreateIncidentAsync();
        var index = _factory.Services.GetRequiredService<FunctionIndex>();
        var gets = index.Http.Where(f => f.Methods.Contains("GET", StringComparer.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(gets);
        foreach (var function in gets)
        {
            var path = function.Path.Replace("{id}", id, StringComparison.Ordinal).Replace("{*path}", "", StringComparison.Ordinal);
            foreach (var parameter in new[] { "page", "pageSize" })
            {
                var response = await _factory.Dpo().GetAsync($"{path}?rows=true&{parameter}={value}");
                Assert.True((int)response.StatusCode < 500, $"{function.Name} answered {(int)response.StatusCode} to {parameter}={value}");
            }
        }
        await Problem(await _factory.Dpo().GetAsync($"/api/incidents?page={value}"), HttpStatusCode.BadRequest, "page");
        await Problem(await _factory.Dpo().GetAsync($"/api/webhooks/deliveries?page={value}"), HttpStatusCode.BadRequest, "page");
        await Problem(await _factory.Dpo().GetAsync($"/api/incidents/{id}/recipients?rows=true&pageSize={value}"), HttpStatusCode.BadRequest, "pageSize");
    }
}
