using static BreachNotify.Application.Webhooks.PayloadJson;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// GitHub <c>secret_scanning_alert</c> webhook (the payload never holds the secret itself). Other events (ping, push…)
/// give no alert. https://docs.github.com/webhooks/webhook-events-and-payloads#secret_scanning_alert
/// DeliveryId = X-GitHub-Delivery header; ExternalIncidentKey = "{repository.full_name}#{alert.number}";
/// action created/reopened → Triggered, resolved → Resolved, anything else (validated, publicly_leaked, assigned…) →
/// Updated; Severity critical when alert.validity is "active" (the secret still works), else high.
/// </summary>
internal sealed class GitHubSecretScanningParser : IWebhookPayloadParser
{
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";

    public IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header)
    {
        var eventName = header(EventHeader);
        if (string.IsNullOrWhiteSpace(eventName))
        {
            throw WebhookPayloadException.Missing(EventHeader);
        }

        using var document = PayloadJson.Parse(body);
        if (!string.Equals(eventName.Trim(), "secret_scanning_alert", StringComparison.Ordinal))
        {
            return [];
        }

        var delivery = header(DeliveryHeader);
        if (string.IsNullOrWhiteSpace(delivery))
        {
            throw WebhookPayloadException.Missing(DeliveryHeader);
        }

        var root = document.RootElement;
        var action = RequireString(root, "action", "action");
        var alert = RequireObject(root, "alert", "alert");
        var number = RequireString(alert, "number", "alert.number");
        var secretType = RequireString(alert, "secret_type", "alert.secret_type");
        var createdAt = RequireTimestamp(alert, "created_at", "alert.created_at");
        var repository = RequireString(RequireObject(root, "repository", "repository"), "full_name", "repository.full_name");
        var validity = OptionalString(alert, "validity");
        var htmlUrl = OptionalString(alert, "html_url");
        var displayName = OptionalString(alert, "secret_type_display_name") ?? secretType;

        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["repository"] = repository,
            ["secret_type"] = secretType,
            ["action"] = action,
        };
        AddIfPresent(context, "secret_type_display_name", OptionalString(alert, "secret_type_display_name"));
        AddIfPresent(context, "validity", validity);
        AddIfPresent(context, "alert_url", htmlUrl);

        return
        [
            new MonitorAlert(
                Source: WebhookSourceNames.GitHub,
                DeliveryId: delivery.Trim(),
                ExternalIncidentKey: $"{repository}#{number}",
                Status: action switch
                {
                    "created" or "reopened" => AlertStatus.Triggered,
                    "resolved" => AlertStatus.Resolved,
                    _ => AlertStatus.Updated,
                },
                Title: $"Secret scanning alert #{number}: {displayName} exposed in {repository}",
                Description: OptionalString(alert, "resolution") is { } resolution ? $"Resolution: {resolution}" : null,
                Severity: string.Equals(validity, "active", StringComparison.Ordinal) ? AlertSeverity.Critical : AlertSeverity.High,
                DetectedAt: createdAt,
                Link: Link(htmlUrl),
                Context: context)
            {
                ChangedAt = (action == "resolved" ? OptionalTimestamp(alert, "resolved_at") : null)
                    ?? OptionalTimestamp(alert, "updated_at") ?? createdAt,
            },
        ];
    }
}
