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
        ReadOnlySpan<byte> body, Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
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

/// <summary>
/// Azure Monitor action groups cannot send custom headers (only "secure webhook" with an Entra token, not supported
/// here), so the token may also ride in the webhook URL: <c>/api/webhooks/azure-monitor?token=&lt;token&gt;</c>.
/// <c>Authorization: Bearer</c> is used when present; otherwise the <c>token</c> query parameter, compared in constant
/// time like a bearer token. Under the Functions host the function key (<c>?code=</c>) is checked first, by the host.
/// https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups#webhook
/// </summary>
internal sealed class AzureMonitorTokenVerifier : IWebhookVerifier
{
    public const string QueryParameter = "token";

    public VerificationResult Verify(
        ReadOnlySpan<byte> body, Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow)
    {
        if (!string.IsNullOrWhiteSpace(header(BearerTokenVerifier.AuthorizationHeader)))
        {
            return BearerTokenVerifier.VerifyToken(header, options);
        }

        var tokens = options?.ActiveTokens ?? [];
        if (tokens.Count == 0)
        {
            return VerificationResult.NotConfigured;
        }

        var presented = query(QueryParameter);
        if (string.IsNullOrWhiteSpace(presented))
        {
            return VerificationResult.MissingCredentials;
        }

        return WebhookCrypto.AnyTokenMatches(tokens, presented.Trim()) ? VerificationResult.Valid : VerificationResult.Invalid;
    }
}
