using BreachNotify.Application.Common;

namespace BreachNotify.Application.Webhooks.Intake;

/// <summary>
/// A received alert as stored before it is mapped onto an incident: the parsed, bounded <see cref="MonitorAlert"/>,
/// never the raw body. Bounded so that one entity stays within Table storage limits (a string property holds 32K
/// UTF-16 characters) whatever a sender puts in its payload.
/// </summary>
/// <param name="DeliveryKey">SHA-256 hex of <see cref="DeliveryId"/>: the dedupe key, usable as a Table key.</param>
/// <param name="ExternalKeyHash">SHA-256 hex of the full <see cref="ExternalKey"/>: the key of the incident link.</param>
public sealed record StoredMonitorAlert(
    string Source,
    string DeliveryKey,
    string DeliveryId,
    string ExternalKey,
    string ExternalKeyHash,
    AlertStatus Status,
    string Title,
    string? Description,
    string Severity,
    DateTimeOffset DetectedAt,
    DateTimeOffset? ChangedAt,
    string? Link,
    IReadOnlyDictionary<string, string> Context,
    DateTimeOffset ReceivedAt)
{
    public const int MaxIdLength = 1000;
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 8000;
    public const int MaxLinkLength = 2000;
    public const int MaxContextEntries = 30;
    public const int MaxContextKeyLength = 100;
    public const int MaxContextValueLength = 1000;

    public static string KeyOf(string id) => Ids.Sha256Hex(id);

    public static StoredMonitorAlert From(MonitorAlert alert, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in alert.Context.OrderBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxContextEntries))
            context[Cut(key, MaxContextKeyLength)] = Cut(value, MaxContextValueLength);
        var link = alert.Link?.AbsoluteUri;
        return new StoredMonitorAlert(
            alert.Source,
            KeyOf(alert.DeliveryId),
            Cut(alert.DeliveryId, MaxIdLength),
            Cut(alert.ExternalIncidentKey, MaxIdLength),
            KeyOf(alert.ExternalIncidentKey),
            alert.Status,
            Cut(alert.Title.Trim(), MaxTitleLength),
            string.IsNullOrWhiteSpace(alert.Description) ? null : Cut(alert.Description.Trim(), MaxDescriptionLength),
            alert.Severity,
            alert.DetectedAt.ToUniversalTime(),
            alert.ChangedAt?.ToUniversalTime(),
            link is { Length: <= MaxLinkLength } ? link : null,
            context,
            receivedAt.ToUniversalTime());
    }

    /// <summary>At most <paramref name="max"/> characters, an ellipsis marking a cut.</summary>
    public static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}

/// <summary>How an alert status is written in storage, on the timeline and in the API (kebab-case).</summary>
public static class AlertStatusText
{
    public static string ToWire(this AlertStatus status) => status switch
    {
        AlertStatus.Triggered => "triggered",
        AlertStatus.Acknowledged => "acknowledged",
        AlertStatus.Resolved => "resolved",
        AlertStatus.Updated => "updated",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static AlertStatus Parse(string? text) => text switch
    {
        "triggered" => AlertStatus.Triggered,
        "acknowledged" => AlertStatus.Acknowledged,
        "resolved" => AlertStatus.Resolved,
        "updated" => AlertStatus.Updated,
        _ => throw new FormatException("Unknown alert status in storage."),
    };

    public static string ToWire(this VerificationResult result) => result switch
    {
        VerificationResult.Valid => "valid",
        VerificationResult.MissingCredentials => "missing-credentials",
        VerificationResult.Invalid => "invalid",
        VerificationResult.Stale => "stale",
        VerificationResult.NotConfigured => "not-configured",
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };
}
