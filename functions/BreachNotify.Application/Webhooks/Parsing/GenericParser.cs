using System.Text.Json;
using static BreachNotify.Application.Webhooks.PayloadJson;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// Our own format for any other tool:
/// <code>
/// {
///   "eventId":     "evt-123",                       required: unique per event; redeliveries repeat it
///   "externalId":  "disk-usage-db01",               required: the sender's id of the alert, stable across updates
///   "title":       "Unusual export from CRM",       required
///   "description": "…",                             optional
///   "severity":    "critical|high|medium|low|info", optional, default medium (common synonyms are mapped)
///   "status":      "triggered|acknowledged|resolved|updated", required
///   "occurredAt":  "2026-05-20T14:00:00+02:00",     required, ISO 8601 with an offset; becomes DetectedAt
///   "links":       ["https://…"],                   optional; the first http(s) link becomes Link
///   "context":     { "system": "crm", … }           optional; string values, shown to the reporter
/// }
/// </code>
/// </summary>
internal sealed class GenericParser : IWebhookPayloadParser
{
    public IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header)
    {
        using var document = PayloadJson.Parse(body);
        var root = document.RootElement;
        var eventId = RequireString(root, "eventId", "eventId");
        var externalId = RequireString(root, "externalId", "externalId");
        var title = RequireString(root, "title", "title");
        var status = RequireString(root, "status", "status") switch
        {
            "triggered" => AlertStatus.Triggered,
            "acknowledged" => AlertStatus.Acknowledged,
            "resolved" => AlertStatus.Resolved,
            "updated" => AlertStatus.Updated,
            _ => throw WebhookPayloadException.Invalid("status", "\"triggered\", \"acknowledged\", \"resolved\" or \"updated\""),
        };
        var occurredAt = RequireTimestamp(root, "occurredAt", "occurredAt");
        if (root.TryGetProperty("links", out var links) && links.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            throw WebhookPayloadException.Invalid("links", "an array of URLs");
        }

        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in StringMap(root, "context"))
        {
            AddIfPresent(context, key, value);
        }

        return
        [
            new MonitorAlert(
                Source: WebhookSourceNames.Generic,
                DeliveryId: eventId,
                ExternalIncidentKey: externalId,
                Status: status,
                Title: title,
                Description: OptionalString(root, "description"),
                Severity: AlertSeverity.Normalize(OptionalString(root, "severity")),
                DetectedAt: occurredAt,
                Link: StringList(root, "links").Select(Link).FirstOrDefault(uri => uri is not null),
                Context: context),
        ];
    }
}
