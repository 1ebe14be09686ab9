using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BreachNotify.Application.Notices.Sending;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>Outcome of <see cref="SendGridEventWebhookVerifier.Verify(string?, string?, ReadOnlySpan{byte})"/>.</summary>
public enum SendGridWebhookVerificationResult
{
    Valid = 0,

    /// <summary>Signature or timestamp header absent or empty.</summary>
    MissingSignature = 1,

    /// <summary>Signature malformed or not made by the configured key over this timestamp and body.</summary>
    BadSignature = 2,

    /// <summary>Genuine signature, but the timestamp is outside the replay window.</summary>
    Stale = 3,
}

/// <summary>
/// Verifies SendGrid's Signed Event Webhook: ECDSA P-256 / SHA-256 signature (base64 DER, header
/// <c>X-Twilio-Email-Event-Webhook-Signature</c>) over the UTF-8 bytes of timestamp header + raw body
/// (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features).
/// SendGrid documents no replay window; this one rejects timestamps further than <see cref="ReplayWindow"/> from now
/// (by default the setting's default, which outlasts SendGrid's 24 hours of retries).
/// Never throws for request input; thread-safe.
/// </summary>
public sealed class SendGridEventWebhookVerifier
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";
    public static readonly TimeSpan DefaultReplayWindow = new DeliveryEventWebhookOptions().ReplayWindow;

    private readonly byte[] _publicKey;
    private readonly TimeProvider _timeProvider;

    /// <param name="publicKeyBase64">The verification key from SendGrid's Mail Settings: base64 SubjectPublicKeyInfo DER
    /// (PEM armour, if present, is stripped).</param>
    /// <exception cref="ArgumentException">The key is not a base64 P-256 public key.</exception>
    public SendGridEventWebhookVerifier(string publicKeyBase64, TimeProvider timeProvider, TimeSpan? replayWindow = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKeyBase64);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        ReplayWindow = replayWindow ?? DefaultReplayWindow;
        if (ReplayWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(replayWindow), "The replay window must be positive.");
        }

        var base64 = publicKeyBase64
            .Replace("-----BEGIN PUBLIC KEY-----", string.Empty, StringComparison.Ordinal)
            .Replace("-----END PUBLIC KEY-----", string.Empty, StringComparison.Ordinal);
        try
        {
            _publicKey = Convert.FromBase64String(string.Concat(base64.Where(c => !char.IsWhiteSpace(c))));
            using var ecdsa = ImportKey(_publicKey);
            if (ecdsa.KeySize != 256)
            {
                throw new ArgumentException("The SendGrid webhook key must be an ECDSA P-256 key.", nameof(publicKeyBase64));
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new ArgumentException("The SendGrid webhook key is not a base64 SubjectPublicKeyInfo ECDSA key.", nameof(publicKeyBase64), ex);
        }
    }

    public TimeSpan ReplayWindow { get; }

    /// <summary>Whether <paramref name="publicKeyBase64"/> is a usable verification key (start-up validation).</summary>
    public static bool IsValidKey(string publicKeyBase64)
    {
        try
        {
            _ = new SendGridEventWebhookVerifier(publicKeyBase64, TimeProvider.System);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <param name="signature">Value of <see cref="SignatureHeader"/>.</param>
    /// <param name="timestamp">Value of <see cref="TimestampHeader"/> (unix seconds).</param>
    /// <param name="rawBody">The request body exactly as received (do not re-serialize).</param>
    public SendGridWebhookVerificationResult Verify(string? signature, string? timestamp, ReadOnlySpan<byte> rawBody)
    {
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestamp))
        {
            return SendGridWebhookVerificationResult.MissingSignature;
        }

        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return SendGridWebhookVerificationResult.BadSignature;
        }

        var timestampBytes = Encoding.UTF8.GetBytes(timestamp);
        var signed = new byte[timestampBytes.Length + rawBody.Length];
        timestampBytes.CopyTo(signed, 0);
        rawBody.CopyTo(signed.AsSpan(timestampBytes.Length));

        bool valid;
        try
        {
            using var ecdsa = ImportKey(_publicKey);
            valid = ecdsa.VerifyData(signed, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            valid = false;
        }

        if (!valid)
        {
            return SendGridWebhookVerificationResult.BadSignature;
        }

        if (!long.TryParse(timestamp.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            // Signed but not a unix time: cannot place it in the window.
            return SendGridWebhookVerificationResult.Stale;
        }

        var age = _timeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return age.Duration() > ReplayWindow ? SendGridWebhookVerificationResult.Stale : SendGridWebhookVerificationResult.Valid;
    }

    /// <inheritdoc cref="Verify(string?, string?, ReadOnlySpan{byte})"/>
    public SendGridWebhookVerificationResult Verify(string? signature, string? timestamp, string rawBody) =>
        Verify(signature, timestamp, Encoding.UTF8.GetBytes(rawBody ?? string.Empty));

    // A fresh instance per call: ECDsa instances are not documented as thread-safe, and webhook volume is low.
    private static ECDsa ImportKey(byte[] spki)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
            return ecdsa;
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }
}
