namespace BreachNotify.Application.Webhooks;

internal interface IWebhookVerifier
{
    /// <param name="options">The source's settings; null when the source has none configured.</param>
    VerificationResult Verify(
        ReadOnlySpan<byte> body,
        Func<string, string?> header,
        WebhookSourceOptions? options,
        DateTimeOffset now,
        TimeSpan replayWindow);
}
