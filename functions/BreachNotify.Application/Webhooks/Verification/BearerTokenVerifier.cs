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

    public VerificationResult CheckHeaders(
        Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
        VerifyToken(header, options);

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
/// here), so the token rides in the webhook URL, in either of two forms:
/// <list type="bullet">
/// <item>basic auth in the URI, <c>https://monitor:&lt;token&gt;@host/api/webhooks/azure-monitor</c>, which the action
/// group sends as <c>Authorization: Basic base64(user:password)</c>: the password is the token, the user name is not
/// checked (https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups#webhook);</item>
/// <item><c>/api/webhooks/azure-monitor?token=&lt;token&gt;</c>.</item>
/// </list>
/// <c>Authorization: Bearer</c> is checked when sent (as for the other token sources). Any other Authorization header
/// (a proxy's, or basic auth whose password is not a token) does not hide a valid <c>?token=</c>. Tokens are compared
/// in constant time. Under the Functions host the function key (<c>?code=</c>) is checked first, by the host.
/// </summary>
internal sealed class AzureMonitorTokenVerifier : IWebhookVerifier
{
    public const string QueryParameter = "token";
    private const string BasicScheme = "Basic ";

    public VerificationResult CheckHeaders(
        Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
        VerifyCredentials(header, query, options);

    public VerificationResult Verify(
        ReadOnlySpan<byte> body, Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options, DateTimeOffset now, TimeSpan replayWindow) =>
        VerifyCredentials(header, query, options);

    private static VerificationResult VerifyCredentials(Func<string, string?> header, Func<string, string?> query, WebhookSourceOptions? options)
    {
        var tokens = options?.ActiveTokens ?? [];
        if (tokens.Count == 0)
        {
            return VerificationResult.NotConfigured;
        }

        var authorization = header(BearerTokenVerifier.AuthorizationHeader)?.Trim();
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return BearerTokenVerifier.VerifyToken(header, options);
        }

        if (authorization is not null && authorization.StartsWith(BasicScheme, StringComparison.OrdinalIgnoreCase)
            && BasicPassword(authorization[BasicScheme.Length..]) is { Length: > 0 } password
            // A client may or may not undo the URI's percent-encoding of the password before encoding it: try both.
            && (WebhookCrypto.AnyTokenMatches(tokens, password)
                || (password.Contains('%', StringComparison.Ordinal) && WebhookCrypto.AnyTokenMatches(tokens, Uri.UnescapeDataString(password)))))
        {
            return VerificationResult.Valid;
        }

        var presented = query(QueryParameter);
        if (string.IsNullOrWhiteSpace(presented))
        {
            return string.IsNullOrWhiteSpace(authorization) ? VerificationResult.MissingCredentials : VerificationResult.Invalid;
        }

        return WebhookCrypto.AnyTokenMatches(tokens, presented.Trim()) ? VerificationResult.Valid : VerificationResult.Invalid;
    }

    /// <summary>The password of <c>base64(user:password)</c> (RFC 7617; UTF-8), or null when it is not that.</summary>
    private static string? BasicPassword(string encoded)
    {
        var text = encoded.Trim();
        if (text.Length > 4096)
        {
            return null;
        }

        var bytes = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, bytes, out var written))
        {
            return null;
        }

        var decoded = System.Text.Encoding.UTF8.GetString(bytes, 0, written);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : decoded[(colon + 1)..];
    }
}
