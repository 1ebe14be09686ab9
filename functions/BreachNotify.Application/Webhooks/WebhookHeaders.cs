namespace BreachNotify.Application.Webhooks;

/// <summary>
/// Header access for verifiers and parsers: a function from a header name (matched ignoring case) to its value, or
/// null when absent. The endpoint can pass <c>name =&gt; request.Headers.TryGetValue(name, out var v) ? v.ToString() : null</c>.
/// </summary>
public static class WebhookHeaders
{
    /// <summary>A case-insensitive lookup over name/value pairs; repeated names are joined with ",".</summary>
    public static Func<string, string?> From(IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            map[name] = map.TryGetValue(name, out var existing) ? existing + "," + value : value;
        }

        return name => map.GetValueOrDefault(name);
    }

    public static Func<string, string?> None { get; } = _ => null;
}
