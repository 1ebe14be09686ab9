using static BreachNotify.Application.Webhooks.PayloadJson;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// PagerDuty V3 webhook: one <c>event</c> per delivery. Only events whose <c>event.data.type</c> is "incident" carry an
/// alert (incident.triggered/acknowledged/unacknowledged/reopened/resolved/escalated/priority_updated/…); the others
/// (notes, responders, status updates, service.*, pings) give no alert. Payload fields per
/// https://developer.pagerduty.com/docs/webhooks (V3 overview, "Webhook Payload" and "incident" data type).
/// DeliveryId = event.id; ExternalIncidentKey = event.data.id; DetectedAt = data.created_at (else event.occurred_at);
/// Severity from data.priority.summary (P1–P5) when set, else data.urgency (high/low).
/// </summary>
internal sealed class PagerDutyParser : IWebhookPayloadParser
{
    public IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header)
    {
        using var document = PayloadJson.Parse(body);
        var evt = RequireObject(document.RootElement, "event", "event");
        var eventId = RequireString(evt, "id", "event.id");
        var eventType = RequireString(evt, "event_type", "event.event_type");
        var occurredAt = RequireTimestamp(evt, "occurred_at", "event.occurred_at");
        var data = RequireObject(evt, "data", "event.data");
        if (!string.Equals(OptionalString(data, "type"), "incident", StringComparison.Ordinal))
        {
            return [];
        }

        var incidentId = RequireString(data, "id", "event.data.id");
        var title = RequireString(data, "title", "event.data.title");
        var detectedAt = OptionalString(data, "created_at") is not null
            ? RequireTimestamp(data, "created_at", "event.data.created_at")
            : occurredAt;
        var urgency = OptionalString(data, "urgency");
        var priority = OptionalObject(data, "priority") is { } p ? OptionalString(p, "summary") : null;

        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        AddIfPresent(context, "service", OptionalObject(data, "service") is { } s ? OptionalString(s, "summary") : null);
        AddIfPresent(context, "urgency", urgency);
        AddIfPresent(context, "priority", priority);
        AddIfPresent(context, "incident_number", OptionalString(data, "number"));
        AddIfPresent(context, "event_type", eventType);

        return
        [
            new MonitorAlert(
                Source: WebhookSourceNames.PagerDuty,
                DeliveryId: eventId,
                ExternalIncidentKey: incidentId,
                Status: MapStatus(eventType),
                Title: title,
                Description: null,
                Severity: AlertSeverity.Normalize(priority, AlertSeverity.Normalize(urgency)),
                DetectedAt: detectedAt,
                Link: Link(OptionalString(data, "html_url")),
                Context: context) { ChangedAt = occurredAt },
        ];
    }

    private static AlertStatus MapStatus(string eventType) => eventType switch
    {
        "incident.triggered" or "incident.reopened" or "incident.unacknowledged" => AlertStatus.Triggered,
        "incident.acknowledged" => AlertStatus.Acknowledged,
        "incident.resolved" => AlertStatus.Resolved,
        _ => AlertStatus.Updated,
    };
}
