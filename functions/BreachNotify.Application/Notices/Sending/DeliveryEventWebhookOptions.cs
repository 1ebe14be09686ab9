namespace BreachNotify.Application.Notices.Sending;

/// <summary>Section <c>Webhooks:sendgrid</c>: the mail provider's signed delivery-event webhook (proof of delivery).</summary>
public sealed class DeliveryEventWebhookOptions
{
    public const string SectionName = "Webhooks:sendgrid";

    /// <summary>The verification key from SendGrid's Mail Settings (base64 SubjectPublicKeyInfo, ECDSA P-256). Empty: the
    /// webhook is off and answers 404.</summary>
    public string? PublicKey { get; set; }

    /// <summary>Largest request body in bytes. SendGrid posts events in batches; 2 MiB leaves room for large batches
    /// while a flood of posts cannot hold much memory.</summary>
    public long MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// How far a signed timestamp may be from now. SendGrid retries an event delivery that did not get a 2xx "at
    /// increasing intervals for up to 24 hours after the event occurs" (Event Webhook troubleshooting), so a window
    /// shorter than that can refuse a retry and lose its proof of delivery for good. The default, 25 h, covers the
    /// 24 h of retries plus an hour for clock skew and SendGrid's batching delay. A replay inside the window changes
    /// nothing: every event is applied once, keyed by its <c>sg_event_id</c> (DeliveryEventService).
    /// </summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromHours(25);

    public IEnumerable<string> Validate()
    {
        if (MaxBodyBytes is < 1024 or > 64L * 1024 * 1024) yield return $"{SectionName}:MaxBodyBytes must be between 1024 and 67108864 bytes.";
        if (ReplayWindow <= TimeSpan.Zero) yield return $"{SectionName}:ReplayWindow must be positive (default 1.01:00:00, i.e. 25 hours: SendGrid retries for up to 24 hours).";
    }
}
