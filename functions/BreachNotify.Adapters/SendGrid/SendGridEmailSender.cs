using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.RegularExpressions;
using BreachNotify.Application.Email;
using Polly;
using Polly.Retry;
using SendGrid;
using SdkResponse = SendGrid.Response;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>
/// <see cref="IEmailSender"/> over the official SendGrid client (<see cref="ISendGridClient.RequestAsync"/> posting a v3
/// mail-send body written by <see cref="RequestBody"/>; the client supplies host, data residency and API key): one
/// personalization per recipient (each gets their own copy and substitutions), <see cref="EmailMessage.CustomArgs"/> as
/// top-level <c>custom_args</c> (ids only, echoed by events), categories, <c>X-Message-Id</c> as the provider id.
/// SendGrid's documented limits are checked before sending (≤ 1000 recipients, each address once, ≤ 10 categories,
/// custom_args &lt; 10,000 bytes): the SDK does not check them.
/// Retries run in one Polly pipeline on the injected <see cref="TimeProvider"/>: 429 waits until <c>X-RateLimit-Reset</c>
/// (the SDK never retries 429), 5xx/408/network failures/timeouts back off exponentially. The SDK's own
/// RetryDelegatingHandler is not used: it waits on the wall clock, retries the caller's cancellation, and turns the last
/// 5xx into an exception without the status code.
/// Failures: 429/5xx/408/network/timeouts → <see cref="EmailTransientException"/>; other 4xx and local validation →
/// <see cref="EmailPermanentException"/>. Exception messages carry status codes and field names, never addresses or bodies.
/// </summary>
public sealed partial class SendGridEmailSender : IEmailSender
{
    public const int MaxCategories = 10;
    public const int MaxCategoryLength = 255;
    public const int MaxCustomArgsBytes = 10_000;

    /// <summary>The v3 mail-send path under the client's host and version (what the SDK's SendEmailAsync posts to).</summary>
    public const string MailSendPath = "mail/send";

    private readonly ISendGridClient _client;
    private readonly SendGridOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<SdkResponse> _pipeline;

    public SendGridEmailSender(ISendGridClient client, SendGridOptions options, TimeProvider time)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _pipeline = BuildPipeline();
    }

    /// <summary>The SDK client for <paramref name="options"/> on <paramref name="httpClient"/> (one per process; its
    /// <see cref="HttpClient.Timeout"/> should be <see cref="SendGridOptions.RequestTimeout"/>).</summary>
    public static SendGridClient CreateClient(SendGridOptions options, HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ApiKey)) throw new ArgumentException("SendGrid:ApiKey is required.", nameof(options));
        var clientOptions = new SendGridClientOptions { ApiKey = options.ApiKey };
        clientOptions.SetDataResidency(options.DataResidency);
        if (options.BaseUrl is not null) clientOptions.Host = options.BaseUrl.AbsoluteUri;
        return new SendGridClient(httpClient, clientOptions);
    }

    /// <summary>One request per call: <see cref="SendGridOptions.MaxRecipientsPerRequest"/> (≤ 1000).</summary>
    public int RecipientsPerSend => _options.MaxRecipientsPerRequest;

    /// <summary>Rounds of "drop the recipients SendGrid named and send the rest" before a 400 counts for the whole message.</summary>
    public const int MaxRefusalRounds = 10;

    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        // A recipient that cannot be sent fails alone: left out of the request (or out of the next one, when SendGrid's
        // 400 names it), with its reason; the others are sent.
        var refused = new List<RefusedRecipient>();
        var excluded = new HashSet<int>();
        for (var round = 0; ; round++)
        {
            string body;
            IReadOnlyList<int> included;
            try
            {
                (body, included) = RequestBody(message, _options.SandboxMode, excluded, refused);
            }
            catch (ArgumentException ex)
            {
                throw new EmailPermanentException($"Message {message.MessageKey} was rejected before sending: {ex.Message}", ex);
            }
            if (included.Count == 0) return new EmailSendResult(null, _time.GetUtcNow()) { Refused = refused };

            using var response = new DisposableResponse(await PostAsync(message, body, cancellationToken).ConfigureAwait(false));
            var status = (int)response.Value.StatusCode;
            if (status is 200 or 202)
            {
                var providerId = response.Value.Headers?.TryGetValues("X-Message-Id", out var ids) == true ? ids.FirstOrDefault() : null;
                return new EmailSendResult(providerId, _time.GetUtcNow()) { Refused = refused };
            }
            if (status == 429)
            {
                var wait = RateLimitWait(response.Value);
                throw new EmailTransientException(
                    wait is null
                        ? $"SendGrid rate limit for message {message.MessageKey} (no usable X-RateLimit-Reset)."
                        : string.Create(CultureInfo.InvariantCulture, $"SendGrid rate limit for message {message.MessageKey}; resets in {wait.Value.TotalSeconds:0} s."),
                    429, wait);
            }
            if (IsTransientStatus(status))
            {
                throw new EmailTransientException(
                    string.Create(CultureInfo.InvariantCulture, $"SendGrid send of message {message.MessageKey} failed transiently (status {status})."), status, null);
            }
            var fields = await ErrorFieldsAsync(response.Value, cancellationToken).ConfigureAwait(false);
            if (status == 400 && round < MaxRefusalRounds && NamedPersonalizations(fields, included.Count) is { Count: > 0 } named)
            {
                // Nothing of this request was sent: the recipients SendGrid named are refused, the rest go again.
                foreach (var (position, field) in named)
                {
                    excluded.Add(included[position]);
                    refused.Add(new RefusedRecipient(included[position], $"SendGrid refused this recipient (status 400, field {field})."));
                }
                continue;
            }
            var listed = fields.Count == 0 ? string.Empty : " (fields: " + string.Join(", ", fields) + ")";
            throw new EmailPermanentException(
                string.Create(CultureInfo.InvariantCulture, $"SendGrid rejected message {message.MessageKey} with status {status}{listed}."), status);
        }
    }

    private async Task<SdkResponse> PostAsync(EmailMessage message, string body, CancellationToken cancellationToken)
    {
        try
        {
            // What the SDK's SendEmailAsync does with the body it serializes (POST mail/send through RequestAsync: its
            // host, data residency, API key and headers), with a body we write ourselves.
            return await _pipeline.ExecuteAsync(static async (state, ct) =>
                    await state.Client.RequestAsync(BaseClient.Method.POST, state.Body, urlPath: MailSendPath, cancellationToken: ct).ConfigureAwait(false),
                (Client: _client, Body: body), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new EmailTransientException($"SendGrid send of message {message.MessageKey} failed: the API could not be reached.", null, null, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmailTransientException($"SendGrid send of message {message.MessageKey} timed out.", null, null, ex);
        }
    }

    private readonly struct DisposableResponse(SdkResponse value) : IDisposable
    {
        public SdkResponse Value { get; } = value;
        public void Dispose() => Value.Body?.Dispose();
    }

    /// <summary>
    /// When every error of a 400 names a personalization of this request (<c>personalizations.{i}…</c>), those positions
    /// with the field (index left out: it means nothing outside the request); otherwise none (the whole message is at fault).
    /// </summary>
    private static List<(int Position, string Field)> NamedPersonalizations(IReadOnlyList<string> fields, int count)
    {
        var named = new List<(int, string)>();
        foreach (var field in fields)
        {
            var m = PersonalizationField().Match(field);
            if (!m.Success || !int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= count) return [];
            if (!named.Exists(n => n.Item1 == i)) named.Add((i, "personalizations[]" + m.Groups[2].Value));
        }
        return named;
    }

    [GeneratedRegex(@"^personalizations\.(\d{1,4})((?:\.[A-Za-z0-9_]+)*)$", RegexOptions.CultureInvariant)]
    private static partial Regex PersonalizationField();

    private ResiliencePipeline<SdkResponse> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<SdkResponse> { TimeProvider = _time };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<SdkResponse>
            {
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = _options.RetryDelay,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } r } => IsTransientStatus((int)r.StatusCode),
                    { Exception: HttpRequestException } => true,
                    { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested, // HttpClient.Timeout
                    _ => false,
                }),
                OnRetry = args => { args.Outcome.Result?.Body?.Dispose(); return default; },
            });
        }
        if (_options.RateLimitMaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<SdkResponse>
            {
                MaxRetryAttempts = _options.RateLimitMaxRetries,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } r
                    && RateLimitWait(r) is { } wait && wait <= _options.RateLimitMaxWait),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } r ? RateLimitWait(r) : null),
                OnRetry = args => { args.Outcome.Result?.Body?.Dispose(); return default; },
            });
        }
        return builder.Build();
    }

    private static bool IsTransientStatus(int status) => status is 408 or 500 or 502 or 503 or 504;

    /// <summary>How long until the rate limit resets: <c>X-RateLimit-Reset</c> (unix seconds), else <c>Retry-After</c> (seconds).
    /// https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/rate-limits</summary>
    private TimeSpan? RateLimitWait(SdkResponse response)
    {
        if (response.Headers is null) return null;
        if (response.Headers.TryGetValues("X-RateLimit-Reset", out var resets)
            && long.TryParse(resets.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253402300799)
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(seconds) - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return response.Headers.RetryAfter?.Delta;
    }

    /// <summary>The <c>field</c>s of SendGrid's <c>{"errors":[{"message","field"}]}</c>, with anything shaped like an address
    /// redacted; messages are left out (they may echo an address).</summary>
    private static async Task<IReadOnlyList<string>> ErrorFieldsAsync(SdkResponse response, CancellationToken cancellationToken)
    {
        if (response.Body is null) return [];
        try
        {
            var bytes = await response.Body.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
                return [];
            return errors.EnumerateArray().Take(10)
                .Select(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null)
                .Where(f => !string.IsNullOrEmpty(f)).Select(f => EmailLike().Replace(f!.Length > 100 ? f[..100] : f, "[redacted]")).Distinct().ToList();
        }
        catch (JsonException)
        {
            return []; // not JSON (a proxy's page): the status alone
        }
    }

    [GeneratedRegex(@"[^\s<>""'(),;:]+@[^\s<>""'(),;:]+", RegexOptions.CultureInvariant)]
    private static partial Regex EmailLike();

    /// <summary>
    /// The v3 mail-send body for <paramref name="message"/>, checked against SendGrid's documented limits
    /// (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send), and the positions of the recipients it holds.
    /// A recipient whose address cannot be sent (not sendable in its ASCII form, or repeating one already in the request) is
    /// left out and added to <paramref name="refused"/> and <paramref name="excluded"/>; recipients in
    /// <paramref name="excluded"/> are skipped. Errors name positions, never addresses.
    /// Written with <see cref="Utf8JsonWriter"/> rather than the SDK's <c>SendGridMessage</c>: the SDK serializes through
    /// Newtonsoft.Json, the largest cost of a send after the recipient reads (docs/notices.md, Measurements).
    /// The fields and their shapes are the ones <c>SendGridMessage.Serialize</c> writes for the same message.
    /// </summary>
    internal static (string Body, IReadOnlyList<int> Included) RequestBody(EmailMessage message, bool sandboxMode, ISet<int> excluded, List<RefusedRecipient> refused)
    {
        ArgumentNullException.ThrowIfNull(message.From);
        CheckAddress(message.From, "from");
        if (message.ReplyTo is not null) CheckAddress(message.ReplyTo, "reply_to");
        if (string.IsNullOrEmpty(message.Subject)) throw new ArgumentException("subject is required.", nameof(message));
        if (string.IsNullOrEmpty(message.TextBody) && string.IsNullOrEmpty(message.HtmlBody))
            throw new ArgumentException("At least one of text/plain or text/html content is required.", nameof(message));
        if (message.Recipients is null || message.Recipients.Count == 0) throw new ArgumentException("The message has no recipients.", nameof(message));
        if (message.Recipients.Count > EmailMessage.MaxRecipients)
            throw new ArgumentException($"At most {EmailMessage.MaxRecipients} recipients are allowed per request (got {message.Recipients.Count}).", nameof(message));
        if (message.CustomArgs is { Count: > 0 } args && ByteSize(args) >= MaxCustomArgsBytes)
            throw new ArgumentException($"custom_args must total under {MaxCustomArgsBytes} bytes.", nameof(message));
        if (message.Categories is { Count: > 0 } categories)
        {
            if (categories.Count > MaxCategories) throw new ArgumentException($"At most {MaxCategories} categories are allowed (got {categories.Count}).", nameof(message));
            for (var i = 0; i < categories.Count; i++)
            {
                if (string.IsNullOrEmpty(categories[i]) || categories[i].Length > MaxCategoryLength)
                    throw new ArgumentException($"categories[{i}] must be 1 to {MaxCategoryLength} characters.", nameof(message));
            }
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(64 * 1024);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        w.Reset(buffer);
        try
        {
            w.WriteStartObject();
            w.WritePropertyName("from");
            WriteAddress(w, Sendable(message.From.Address), message.From.Name);
            w.WriteString("subject", message.Subject);
            w.WriteStartArray("personalizations");
            var included = new List<int>(message.Recipients.Count);
            var seen = new HashSet<string>(message.Recipients.Count, StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < message.Recipients.Count; i++)
            {
                if (excluded.Contains(i)) continue;
                var to = message.Recipients[i]?.To;
                // SendGrid takes addresses in their ASCII form (internationalised domains as punycode).
                var address = to is null || to.Address.AsSpan().IndexOfAny('\r', '\n') >= 0 ? null : BreachNotify.Application.Email.EmailAddresses.ToAscii(to.Address, out _);
                var problem = address is null ? "The address cannot be sent (see the upload rules for addresses)."
                    : !seen.Add(address) ? "The address repeats one already in this request (each address may appear once)."
                    : null;
                if (problem is not null)
                {
                    excluded.Add(i);
                    refused.Add(new RefusedRecipient(i, problem));
                    continue;
                }
                var substitutions = message.Recipients[i].Substitutions;
                if (substitutions is not null && ByteSize(substitutions) >= MaxCustomArgsBytes)
                    throw new ArgumentException($"personalizations[{i}].substitutions must total under {MaxCustomArgsBytes} bytes.", nameof(message));
                included.Add(i);
                w.WriteStartObject();
                w.WriteStartArray("to");
                WriteAddress(w, address!, to!.Name);
                w.WriteEndArray();
                if (substitutions is { Count: > 0 }) WriteStrings(w, "substitutions", substitutions);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("content"); // text/plain first, as SendGrid requires
            if (!string.IsNullOrEmpty(message.TextBody)) WriteContent(w, "text/plain", message.TextBody);
            if (!string.IsNullOrEmpty(message.HtmlBody)) WriteContent(w, "text/html", message.HtmlBody);
            w.WriteEndArray();
            if (!string.IsNullOrWhiteSpace(message.Language))
            {
                w.WriteStartObject("headers");
                w.WriteString("Content-Language", message.Language); // RFC 3282; not a reserved header
                w.WriteEndObject();
            }
            if (message.Categories is { Count: > 0 })
            {
                w.WriteStartArray("categories");
                foreach (var category in message.Categories) w.WriteStringValue(category);
                w.WriteEndArray();
            }
            if (message.CustomArgs is { Count: > 0 }) WriteStrings(w, "custom_args", message.CustomArgs);
            if (sandboxMode)
            {
                w.WriteStartObject("mail_settings");
                w.WriteStartObject("sandbox_mode");
                w.WriteBoolean("enable", true);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            if (message.ReplyTo is not null)
            {
                w.WritePropertyName("reply_to");
                WriteAddress(w, Sendable(message.ReplyTo.Address), message.ReplyTo.Name);
            }
            w.WriteEndObject();
            w.Flush();
            return (Encoding.UTF8.GetString(buffer.WrittenSpan), included);
        }
        finally
        {
            // A buffer grown by an unusually large message is not kept for the thread's lifetime.
            if (buffer.Capacity > MaxKeptBufferBytes) (t_buffer, t_writer) = (null, null);
        }
    }

    private const int MaxKeptBufferBytes = 1024 * 1024;

    // One writer and buffer per thread: RequestBody runs start to end without awaiting.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>HTML-sensitive characters escaped (as the SDK does), other non-ASCII text left as it is.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private static void WriteAddress(Utf8JsonWriter w, string address, string? name)
    {
        w.WriteStartObject();
        if (!string.IsNullOrEmpty(name)) w.WriteString("name", name);
        w.WriteString("email", address);
        w.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter w, string type, string value)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string property, IReadOnlyDictionary<string, string> values)
    {
        w.WriteStartObject(property);
        foreach (var (key, value) in values) w.WriteString(key, value ?? string.Empty);
        w.WriteEndObject();
    }

    /// <summary>A configured address (sender, reply-to) in its ASCII form when it has one; as given otherwise.</summary>
    private static string Sendable(string address) => BreachNotify.Application.Email.EmailAddresses.ToAscii(address, out _) ?? address.Trim();

    private static void CheckAddress(Application.Email.EmailAddress address, string path)
    {
        if (string.IsNullOrWhiteSpace(address.Address) || address.Address.AsSpan().IndexOfAny('\r', '\n') >= 0 || !address.Address.Contains('@', StringComparison.Ordinal))
            throw new ArgumentException($"{path}.email is not a valid address.", path);
    }

    private static int ByteSize(IReadOnlyDictionary<string, string> values)
    {
        var size = 0;
        foreach (var (key, value) in values) size += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value ?? string.Empty);
        return size;
    }
}
