using System.Net;
using System.Security.Cryptography;
using System.Text;
using static BreachNotify.Application.Webhooks.PayloadJson;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// GitHub <c>secret_scanning_alert</c> webhook (the payload never holds the secret itself). Other events (ping, push…)
/// give no alert. https://docs.github.com/webhooks/webhook-events-and-payloads#secret_scanning_alert
/// <list type="bullet">
/// <item>Both content types GitHub offers are read: <c>application/json</c>, and its default
/// <c>application/x-www-form-urlencoded</c>, where the JSON is the form field <c>payload</c>. The signature is checked on
/// the raw bytes before either is decoded.</item>
/// <item>DeliveryId comes from the signed body, never from <c>X-GitHub-Delivery</c>, which the signature does not
/// cover (a captured body re-sent with new delivery ids must not count as new events):
/// <c>{repository}#{number}|{action}|{alert.updated_at}</c>, or the body's SHA-256 when the alert has no
/// <c>updated_at</c>. GitHub's redelivery of the same event repeats it and is dropped.</item>
/// <item>ExternalIncidentKey = "{repository.full_name}#{alert.number}". GitHub's schema requires only <c>action</c>,
/// <c>alert</c> and <c>repository</c>: DetectedAt is <c>created_at</c>, else <c>updated_at</c>, else the time of
/// receipt; a missing <c>secret_type</c> reads "secret".</item>
/// <item>action created/reopened → Triggered, resolved → Resolved, anything else (validated, publicly_leaked,
/// assigned…) → Updated; Severity critical when alert.validity is "active" (the secret still works), else high.</item>
/// </list>
/// </summary>
internal sealed class GitHubSecretScanningParser(TimeProvider time) : IWebhookPayloadParser
{
    public const string EventHeader = "X-GitHub-Event";
    public const string ContentTypeHeader = "Content-Type";
    public const string FormField = "payload";

    public IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header)
    {
        var eventName = header(EventHeader);
        if (string.IsNullOrWhiteSpace(eventName))
        {
            throw WebhookPayloadException.Missing(EventHeader);
        }

        using var document = PayloadJson.Parse(IsForm(header(ContentTypeHeader)) ? FormPayload(body.Span) : body);
        if (!string.Equals(eventName.Trim(), "secret_scanning_alert", StringComparison.Ordinal))
        {
            return [];
        }

        var root = document.RootElement;
        var action = RequireString(root, "action", "action");
        var alert = RequireObject(root, "alert", "alert");
        var repository = RequireString(RequireObject(root, "repository", "repository"), "full_name", "repository.full_name");
        var number = OptionalString(alert, "number") ?? throw WebhookPayloadException.Missing("alert.number");
        var secretType = OptionalString(alert, "secret_type");
        var updatedAt = OptionalTimestamp(alert, "updated_at");
        var detectedAt = OptionalTimestamp(alert, "created_at") ?? updatedAt ?? time.GetUtcNow();
        var validity = OptionalString(alert, "validity");
        var htmlUrl = OptionalString(alert, "html_url");
        var displayName = OptionalString(alert, "secret_type_display_name") ?? secretType ?? "secret";

        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["repository"] = repository,
            ["action"] = action,
        };
        AddIfPresent(context, "secret_type", secretType);
        AddIfPresent(context, "secret_type_display_name", OptionalString(alert, "secret_type_display_name"));
        AddIfPresent(context, "validity", validity);
        AddIfPresent(context, "alert_url", htmlUrl);

        var externalKey = $"{repository}#{number}";
        return
        [
            new MonitorAlert(
                Source: WebhookSourceNames.GitHub,
                DeliveryId: updatedAt is { } at
                    ? $"{externalKey}|{action}|{at.UtcDateTime:O}"
                    : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body.Span)),
                ExternalIncidentKey: externalKey,
                Status: action switch
                {
                    "created" or "reopened" => AlertStatus.Triggered,
                    "resolved" => AlertStatus.Resolved,
                    _ => AlertStatus.Updated,
                },
                Title: $"Secret scanning alert #{number}: {displayName} exposed in {repository}",
                Description: OptionalString(alert, "resolution") is { } resolution ? $"Resolution: {resolution}" : null,
                Severity: string.Equals(validity, "active", StringComparison.Ordinal) ? AlertSeverity.Critical : AlertSeverity.High,
                DetectedAt: detectedAt,
                Link: Link(htmlUrl),
                Context: context)
            {
                ChangedAt = (action == "resolved" ? OptionalTimestamp(alert, "resolved_at") : null) ?? updatedAt ?? detectedAt,
            },
        ];
    }

    private static bool IsForm(string? contentType) =>
        contentType is not null
        && contentType.Split(';')[0].Trim().Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>payload</c> field of a form body (<c>payload=%7B...%7D</c>, '+' for space), as UTF-8 JSON.</summary>
    private static ReadOnlyMemory<byte> FormPayload(ReadOnlySpan<byte> body)
    {
        foreach (var pair in Encoding.ASCII.GetString(body).Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            if (WebUtility.UrlDecode(name) != FormField)
            {
                continue;
            }

            var value = equals < 0 ? "" : pair[(equals + 1)..];
            return WebUtility.UrlDecodeToBytes(Encoding.ASCII.GetBytes(value), 0, value.Length);
        }

        throw WebhookPayloadException.Missing(FormField);
    }
}
