namespace BreachNotify.Application.Webhooks;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> against the configured tokens (alertmanager <c>http_config.authorization</c>,
/// a Logic App HTTP action's header for sentinel, azure-monitor). No body signature exists for these senders, so the
/// token authenticates the sender only; send them over TLS.
/// </summary>
internal sealed class BearerTokenVerifier : IWebhookVerifier
{
    public const string AuthorizationHeader = "Authorization";
    private const string Scheme = "Bearer ";

    public VerificationResult Verify(
        ReadOnlySpan<byte> body, Func<string, string?> header, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
        VerifyToken(header, options);

    public static VerificationResult VerifyToken(Func<string, string?> header, WebhookSourceOptions? options)
    {
        var tokens = options?.ActiveTokens ?? [];
        if (tokens.Count == 0)
        {
            return VerificationResult.NotConfigured;
        }

        var authorization = header(AuthorizationHeader);
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return VerificationResult.MissingCredentials;
        }

        authorization = authorization.Trim();
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return VerificationResult.Invalid;
        }

        var presented = authorization[Scheme.Length..].Trim();
        return presented.Length > 0 && WebhookCrypto.AnyTokenMatches(tokens, presented)
            ? VerificationResult.Valid
            : VerificationResult.Invalid;
    }
}
