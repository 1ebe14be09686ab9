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

    /// <summary>How old a signed timestamp may be.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<string> Validate()
    {
        if (MaxBodyBytes is < 1024 or > 64L * 1024 * 1024) yield return $"{SectionName}:MaxBodyBytes must be between 1024 and 67108864 bytes.";
        if (ReplayWindow <= TimeSpan.Zero) yield return $"{SectionName}:ReplayWindow must be positive.";
    }
}
