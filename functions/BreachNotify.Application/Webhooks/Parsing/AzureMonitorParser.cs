using static BreachNotify.Application.Webhooks.PayloadJson;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// Azure Monitor action group webhook with the common alert schema (<c>schemaId: "azureMonitorCommonAlertSchema"</c>).
/// https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema and
/// https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-payload-samples
/// DeliveryId = essentials.alertId|monitorCondition; ExternalIncidentKey = alertId; Title = alertRule;
/// Severity Sev0–Sev4 → critical/high/medium/low/info; DetectedAt = firedDateTime; Link = essentials.investigationLink
/// when the payload has one (no portal link is made up otherwise).
/// </summary>
internal sealed class AzureMonitorParser : IWebhookPayloadParser
{
    private const string SchemaId = "azureMonitorCommonAlertSchema";

    public IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header)
    {
        using var document = PayloadJson.Parse(body);
        var root = document.RootElement;
        if (!string.Equals(RequireString(root, "schemaId", "schemaId"), SchemaId, StringComparison.Ordinal))
        {
            throw WebhookPayloadException.Invalid("schemaId", $"\"{SchemaId}\" (enable the common alert schema on the action)");
        }

        var essentials = RequireObject(RequireObject(root, "data", "data"), "essentials", "data.essentials");
        var alertId = RequireString(essentials, "alertId", "data.essentials.alertId");
        var alertRule = RequireString(essentials, "alertRule", "data.essentials.alertRule");
        var condition = RequireString(essentials, "monitorCondition", "data.essentials.monitorCondition");
        var status = condition switch
        {
            "Fired" => AlertStatus.Triggered,
            "Resolved" => AlertStatus.Resolved,
            _ => throw WebhookPayloadException.Invalid("data.essentials.monitorCondition", "\"Fired\" or \"Resolved\""),
        };
        var severity = RequireString(essentials, "severity", "data.essentials.severity");
        var firedAt = RequireTimestamp(essentials, "firedDateTime", "data.essentials.firedDateTime");

        var context = new Dictionary<string, string>(StringComparer.Ordinal) { ["alertRule"] = alertRule };
        AddIfPresent(context, "alertTargetIDs", string.Join(", ", StringList(essentials, "alertTargetIDs")));
        AddIfPresent(context, "configurationItems", string.Join(", ", StringList(essentials, "configurationItems")));
        AddIfPresent(context, "monitoringService", OptionalString(essentials, "monitoringService"));
        AddIfPresent(context, "signalType", OptionalString(essentials, "signalType"));

        return
        [
            new MonitorAlert(
                Source: WebhookSourceNames.AzureMonitor,
                DeliveryId: alertId + "|" + condition,
                ExternalIncidentKey: alertId,
                Status: status,
                Title: alertRule,
                Description: OptionalString(essentials, "description"),
                Severity: AlertSeverity.Normalize(severity),
                DetectedAt: firedAt,
                Link: Link(OptionalString(essentials, "investigationLink")),
                Context: context)
            {
                ChangedAt = status == AlertStatus.Resolved ? OptionalTimestamp(essentials, "resolvedDateTime") : firedAt,
            },
        ];
    }
}
