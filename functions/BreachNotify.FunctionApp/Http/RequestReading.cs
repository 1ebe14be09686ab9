using System.Globalization;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Domain.Common;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Json;

namespace BreachNotify.FunctionApp.Http;

/// <summary>
/// How functions read a request: a JSON body under the API's strict rules (<see cref="ApiJson"/>), headers, and query
/// values whose problems name the parameter. Failures throw; <see cref="ProblemResults"/> turns them into 400/415.
/// </summary>
public static class RequestReading
{
    /// <summary>Reads the body as <typeparamref name="T"/>; 415 unless JSON, 400 naming the field otherwise.</summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireJson(request, "application/json");
        var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, cancellationToken);
        return value ?? throw new BadRequestBodyException("$", "A JSON object is required.");
    }

    /// <summary>Reads the body as a JSON document (merge patches), insisting on a JSON content type.</summary>
    public static async Task<JsonElement> ReadJsonDocumentAsync(this HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireJson(request, "application/merge-patch+json or application/json");
        JsonElement root;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, StrictJson.DocumentOptions, cancellationToken);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new BadRequestBodyException("$", "Malformed JSON: " + ex.Message.Split(" Path:")[0]);
        }
        // The rules the serializer applies to typed bodies: no field twice, every string text.
        if (StrictJson.FindProblem(root) is { } problem) throw new BadRequestBodyException(problem.Field, problem.Message);
        return root;
    }

    private static void RequireJson(HttpRequest request, string expected)
    {
        var type = request.ContentType ?? "";
        var media = type.Split(';')[0].Trim();
        if (!media.Equals("application/json", StringComparison.OrdinalIgnoreCase) &&
            !(media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
            throw new BadHttpRequestException($"Send {expected}.", StatusCodes.Status415UnsupportedMediaType);
    }

    /// <summary>A header's value, trimmed; null when absent or blank.</summary>
    public static string? Header(this HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers[name].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public static string? IfMatch(this HttpRequest request) => request.Header("If-Match");

    /// <summary>A query value, or null when absent.</summary>
    public static string? QueryString(this HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;
    }

    /// <summary>An optional whole number in [<paramref name="min"/>, <paramref name="max"/>]; 400 naming the parameter otherwise.</summary>
    public static int? QueryInt(this HttpRequest request, string name, int min, int max)
    {
        var text = request.QueryString(name);
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new DomainValidationException(name, $"A whole number from {min} to {max}.");
        return value;
    }

    /// <summary>An optional true/false.</summary>
    public static bool? QueryBool(this HttpRequest request, string name)
    {
        var text = request.QueryString(name);
        if (text is null) return null;
        return bool.TryParse(text, out var value) ? value : throw new DomainValidationException(name, "true or false.");
    }
}

/// <summary>Bounds shared by every paged list (page numbers past this are refused, not multiplied into an overflow).</summary>
public static class PageLimits
{
    public const int MaxPage = 100_000;
}
