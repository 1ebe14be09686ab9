using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace BreachNotify.Adapters.ServiceBus;

/// <summary>
/// Sends to a Service Bus queue over REST on the Azure.Core pipeline:
/// Send Message (https://learn.microsoft.com/rest/api/servicebus/send-message-to-queue) and
/// Send Message Batch (https://learn.microsoft.com/rest/api/servicebus/send-message-batch), both
/// <c>POST https://{namespace}/{queue}/messages</c> answered 201.
/// Auth: Entra ID token (scope <c>https://servicebus.azure.net/.default</c>, role Azure Service Bus Data Sender) or
/// SAS from a connection string.
/// </summary>
public class ServiceBusRestClient
{
    public const string EntraScope = "https://servicebus.azure.net/.default";
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    private readonly HttpPipeline _pipeline = null!;
    private readonly int _maxMessagesPerBatch;
    private readonly int _maxBatchBytes;

    /// <summary>For mocking.</summary>
    protected ServiceBusRestClient() { }

    /// <summary>Entra ID (managed identity, workload identity, developer credentials…).</summary>
    public ServiceBusRestClient(TokenCredential credential, ServiceBusRestClientOptions options)
        : this(options, ResolveEndpoint(options), options?.QueueName, new BearerTokenAuthenticationPolicy(
            credential ?? throw new ArgumentNullException(nameof(credential)), EntraScope))
    {
    }

    /// <summary>SAS from <c>Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]</c>.
    /// <see cref="ServiceBusRestClientOptions.Endpoint"/>, when set, overrides the connection string's endpoint.</summary>
    public ServiceBusRestClient(string connectionString, ServiceBusRestClientOptions? options = null)
        : this(ServiceBusConnectionString.Parse(connectionString), options ?? new ServiceBusRestClientOptions())
    {
    }

    private ServiceBusRestClient(ServiceBusConnectionString parsed, ServiceBusRestClientOptions options)
        : this(
            options,
            options.Endpoint ?? parsed.Endpoint,
            options.QueueName ?? parsed.EntityPath,
            new SasPolicy(parsed.KeyName, parsed.Key, options.SasTokenLifetime, options.TimeProvider ?? TimeProvider.System))
    {
    }

    private ServiceBusRestClient(ServiceBusRestClientOptions options, Uri endpoint, string? queueName, HttpPipelinePolicy authPolicy)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(queueName))
        {
            throw new ArgumentException("A queue name is required (options.QueueName or the connection string's EntityPath).", nameof(options));
        }

        if (options.MaxMessagesPerBatch is < 1 or > ServiceBusRestClientOptions.MaxMessagesPerBatchLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxMessagesPerBatch must be 1 to 100.");
        }

        if (options.MaxBatchSizeInBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxBatchSizeInBytes must be at least 1024.");
        }

        if (options.SasTokenLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SasTokenLifetime must be positive.");
        }

        _maxMessagesPerBatch = options.MaxMessagesPerBatch;
        _maxBatchBytes = options.MaxBatchSizeInBytes;
        var path = string.Join('/', queueName.Trim('/').Split('/').Select(Uri.EscapeDataString));
        QueueUri = new Uri(EnsureTrailingSlash(endpoint), path);
        MessagesUri = new Uri(QueueUri.AbsoluteUri + "/messages");
        if (authPolicy is SasPolicy sas)
        {
            sas.ResourceUri = QueueUri.AbsoluteUri;
        }

        _pipeline = HttpPipelineBuilder.Build(
            options,
            perCallPolicies: [],
            perRetryPolicies: [authPolicy],
            new StatusCodeClassifier(stackalloc ushort[] { 200, 201 }));
    }

    /// <summary><c>https://{namespace}/{queue}</c>; also the SAS resource (<c>sr</c>).</summary>
    public virtual Uri QueueUri { get; } = null!;

    internal Uri MessagesUri { get; } = null!;

    /// <summary>Send Message: payload as body, broker properties in the <c>BrokerProperties</c> header.</summary>
    /// <exception cref="RequestFailedException">Non-201 answer after retries, or a transport failure (status 0).</exception>
    public virtual async Task<Response> SendAsync(ServiceBusRestMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate(0);
        var httpMessage = _pipeline.CreateMessage();
        var request = httpMessage.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(MessagesUri);
        request.Headers.Add(HttpHeader.Names.ContentType, "application/json");
        request.Headers.Add("BrokerProperties", WriteBrokerProperties(message));
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(message.Body));
        return await SendCoreAsync(httpMessage, 1, 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Send Message Batch: splits <paramref name="messages"/> (order kept) into requests of at most
    /// <see cref="ServiceBusRestClientOptions.MaxMessagesPerBatch"/> messages and
    /// <see cref="ServiceBusRestClientOptions.MaxBatchSizeInBytes"/> bytes, sent one after another.</summary>
    /// <returns>One response per request.</returns>
    /// <exception cref="ArgumentException">A message is invalid or alone exceeds the size bound; nothing was sent.</exception>
    /// <exception cref="RequestFailedException">A request failed after retries; earlier requests were sent (resending them is
    /// harmless with duplicate detection).</exception>
    public virtual async Task<IReadOnlyList<Response>> SendBatchAsync(
        IEnumerable<ServiceBusRestMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var batches = CreateBatches(messages.ToList(), _maxMessagesPerBatch, _maxBatchBytes);
        var responses = new List<Response>(batches.Count);
        for (var i = 0; i < batches.Count; i++)
        {
            var httpMessage = _pipeline.CreateMessage();
            var request = httpMessage.Request;
            request.Method = RequestMethod.Post;
            request.Uri.Reset(MessagesUri);
            request.Headers.Add(HttpHeader.Names.ContentType, BatchContentType);
            request.Content = RequestContent.Create(batches[i]);
            responses.Add(await SendCoreAsync(httpMessage, i + 1, batches.Count, cancellationToken).ConfigureAwait(false));
        }

        return responses;
    }

    /// <summary>Serializes each message to its batch element and packs them greedily into JSON array bodies.</summary>
    internal static List<byte[]> CreateBatches(IReadOnlyList<ServiceBusRestMessage> messages, int maxMessages, int maxBytes)
    {
        var batches = new List<byte[]>();
        var current = new List<byte[]>();
        var currentBytes = 2; // "[" + "]"
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"messages[{i}] is null.", nameof(messages));
            message.Validate(i);
            var element = WriteBatchElement(message);
            if (element.Length + 2 > maxBytes)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"messages[{i}] ({element.Length} bytes encoded) exceeds the {maxBytes}-byte request limit."),
                    nameof(messages));
            }

            var added = element.Length + (current.Count > 0 ? 1 : 0);
            if (current.Count == maxMessages || currentBytes + added > maxBytes)
            {
                batches.Add(Join(current));
                current.Clear();
                currentBytes = 2;
                added = element.Length;
            }

            current.Add(element);
            currentBytes += added;
        }

        if (current.Count > 0)
        {
            batches.Add(Join(current));
        }

        return batches;
    }

    private async Task<Response> SendCoreAsync(HttpMessage message, int batch, int batches, CancellationToken cancellationToken)
    {
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
        if (response.Status is 200 or 201)
        {
            return response;
        }

        using (message)
        {
            var code = Enum.IsDefined((HttpStatusCode)response.Status) ? ((HttpStatusCode)response.Status).ToString() : null;
            var detail = ReadErrorDetail(response);
            var text = string.Create(
                CultureInfo.InvariantCulture,
                $"Service Bus send failed with status {response.Status}{(code is null ? string.Empty : $" ({code})")} on request {batch} of {batches}.{(detail is null ? string.Empty : " " + detail)}");
            throw new RequestFailedException(response.Status, text, code, null);
        }
    }

    // Errors come as <Error><Code>…</Code><Detail>…</Detail></Error>; the detail names the entity and a tracking id.
    private static string? ReadErrorDetail(Response response)
    {
        try
        {
            var content = response.Content?.ToString();
            if (string.IsNullOrWhiteSpace(content) || !content.TrimStart().StartsWith('<'))
            {
                return null;
            }

            var detail = XElement.Parse(content).Element("Detail")?.Value;
            return detail is null ? null : detail.Length > 300 ? detail[..300] : detail;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static string WriteBrokerProperties(ServiceBusRestMessage message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteBrokerPropertiesObject(json, message);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteBrokerPropertiesObject(Utf8JsonWriter json, ServiceBusRestMessage message)
    {
        json.WriteStartObject();
        json.WriteString("MessageId", message.MessageId);
        if (message.ScheduledEnqueueTime is { } scheduled)
        {
            json.WriteString("ScheduledEnqueueTimeUtc", scheduled.UtcDateTime.ToString("R", CultureInfo.InvariantCulture));
        }

        if (message.TimeToLive is { } ttl)
        {
            json.WriteNumber("TimeToLive", Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds)));
        }

        json.WriteEndObject();
    }

    private static byte[] WriteBatchElement(ServiceBusRestMessage message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("Body", message.Body);
            json.WritePropertyName("BrokerProperties");
            WriteBrokerPropertiesObject(json, message);
            json.WriteStartObject("UserProperties");
            foreach (var (key, value) in message.UserProperties)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] Join(List<byte[]> elements)
    {
        var size = 2 + elements.Sum(e => e.Length) + Math.Max(0, elements.Count - 1);
        var result = new byte[size];
        var offset = 0;
        result[offset++] = (byte)'[';
        for (var i = 0; i < elements.Count; i++)
        {
            if (i > 0)
            {
                result[offset++] = (byte)',';
            }

            elements[i].CopyTo(result, offset);
            offset += elements[i].Length;
        }

        result[offset] = (byte)']';
        return result;
    }

    private static Uri ResolveEndpoint(ServiceBusRestClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint is not null)
        {
            return options.Endpoint;
        }

        var ns = options.FullyQualifiedNamespace?.Trim();
        if (string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException("Set options.Endpoint or options.FullyQualifiedNamespace.", nameof(options));
        }

        if (ns.Contains("://", StringComparison.Ordinal))
        {
            return new UriBuilder(new Uri(ns)) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri;
        }

        ns = ns.TrimEnd('/');
        return new Uri("https://" + (ns.Contains('.', StringComparison.Ordinal) ? ns : ns + ".servicebus.windows.net") + "/");
    }

    private static Uri EnsureTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    /// <summary>Sets a fresh SAS token on every attempt (cheap HMAC; expiry from the injected clock).</summary>
    private sealed class SasPolicy(string keyName, string key, TimeSpan lifetime, TimeProvider timeProvider) : HttpPipelineSynchronousPolicy
    {
        public string ResourceUri { get; set; } = string.Empty;

        public override void OnSendingRequest(HttpMessage message) =>
            message.Request.Headers.SetValue(
                HttpHeader.Names.Authorization,
                ServiceBusSharedAccessSignature.Create(ResourceUri, keyName, key, timeProvider.GetUtcNow() + lifetime));
    }
}
