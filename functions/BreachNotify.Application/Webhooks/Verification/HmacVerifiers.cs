using System.Text;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// PagerDuty V3: <c>X-PagerDuty-Signature: v1=&lt;hex&gt;[,v1=&lt;hex&gt;]</c>, HMAC-SHA256(secret, raw body), hex.
/// Several signatures are sent during PagerDuty's own secret rotation; any one matching any configured secret passes.
/// https://developer.pagerduty.com/docs/webhooks (Verifying Signatures, docs/webhooks/04-Signatures.md)
/// </summary>
internal sealed class PagerDutyVerifier : IWebhookVerifier
{
    public const string SignatureHeader = "X-PagerDuty-Signature";

    public VerificationResult CheckHeaders(
        Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
        HmacListVerifier.CheckHeaders(header, options, SignatureHeader, "v1=");

    public VerificationResult Verify(
        ReadOnlySpan<byte> body, Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
        HmacListVerifier.Verify(body, header, options, SignatureHeader, "v1=");
}

/// <summary>
/// GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, HMAC-SHA256(secret, raw body).
/// https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
/// </summary>
internal sealed class GitHubVerifier : IWebhookVerifier
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    public VerificationResult CheckHeaders(
        Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
        HmacListVerifier.CheckHeaders(header, options, SignatureHeader, "sha256=");

    public VerificationResult Verify(
        ReadOnlySpan<byte> body, Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
        HmacListVerifier.Verify(body, header, options, SignatureHeader, "sha256=");
}

/// <summary>
/// Ours, for any other tool: <c>X-BreachNotify-Timestamp: &lt;unix seconds&gt;</c> and
/// <c>X-BreachNotify-Signature: v1=&lt;hex&gt;[,v1=&lt;hex&gt;]</c> where hex = HMAC-SHA256(secret, "&lt;timestamp&gt;." + raw body).
/// The timestamp must be within the replay window of now, in either direction.
/// </summary>
internal sealed class GenericVerifier : IWebhookVerifier
{
    public const string SignatureHeader = "X-BreachNotify-Signature";
    public const string TimestampHeader = "X-BreachNotify-Timestamp";

    public VerificationResult CheckHeaders(
        Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow)
    {
        if ((options?.ActiveSecrets ?? []).Count == 0)
        {
            return VerificationResult.NotConfigured;
        }

        var signature = header(SignatureHeader);
        var timestampText = header(TimestampHeader);
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestampText))
        {
            return VerificationResult.MissingCredentials;
        }

        return WebhookCrypto.ParsePrefixedList(signature, "v1=").Count == 0
            ? VerificationResult.Invalid
            : HmacListVerifier.CheckTimestamp(timestampText, now, replayWindow);
    }

    public VerificationResult Verify(
        ReadOnlySpan<byte> body, Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow)
    {
        var secrets = options?.ActiveSecrets ?? [];
        if (secrets.Count == 0)
        {
            return VerificationResult.NotConfigured;
        }

        var signature = header(SignatureHeader);
        var timestampText = header(TimestampHeader);
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestampText))
        {
            return VerificationResult.MissingCredentials;
        }

        return HmacListVerifier.VerifyTimestamped(
            secrets, timestampText, '.', body, WebhookCrypto.ParsePrefixedList(signature, "v1="), now, replayWindow);
    }
}

/// <summary>
/// Grafana Alerting (11.6+) webhook contact point, "HMAC Signature" settings: HMAC-SHA256 hex, no prefix, in the
/// configured header (default <c>X-Grafana-Alerting-Signature</c>). With a timestamp header Grafana signs
/// <c>"&lt;unix seconds&gt;:" + body</c>, and the replay window applies; without one it signs the body alone.
/// When <see cref="WebhookSourceOptions.TimestampHeader"/> is configured, that header is required; when it is not,
/// the header <c>X-Grafana-Alerting-Signature-Timestamp</c> (the name Grafana's provisioning docs use) is honoured if
/// present. With no secret but tokens configured, <c>Authorization: Bearer &lt;token&gt;</c> (the contact point's
/// "Authorization header" setting) is checked instead.
/// https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
/// </summary>
internal sealed class GrafanaVerifier : IWebhookVerifier
{
    public const string DefaultSignatureHeader = "X-Grafana-Alerting-Signature";
    public const string DefaultTimestampHeader = "X-Grafana-Alerting-Signature-Timestamp";

    public VerificationResult CheckHeaders(
        Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow)
    {
        if ((options?.ActiveSecrets ?? []).Count == 0)
        {
            return BearerTokenVerifier.VerifyToken(header, options);
        }

        var read = ReadHeaders(header, options!, out _, out var timestampText);
        return read != VerificationResult.Valid || string.IsNullOrWhiteSpace(timestampText)
            ? read
            : HmacListVerifier.CheckTimestamp(timestampText, now, replayWindow);
    }

    public VerificationResult Verify(
        ReadOnlySpan<byte> body, Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow)
    {
        var secrets = options?.ActiveSecrets ?? [];
        if (secrets.Count == 0)
        {
            return BearerTokenVerifier.VerifyToken(header, options);
        }

        var read = ReadHeaders(header, options!, out var candidate, out var timestampText);
        if (read != VerificationResult.Valid)
        {
            return read;
        }

        if (string.IsNullOrWhiteSpace(timestampText))
        {
            return WebhookCrypto.AnyHmacMatches(secrets, [], body, [candidate])
                ? VerificationResult.Valid
                : VerificationResult.Invalid;
        }

        return HmacListVerifier.VerifyTimestamped(secrets, timestampText, ':', body, [candidate], now, replayWindow);
    }

    /// <summary>The signature (decoded) and timestamp headers as configured: Valid when present and well-formed.</summary>
    private static VerificationResult ReadHeaders(Func<string, string?> header, WebhookSourceOptions options, out byte[] candidate, out string? timestampText)
    {
        candidate = [];
        var signature = header(string.IsNullOrWhiteSpace(options.SignatureHeader) ? DefaultSignatureHeader : options.SignatureHeader);
        var timestampRequired = !string.IsNullOrWhiteSpace(options.TimestampHeader);
        timestampText = header(timestampRequired ? options.TimestampHeader! : DefaultTimestampHeader);
        if (string.IsNullOrWhiteSpace(signature) || (timestampRequired && string.IsNullOrWhiteSpace(timestampText)))
        {
            return VerificationResult.MissingCredentials;
        }

        return WebhookCrypto.TryDecodeSha256Hex(signature.Trim(), out candidate) ? VerificationResult.Valid : VerificationResult.Invalid;
    }
}

/// <summary>Body HMAC in one header holding a comma-separated list of prefixed hex signatures.</summary>
internal static class HmacListVerifier
{
    /// <summary>The header part of <see cref="Verify"/>: configured, present, and holding at least one signature.</summary>
    public static VerificationResult CheckHeaders(Func<string, string?> header, WebhookSourceOptions? options, string signatureHeader, string signaturePrefix)
    {
        if ((options?.ActiveSecrets ?? []).Count == 0)
        {
            return VerificationResult.NotConfigured;
        }

        var value = header(signatureHeader);
        if (string.IsNullOrWhiteSpace(value))
        {
            return VerificationResult.MissingCredentials;
        }

        return WebhookCrypto.ParsePrefixedList(value, signaturePrefix).Count > 0 ? VerificationResult.Valid : VerificationResult.Invalid;
    }

    /// <summary>A timestamp header before the body is read: readable and within the window (its signature is checked later).</summary>
    public static VerificationResult CheckTimestamp(string timestampText, DateTimeOffset now, TimeSpan replayWindow)
    {
        if (!WebhookCrypto.TryParseUnixSeconds(timestampText.Trim(), out var timestamp))
        {
            return VerificationResult.Invalid;
        }

        return WebhookCrypto.IsWithinWindow(timestamp, now, replayWindow) ? VerificationResult.Valid : VerificationResult.Stale;
    }

    public static VerificationResult Verify(
        ReadOnlySpan<byte> body, Func<string, string?> header, WebhookSourceOptions? options,
        string signatureHeader, string signaturePrefix)
    {
        var secrets = options?.ActiveSecrets ?? [];
        if (secrets.Count == 0)
        {
            return VerificationResult.NotConfigured;
        }

        var value = header(signatureHeader);
        if (string.IsNullOrWhiteSpace(value))
        {
            return VerificationResult.MissingCredentials;
        }

        var candidates = WebhookCrypto.ParsePrefixedList(value, signaturePrefix);
        return candidates.Count > 0 && WebhookCrypto.AnyHmacMatches(secrets, [], body, candidates)
            ? VerificationResult.Valid
            : VerificationResult.Invalid;
    }

    /// <summary>
    /// HMAC over <c>"&lt;timestamp&gt;" + separator + body</c> (the timestamp text exactly as sent), then the replay window:
    /// Invalid when the timestamp is unreadable or no signature matches, Stale when authentic but outside the window.
    /// </summary>
    public static VerificationResult VerifyTimestamped(
        IReadOnlyList<string> secrets, string timestampText, char separator, ReadOnlySpan<byte> body,
        IReadOnlyList<byte[]> candidates, DateTimeOffset now, TimeSpan replayWindow)
    {
        timestampText = timestampText.Trim();
        if (!WebhookCrypto.TryParseUnixSeconds(timestampText, out var timestamp)
            || candidates.Count == 0
            || !WebhookCrypto.AnyHmacMatches(secrets, Encoding.ASCII.GetBytes(timestampText + separator), body, candidates))
        {
            return VerificationResult.Invalid;
        }

        return WebhookCrypto.IsWithinWindow(timestamp, now, replayWindow) ? VerificationResult.Valid : VerificationResult.Stale;
    }
}
