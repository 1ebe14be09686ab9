namespace BreachNotify.Application.Webhooks;

internal interface IWebhookVerifier
{
    /// <summary>
    /// What can be decided from the headers and the URL alone, before the body is read: whether the source is
    /// configured, whether credentials are present and well-formed, and (where the timestamp is a header) whether they
    /// are within the replay window; senders authenticated by a token alone are fully verified here. Valid means "read
    /// the body and call <see cref="Verify"/>", so an unauthenticated flood never makes us buffer a body.
    /// </summary>
    VerificationResult CheckHeaders(
        Func<string, string?> header,
        Func<string, string?> query,
        WebhookSourceOptions? options,
        DateTimeOffset now,
        TimeSpan replayWindow);

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
