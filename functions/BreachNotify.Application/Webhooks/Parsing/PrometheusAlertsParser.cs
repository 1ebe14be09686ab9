using System.Globalization;
using System.Text.Json;
using static BreachNotify.Application.Webhooks.PayloadJson;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// Grafana Alerting webhook contact point and Prometheus Alertmanager <c>webhook_config</c>: the same grouped shape,
/// one MonitorAlert per entry of <c>alerts[]</c>.
/// Grafana: https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
/// Alertmanager: https://prometheus.io/docs/alerting/latest/configuration/#webhook_config (version "4").
/// DeliveryId = groupKey|fingerprint|status|startsAt (startsAt keeps a re-fire after a resolve from being taken for a
/// redelivery); ExternalIncidentKey = fingerprint; Title = labels.alertname (else annotations.summary);
/// Description = annotations.description (else summary); Severity = labels.severity; Link = generatorURL.
/// </summary>
internal sealed class PrometheusAlertsParser(string source) : IWebhookPayloadParser
{
    public IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header)
    {
        using var document = PayloadJson.Parse(body);
        var root = document.RootElement;
        var groupKey = RequireString(root, "groupKey", "groupKey");
        var alerts = RequireArray(root, "alerts", "alerts");
        var result = new List<MonitorAlert>(alerts.GetArrayLength());
        var index = 0;
        foreach (var alert in alerts.EnumerateArray())
        {
            result.Add(ParseAlert(alert, $"alerts[{index}]", groupKey));
            index++;
        }

        return result;
    }

    private MonitorAlert ParseAlert(JsonElement alert, string path, string groupKey)
    {
        if (alert.ValueKind != JsonValueKind.Object)
        {
            throw WebhookPayloadException.Invalid(path, "an object");
        }

        var fingerprint = RequireString(alert, "fingerprint", path + ".fingerprint");
        var statusText = RequireString(alert, "status", path + ".status");
        var status = statusText switch
        {
            "firing" => AlertStatus.Triggered,
            "resolved" => AlertStatus.Resolved,
            _ => throw WebhookPayloadException.Invalid(path + ".status", "\"firing\" or \"resolved\""),
        };
        var startsAt = RequireTimestamp(alert, "startsAt", path + ".startsAt");
        var labels = StringMap(alert, "labels");
        var annotations = StringMap(alert, "annotations");
        var title = labels.GetValueOrDefault("alertname")
            ?? annotations.GetValueOrDefault("summary")
            ?? throw WebhookPayloadException.Missing(path + ".labels.alertname");

        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        AddIfPresent(context, "alertname", labels.GetValueOrDefault("alertname"));
        AddIfPresent(context, "instance", labels.GetValueOrDefault("instance"));
        AddIfPresent(context, "job", labels.GetValueOrDefault("job"));
        AddIfPresent(context, "labels", string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));

        return new MonitorAlert(
            Source: source,
            DeliveryId: string.Join('|', groupKey, fingerprint, statusText, startsAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
            ExternalIncidentKey: fingerprint,
            Status: status,
            Title: title,
            Description: annotations.GetValueOrDefault("description") ?? annotations.GetValueOrDefault("summary"),
            Severity: AlertSeverity.Normalize(labels.GetValueOrDefault("severity")),
            DetectedAt: startsAt,
            Link: Link(OptionalString(alert, "generatorURL")),
            Context: context)
        {
            ChangedAt = status == AlertStatus.Resolved ? OptionalTimestamp(alert, "endsAt") : startsAt,
        };
    }
}
