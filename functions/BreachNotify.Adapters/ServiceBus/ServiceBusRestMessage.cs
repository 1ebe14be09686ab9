namespace BreachNotify.Adapters.ServiceBus;

/// <summary>A message for the REST send API. Broker properties map to the <c>BrokerProperties</c> header (single send)
/// or object (batch) (https://learn.microsoft.com/rest/api/servicebus/message-headers-and-properties).</summary>
public sealed class ServiceBusRestMessage
{
    /// <summary>Service Bus limit on MessageId.</summary>
    public const int MaxMessageIdLength = 128;

    public ServiceBusRestMessage(string messageId, string body)
    {
        MessageId = messageId ?? throw new ArgumentNullException(nameof(messageId));
        Body = body ?? throw new ArgumentNullException(nameof(body));
    }

    /// <summary>Deterministic id: duplicate detection drops a resend with the same id.</summary>
    public string MessageId { get; }

    /// <summary>UTF-8 text payload.</summary>
    public string Body { get; }

    /// <summary>Sent as <c>ScheduledEnqueueTimeUtc</c> (RFC 1123).</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; set; }

    /// <summary>Sent as <c>TimeToLive</c> in seconds.</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>Application properties (batch: <c>UserProperties</c>; single send: custom headers are not used).</summary>
    public IDictionary<string, string> UserProperties { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal void Validate(int index)
    {
        if (MessageId.Length is 0 or > MaxMessageIdLength)
        {
            throw new ArgumentException($"messages[{index}].MessageId must be 1 to {MaxMessageIdLength} characters.");
        }
    }
}
