namespace BreachNotify.Application.Webhooks;

/// <summary>Where the alert stands at the sender.</summary>
public enum AlertStatus
{
    Triggered,
    Acknowledged,
    Resolved,

    /// <summary>Something else changed (priority, validity, assignment…) while the alert stays open.</summary>
    Updated,
}

/// <summary>
/// One alert from any monitor, in neutral form. A detection, not yet awareness of a personal data breach.
/// </summary>
/// <param name="Source">The <see cref="WebhookSourceNames"/> name it came from.</param>
/// <param name="DeliveryId">Dedupe key of this delivery: the same value again is a redelivery, to be dropped.</param>
/// <param name="ExternalIncidentKey">The sender's id of the alert or incident, stable across its status changes.</param>
/// <param name="Severity">One of <see cref="AlertSeverity"/>'s values.</param>
/// <param name="DetectedAt">When the sender first detected it (not when this delivery was made).</param>
/// <param name="Link">The sender's page for it; only absolute http(s) links are kept.</param>
/// <param name="Context">What tells a reporter at once which system is concerned (repository, resource, service…).</param>
public sealed record MonitorAlert(
    string Source,
    string DeliveryId,
    string ExternalIncidentKey,
    AlertStatus Status,
    string Title,
    string? Description,
    string Severity,
    DateTimeOffset DetectedAt,
    Uri? Link,
    IReadOnlyDictionary<string, string> Context)
{
    /// <summary>
    /// When the sender says this status was reached (its event time); null when the payload does not say. Used to
    /// order deliveries that arrive out of order (a late "triggered" after "resolved" must not reopen anything).
    /// </summary>
    public DateTimeOffset? ChangedAt { get; init; }
}

/// <summary>The five severities every sender's scale is mapped onto.</summary>
public static class AlertSeverity
{
    public const string Critical = "critical";
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";
    public const string Info = "info";

    /// <summary>
    /// Maps a sender's severity word onto the five values: critical (crit, fatal, emergency, disaster, p1, sev0),
    /// high (error, major, severe, p2, sev1), medium (moderate, warning, average, p3, sev2), low (minor, p4, sev3),
    /// info (informational, notice, debug, none, p5, sev4). Anything else, or nothing, gives <paramref name="fallback"/>.
    /// </summary>
    public static string Normalize(string? raw, string fallback = Medium)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return raw.Trim().ToLowerInvariant() switch
        {
            "critical" or "crit" or "fatal" or "emergency" or "emerg" or "disaster" or "p1" or "sev0" => Critical,
            "high" or "error" or "err" or "major" or "severe" or "p2" or "sev1" => High,
            "medium" or "moderate" or "warning" or "warn" or "average" or "p3" or "sev2" => Medium,
            "low" or "minor" or "p4" or "sev3" => Low,
            "info" or "informational" or "information" or "notice" or "debug" or "none" or "p5" or "sev4" => Info,
            _ => fallback,
        };
    }
}
