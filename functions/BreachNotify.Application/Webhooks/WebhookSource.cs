using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// One known sender: checks a delivery's credentials on the raw body, then reads its alerts.
/// Call <see cref="Verify"/> first and <see cref="Parse"/> only when it returned <see cref="VerificationResult.Valid"/>.
/// Logs the source, the outcome and counts; never the payload.
/// </summary>
public sealed partial class WebhookSource
{
    private readonly IWebhookVerifier _verifier;
    private readonly IWebhookPayloadParser _parser;
    private readonly IOptionsMonitor<WebhookOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    internal WebhookSource(
        string name,
        IWebhookVerifier verifier,
        IWebhookPayloadParser parser,
        IOptionsMonitor<WebhookOptions> options,
        TimeProvider timeProvider,
        ILogger logger)
    {
        Name = name;
        _verifier = verifier;
        _parser = parser;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The canonical source name (<see cref="WebhookSourceNames"/>).</summary>
    public string Name { get; }

    /// <summary>
    /// The checks that need no body (<see cref="IWebhookVerifier.CheckHeaders"/>): call before reading it, and read it
    /// only when this returns <see cref="VerificationResult.Valid"/>; then call <see cref="Verify"/> on it.
    /// </summary>
    public VerificationResult CheckHeaders(Func<string, string?> header, Func<string, string?>? query = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        var options = _options.CurrentValue;
        var result = _verifier.CheckHeaders(header, query ?? WebhookHeaders.None, options.GetSource(Name), _timeProvider.GetUtcNow(), options.ReplayWindow);
        if (result != VerificationResult.Valid)
        {
            LogRejected(_logger, Name, result);
        }

        return result;
    }

    /// <param name="body">The raw request body, exactly as received.</param>
    /// <param name="header">Header lookup, case-insensitive, null when absent (see <see cref="WebhookHeaders"/>).</param>
    /// <param name="query">Query parameter lookup of the request URL, null when absent; only azure-monitor reads it (<c>?token=</c>).</param>
    public VerificationResult Verify(ReadOnlySpan<byte> body, Func<string, string?> header, Func<string, string?>? query = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        var options = _options.CurrentValue;
        var result = _verifier.Verify(
            body, header, query ?? WebhookHeaders.None, options.GetSource(Name), _timeProvider.GetUtcNow(), options.ReplayWindow);
        if (result != VerificationResult.Valid)
        {
            LogRejected(_logger, Name, result);
        }

        return result;
    }

    /// <summary>The alerts of a verified delivery (empty for an event that carries none, such as a ping).</summary>
    /// <exception cref="WebhookPayloadException">Not JSON, too large, or a required field is missing; the endpoint answers 400.</exception>
    public IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (body.Length > _options.CurrentValue.MaxBodyBytes)
        {
            LogMalformed(_logger, Name, "(body)");
            throw new WebhookPayloadException("(body)", "Webhook payload exceeds Webhooks:MaxBodyBytes.", null);
        }

        try
        {
            var alerts = _parser.Parse(body, header);
            LogParsed(_logger, Name, alerts.Count);
            return alerts;
        }
        catch (WebhookPayloadException ex)
        {
            LogMalformed(_logger, Name, LoggableField(ex.Field));
            throw;
        }
    }

    /// <summary>A field path as we write them (<c>alerts[3].labels</c>); a path holding a name the payload chose is not
    /// logged, since the sender's text never reaches the log.</summary>
    internal static string LoggableField(string? field) =>
        field is { Length: > 0 and <= 100 } && field.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '[' or ']' or '(' or ')' or '$')
            ? field
            : "(a field named in the payload)";

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Webhook from {Source} rejected: {Result}")]
    private static partial void LogRejected(ILogger logger, string source, VerificationResult result);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Webhook from {Source} malformed at field {Field}")]
    private static partial void LogMalformed(ILogger logger, string source, string field);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Webhook from {Source} parsed into {AlertCount} alert(s)")]
    private static partial void LogParsed(ILogger logger, string source, int alertCount);
}
