namespace BreachNotify.Application.Queue;

/// <summary>
/// Hands work (notice job ids) to the queue. Implementations: Service Bus (Azure; drained by <see cref="NoticeQueueDrain"/>)
/// and the embedded store-backed queue (standalone). Sending the same <see cref="QueueMessage.MessageId"/> twice must be
/// harmless (Service Bus duplicate detection).
/// </summary>
public interface INoticeQueue
{
    Task EnqueueAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken = default);
}

/// <param name="MessageId">Deterministic id (≤ 128 chars), e.g. the notice job id.</param>
/// <param name="Body">JSON text; never personal data (ids only).</param>
public sealed record QueueMessage(string MessageId, string Body, DateTimeOffset? ScheduledEnqueueTime = null);

public sealed class QueueUnavailableException : Exception
{
    public QueueUnavailableException() { }
    public QueueUnavailableException(string message) : base(message) { }
    public QueueUnavailableException(string message, Exception inner) : base(message, inner) { }
}
