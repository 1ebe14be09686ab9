using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>
/// SendGrid v3 mail-send client on the Azure.Core pipeline (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send).
/// 5xx, 408 and network failures are retried by the pipeline (<see cref="ClientOptions.Retry"/>); 429 is waited out
/// up to <see cref="SendGridClientOptions.RateLimitMaxWait"/> using <c>X-RateLimit-Reset</c>
/// (https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/rate-limits);
/// 400/401/403/413 and other 4xx are never retried.
/// </summary>
public partial class SendGridClient
{
    private const string MailSendPath = "/v3/mail/send";

    private readonly HttpPipeline _pipeline = null!;
    private readonly Uri _sendUri = null!;
    private readonly bool _sandboxMode;
    private readonly TimeProvider _timeProvider = TimeProvider.System;
    private readonly TimeSpan _rateLimitMaxWait;
    private readonly int _rateLimitMaxRetries;

    /// <summary>For mocking.</summary>
    protected SendGridClient() { }

    /// <summary>Uses <see cref="SendGridClientOptions.ApiKey"/>.</summary>
    public SendGridClient(SendGridClientOptions options)
        : this(new AzureKeyCredential(RequireApiKey(options)), options)
    {
    }

    /// <param name="apiKey">Supports rotation through <see cref="AzureKeyCredential.Update"/>.</param>
    public SendGridClient(AzureKeyCredential apiKey, SendGridClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        options ??= new SendGridClientOptions();
        if (options.RateLimitMaxWait < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "RateLimitMaxWait must not be negative.");
        }

        if (options.RateLimitMaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "RateLimitMaxRetries must not be negative.");
        }

        BaseUri = options.ResolveBaseUri();
        _sendUri = new Uri(BaseUri, MailSendPath);
        _sandboxMode = options.SandboxMode;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _rateLimitMaxWait = options.RateLimitMaxWait;
        _rateLimitMaxRetries = options.RateLimitMaxRetries;
        _pipeline = HttpPipelineBuilder.Build(
            options,
            perCallPolicies: [],
            perRetryPolicies: [new ApiKeyBearerPolicy(apiKey)],
            new SendGridResponseClassifier());
    }

    /// <summary>The API host (without path).</summary>
    public virtual Uri BaseUri { get; } = SendGridClientOptions.GlobalBaseUri;

    /// <summary><c>POST /v3/mail/send</c>. Validates <paramref name="mail"/> locally first.</summary>
    /// <returns>202 (or 200 in sandbox mode) with the <c>X-Message-Id</c> header.</returns>
    /// <exception cref="ArgumentException">The mail breaks a documented limit; nothing was sent.</exception>
    /// <exception cref="SendGridRateLimitedException">429 not waited out.</exception>
    /// <exception cref="RequestFailedException">Any other failed answer (after retries for 5xx) or a transport failure (status 0).</exception>
    public virtual async Task<Response<SendGridSendResult>> SendMailAsync(SendGridMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        mail.Validate();
        var body = SendGridMailSerializer.Serialize(mail, _sandboxMode);

        for (var rateLimitWaits = 0; ; rateLimitWaits++)
        {
            // The message is not disposed on success: its buffered response is handed to the caller.
            var message = _pipeline.CreateMessage();
            var request = message.Request;
            request.Method = RequestMethod.Post;
            request.Uri.Reset(_sendUri);
            request.Headers.Add(HttpHeader.Names.ContentType, "application/json");
            request.Headers.Add(HttpHeader.Names.Accept, "application/json");
            request.Content = RequestContent.Create(body);
            try
            {
                await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                message.Dispose();
                throw;
            }

            var response = message.Response;
            switch (response.Status)
            {
                case 200:
                case 202:
                    response.Headers.TryGetValue("X-Message-Id", out var messageId);
                    return Response.FromValue(new SendGridSendResult(messageId, response.Status), response);

                case 429:
                    var now = _timeProvider.GetUtcNow();
                    var resetAt = ReadRateLimitReset(response);
                    TimeSpan? wait = resetAt is { } reset ? (reset > now ? reset - now : TimeSpan.Zero) : ReadRetryAfter(response);
                    if (wait is { } delay && delay <= _rateLimitMaxWait && rateLimitWaits < _rateLimitMaxRetries)
                    {
                        message.Dispose();
                        await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    message.Dispose();
                    throw new SendGridRateLimitedException(
                        wait is null
                            ? "SendGrid answered 429 (TooManyRequests) without a usable X-RateLimit-Reset."
                            : string.Create(CultureInfo.InvariantCulture, $"SendGrid answered 429 (TooManyRequests); rate limit resets in {wait.Value.TotalSeconds:0} s."),
                        resetAt,
                        wait);

                default:
                    using (message)
                    {
                        throw CreateFailure(response);
                    }
            }
        }
    }

    internal static string ErrorCodeFor(int status) => status switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        408 => "RequestTimeout",
        413 => "PayloadTooLarge",
        429 => "TooManyRequests",
        >= 500 => "ServerError",
        _ => "Status" + status.ToString(CultureInfo.InvariantCulture),
    };

    private static RequestFailedException CreateFailure(Response response)
    {
        // SendGrid answers {"errors":[{"message","field","help"}]}. Messages may in principle echo an address, so
        // anything shaped like one is redacted; the raw body is never put into the exception.
        var text = new StringBuilder(string.Create(
            CultureInfo.InvariantCulture, $"SendGrid mail send failed with status {response.Status} ({ErrorCodeFor(response.Status)})."));
        foreach (var (field, message) in ReadErrors(response))
        {
            text.Append(' ');
            if (field is not null)
            {
                text.Append('[').Append(Redact(field)).Append("] ");
            }

            text.Append(Redact(message ?? string.Empty));
        }

        return new RequestFailedException(response.Status, text.ToString(), ErrorCodeFor(response.Status), null);
    }

    private static List<(string? Field, string? Message)> ReadErrors(Response response)
    {
        var errors = new List<(string?, string?)>();
        try
        {
            var content = response.Content;
            if (content is null || content.ToMemory().Length == 0)
            {
                return errors;
            }

            using var document = JsonDocument.Parse(content.ToMemory());
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("errors", out var array) &&
                array.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in array.EnumerateArray().Take(10))
                {
                    if (error.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    errors.Add((GetString(error, "field"), GetString(error, "message")));
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (e.g. a proxy's HTML page): status code alone.
        }

        return errors;
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Redact(string value)
    {
        var redacted = EmailLike().Replace(value, "[redacted]");
        return redacted.Length > 300 ? redacted[..300] : redacted;
    }

    [GeneratedRegex(@"[^\s<>""'(),;:]+@[^\s<>""'(),;:]+", RegexOptions.CultureInvariant)]
    private static partial Regex EmailLike();

    internal static DateTimeOffset? ReadRateLimitReset(Response response) =>
        response.Headers.TryGetValue("X-RateLimit-Reset", out var value) &&
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) &&
        seconds is > 0 and < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static TimeSpan? ReadRetryAfter(Response response) =>
        response.Headers.TryGetValue("Retry-After", out var value) &&
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static string RequireApiKey(SendGridClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.ApiKey)
            ? throw new ArgumentException("SendGridClientOptions.ApiKey is required.", nameof(options))
            : options.ApiKey;
    }

    /// <summary>Sets <c>Authorization: Bearer &lt;key&gt;</c> on every attempt (reads the key each time, so rotation works).
    /// Azure.Core's logging redacts the Authorization header.</summary>
    private sealed class ApiKeyBearerPolicy(AzureKeyCredential credential) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + credential.Key);
    }

    /// <summary>200/202 succeed; the pipeline retries 408/500/502/503/504 and network errors, not 429 (handled by the client).</summary>
    private sealed class SendGridResponseClassifier : ResponseClassifier
    {
        public override bool IsErrorResponse(HttpMessage message) => message.Response.Status is not (200 or 202);

        public override bool IsRetriableResponse(HttpMessage message) => message.Response.Status is 408 or 500 or 502 or 503 or 504;
    }
}
