using System.Globalization;
using System.Text.Json;
using BreachNotify.Application.Common;

namespace BreachNotify.Application.Webhooks;

/// <summary>Field access that fails with a <see cref="WebhookPayloadException"/> naming the field, never its value.</summary>
internal static class PayloadJson
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(body, StrictJson.DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw WebhookPayloadException.Invalid("(body)", "a JSON object");
            }

            // Every JSON body is held to the same rules: a field once, strings that are text.
            if (StrictJson.FindProblem(document.RootElement) is { } problem)
            {
                document.Dispose();
                throw new WebhookPayloadException(problem.Field, $"Webhook payload field '{problem.Field}': {problem.Message}", null);
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new WebhookPayloadException("(body)", "Webhook payload is not valid JSON.", ex);
        }
    }

    public static JsonElement RequireObject(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw WebhookPayloadException.Missing(path);
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw WebhookPayloadException.Invalid(path, "an object");
    }

    public static JsonElement RequireArray(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw WebhookPayloadException.Missing(path);
        }

        return value.ValueKind == JsonValueKind.Array ? value : throw WebhookPayloadException.Invalid(path, "an array");
    }

    public static JsonElement? OptionalObject(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// <summary>A non-blank string, or a number's text (ids such as incidentNumber are numbers).</summary>
    public static string RequireString(JsonElement parent, string name, string path) =>
        OptionalString(parent, name) ?? throw WebhookPayloadException.Missing(path);

    /// <summary>A non-blank string or a number's text; null when absent, null, blank or of another kind.</summary>
    public static string? OptionalString(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>An ISO 8601 / RFC 3339 date-time that carries its offset ("Z" or "+hh:mm").</summary>
    public static DateTimeOffset RequireTimestamp(JsonElement parent, string name, string path)
    {
        var text = RequireString(parent, name, path);
        return TryParseTimestamp(text, out var timestamp)
            ? timestamp
            : throw WebhookPayloadException.Invalid(path, "an ISO 8601 date-time with an offset");
    }

    /// <summary>A date-time with an offset, or null when absent, unreadable or the zero value Alertmanager sends for "not yet".</summary>
    public static DateTimeOffset? OptionalTimestamp(JsonElement parent, string name) =>
        OptionalString(parent, name) is { } text && TryParseTimestamp(text, out var timestamp) && timestamp.Year > 1 ? timestamp : null;

    public static bool TryParseTimestamp(string text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        // RoundtripKind leaves a value without an offset Unspecified: refuse it rather than guess the zone.
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            || parsed.Kind == DateTimeKind.Unspecified)
        {
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp);
    }

    /// <summary>The string values of an object (labels, annotations); other kinds are skipped.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(JsonElement parent, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (OptionalObject(parent, name) is { } obj)
        {
            foreach (var property in obj.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    map[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return map;
    }

    /// <summary>The non-blank strings of an array; empty when absent.</summary>
    public static IReadOnlyList<string> StringList(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return value.EnumerateArray()
            .Where(item => item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
            .Select(item => item.GetString()!)
            .ToList();
    }

    /// <summary>An absolute http(s) link, or null: other schemes (javascript:, data:) are never passed on.</summary>
    public static Uri? Link(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : null;

    public static void AddIfPresent(Dictionary<string, string> context, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            context[key] = value;
        }
    }
}
