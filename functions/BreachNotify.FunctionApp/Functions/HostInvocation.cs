using System.Text.Json;
using System.Text.Json.Serialization;

namespace BreachNotify.FunctionApp.Functions;

/// <summary>
/// What the Functions host POSTs to /{FunctionName} for non-HTTP triggers (custom handler contract:
/// https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#request-payload).
/// Property names are PascalCase on the wire.
/// </summary>
public sealed record InvocationRequest(
    [property: JsonPropertyName("Data")] Dictionary<string, JsonElement>? Data,
    [property: JsonPropertyName("Metadata")] Dictionary<string, JsonElement>? Metadata);

/// <summary>The answer the host expects: 2xx with outputs, log lines and a return value. Non-2xx fails the invocation.</summary>
public sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    public static InvocationResponse Ok(params string[] logs) => new([], logs, null);
}

/// <summary>The timer binding's value (Data.timer).</summary>
public sealed record TimerInfo(
    [property: JsonPropertyName("Schedule")] TimerSchedule? Schedule,
    [property: JsonPropertyName("ScheduleStatus")] TimerScheduleStatus? ScheduleStatus,
    [property: JsonPropertyName("IsPastDue")] bool IsPastDue);

public sealed record TimerSchedule([property: JsonPropertyName("AdjustForDST")] bool AdjustForDst);

public sealed record TimerScheduleStatus(
    [property: JsonPropertyName("Last")] DateTimeOffset? Last,
    [property: JsonPropertyName("Next")] DateTimeOffset? Next,
    [property: JsonPropertyName("LastUpdated")] DateTimeOffset? LastUpdated);

/// <summary>Reading the host's payload, where string values arrive JSON-encoded a second time (platform.md §2).</summary>
public static class HostPayload
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNameCaseInsensitive = true,
    };

    /// <summary>
    /// Returns the string a value stands for: a JSON string whose content is itself a JSON string literal
    /// ("\"abc\"") is unwrapped once more; numbers and booleans come back as their text; objects as raw JSON.
    /// </summary>
    public static string? ReadScalar(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.String:
                var s = value.GetString()!;
                if (s.Length >= 2 && s[0] == '"' && s[^1] == '"')
                {
                    try { return JsonSerializer.Deserialize<string>(s); }
                    catch (JsonException) { return s; }
                }
                return s;
            default:
                return value.GetRawText();
        }
    }

    /// <summary>The message body as text: unwraps double encoding; an object or array body is returned as raw JSON.</summary>
    public static string? ReadBody(JsonElement value) => ReadScalar(value);

    public static TimerInfo? ReadTimer(InvocationRequest request, string bindingName = "timer")
    {
        if (request.Data is null || !request.Data.TryGetValue(bindingName, out var el)) return null;
        if (el.ValueKind == JsonValueKind.String)
        {
            var text = ReadScalar(el);
            return text is null ? null : JsonSerializer.Deserialize<TimerInfo>(text, Options);
        }
        return el.Deserialize<TimerInfo>(Options);
    }

    public static string? Metadata(InvocationRequest request, string key)
    {
        if (request.Metadata is null) return null;
        foreach (var (k, v) in request.Metadata)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return ReadScalar(v);
        }
        return null;
    }
}
