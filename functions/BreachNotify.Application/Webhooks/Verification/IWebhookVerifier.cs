namespace BreachNotify.Application.Webhooks;

internal interface IWebhookVerifier
{
    /// <param name="query">Query string lookup of the webhook URL (only azure-monitor reads it), null when absent.</param>
    /// <param name="options">The source's settings; null when the source has none configured.</param>
    VerificationResult Verify(
        ReadOnlySpan<byte> body,
        Func<string, string?> header,
        Func<string, string?> query,
        WebhookSourceOptions? options,
        DateTimeOffset now,
        TimeSpan replayWindow);
}
