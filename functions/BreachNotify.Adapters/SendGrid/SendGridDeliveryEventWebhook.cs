using System.Buffers.Text;
using System.Globalization;
using BreachNotify.Application.Notices.Sending;
using Microsoft.Extensions.Options;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>
/// SendGrid's signed Event Webhook behind the Application port: ECDSA P-256 over timestamp + raw body
/// (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features).
/// The SendGrid SDK has no verifier or parser for it, hence <see cref="SendGridEventWebhookVerifier"/> and
/// <see cref="SendGridEventParser"/>.
/// </summary>
public sealed class SendGridDeliveryEventWebhook(IOptions<DeliveryEventWebhookOptions> options, TimeProvider time) : IDeliveryEventWebhook
{
    private readonly Lazy<SendGridEventWebhookVerifier?> _verifier = new(() =>
        string.IsNullOrWhiteSpace(options.Value.PublicKey) ? null : new SendGridEventWebhookVerifier(options.Value.PublicKey, time, options.Value.ReplayWindow));

    public DeliveryEventCheck CheckHeaders(Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (_verifier.Value is null) return DeliveryEventCheck.NotConfigured;
        var signature = header(SendGridEventWebhookVerifier.SignatureHeader);
        var timestamp = header(SendGridEventWebhookVerifier.TimestampHeader);
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestamp)) return DeliveryEventCheck.MissingSignature;
        // A DER ECDSA P-256 signature is at most 72 bytes: anything else cannot verify.
        if (signature.Length > 128 || !Base64.IsValid(signature.Trim())) return DeliveryEventCheck.Invalid;
        if (!long.TryParse(timestamp.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return DeliveryEventCheck.Invalid;
        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return age.Duration() > options.Value.ReplayWindow ? DeliveryEventCheck.Stale : DeliveryEventCheck.Valid;
    }

    public DeliveryEventCheck Verify(Func<string, string?> header, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(header);
        var verifier = _verifier.Value;
        if (verifier is null) return DeliveryEventCheck.NotConfigured;
        return verifier.Verify(header(SendGridEventWebhookVerifier.SignatureHeader), header(SendGridEventWebhookVerifier.TimestampHeader), body) switch
        {
            SendGridWebhookVerificationResult.Valid => DeliveryEventCheck.Valid,
            SendGridWebhookVerificationResult.MissingSignature => DeliveryEventCheck.MissingSignature,
            SendGridWebhookVerificationResult.Stale => DeliveryEventCheck.Stale,
            _ => DeliveryEventCheck.Invalid,
        };
    }

    public IReadOnlyList<DeliveryEvent> Parse(ReadOnlySpan<byte> body)
        => SendGridEventParser.Parse(body).Select(e => new DeliveryEvent(e.EventId, e.Event, e.Timestamp, e.Email,
            e.CustomArgs.TryGetValue("jobId", out var job) ? job : null, e.BounceType, e.Reason)).ToList();
}
