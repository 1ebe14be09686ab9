using System.Text.Json;
using static BreachNotify.Application.Webhooks.PayloadJson;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// Microsoft Sentinel incident, posted by an automation rule's playbook (Logic App, incident trigger) with an HTTP action
/// whose body is <c>@{triggerBody()}</c> (the wrapper with <c>object</c>) or <c>@{triggerBody()?['object']}</c> (the
/// incident alone). Incident properties per the Security Insights Incidents REST resource
/// (https://learn.microsoft.com/rest/api/securityinsights/incidents/get) and the playbook incident trigger
/// (https://learn.microsoft.com/azure/sentinel/automation/playbook-triggers-actions).
/// DeliveryId = object.id|status|lastModifiedTimeUtc; ExternalIncidentKey = object.id (the incident's ARM id);
/// status New → Triggered, Active → Acknowledged, Closed → Resolved; DetectedAt = createdTimeUtc; Link = incidentUrl.
/// </summary>
internal sealed class SentinelParser : IWebhookPayloadParser
{
    public IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header)
    {
        using var document = PayloadJson.Parse(body);
        var root = document.RootElement;
        var (incident, path) = root.TryGetProperty("object", out _)
            ? (RequireObject(root, "object", "object"), "object.")
            : (root, "");

        var id = RequireString(incident, "id", path + "id");
        var properties = RequireObject(incident, "properties", path + "properties");
        var prefix = path + "properties.";
        var title = RequireString(properties, "title", prefix + "title");
        var severity = RequireString(properties, "severity", prefix + "severity");
        var statusText = RequireString(properties, "status", prefix + "status");
        var status = statusText switch
        {
            "New" => AlertStatus.Triggered,
            "Active" => AlertStatus.Acknowledged,
            "Closed" => AlertStatus.Resolved,
            _ => throw WebhookPayloadException.Invalid(prefix + "status", "\"New\", \"Active\" or \"Closed\""),
        };
        var createdAt = RequireTimestamp(properties, "createdTimeUtc", prefix + "createdTimeUtc");
        var lastModified = OptionalString(properties, "lastModifiedTimeUtc");

        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["severity"] = severity,
            ["status"] = statusText,
        };
        AddIfPresent(context, "incidentNumber", OptionalString(properties, "incidentNumber"));
        AddIfPresent(context, "providerName", OptionalString(properties, "providerName"));
        if (OptionalObject(properties, "additionalData") is JsonElement additional)
        {
            AddIfPresent(context, "alertProductNames", string.Join(", ", StringList(additional, "alertProductNames")));
        }

        return
        [
            new MonitorAlert(
                Source: WebhookSourceNames.Sentinel,
                DeliveryId: string.Join('|', id, statusText, lastModified ?? ""),
                ExternalIncidentKey: id,
                Status: status,
                Title: title,
                Description: OptionalString(properties, "description"),
                Severity: AlertSeverity.Normalize(severity),
                DetectedAt: createdAt,
                Link: Link(OptionalString(properties, "incidentUrl")),
                Context: context) { ChangedAt = OptionalTimestamp(properties, "lastModifiedTimeUtc") },
        ];
    }
}
