namespace BreachNotify.Application.Queue;

/// <summary>
/// Takes work off the queue with peek-lock semantics: a received message is locked (invisible to other receivers) until
/// it is completed, abandoned or its lock runs out; then it is delivered again with a higher delivery count. After the
/// queue's maximum delivery count a failing message is dead-lettered. Implementations: Service Bus (PeekLock receiver)
/// and the embedded store-backed queue.
/// </summary>
public interface INoticeQueueReceiver
{
    /// <summary>Locks and returns up to <paramref name="maxMessages"/> messages; waits at most <paramref name="maxWait"/>
    /// for the first one (the embedded queue does not wait). An empty list means the queue had nothing due.</summary>
    /// <exception cref="QueueUnavailableException">The queue could not be reached.</exception>
    Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>Removes a handled message.</summary>
    /// <exception cref="QueueLockLostException">The lock had run out: the message will be (or was) delivered again.</exception>
    Task CompleteAsync(ReceivedQueueMessage message, CancellationToken cancellationToken = default);

    /// <summary>Releases a message that failed for now: it is delivered again (after a back-off in the embedded queue),
    /// or dead-lettered when this was its last delivery. Returns true when it was dead-lettered.</summary>
    /// <param name="reason">Why, for the dead-letter record: ids and states only, never personal data.</param>
    /// <exception cref="QueueLockLostException">The lock had run out.</exception>
    Task<bool> AbandonAsync(ReceivedQueueMessage message, string reason, CancellationToken cancellationToken = default);

    /// <summary>Extends the lock of a message still being handled; returns (and sets) the new <see cref="ReceivedQueueMessage.LockedUntil"/>.</summary>
    /// <exception cref="QueueLockLostException">The lock had already run out.</exception>
    Task<DateTimeOffset> RenewLockAsync(ReceivedQueueMessage message, CancellationToken cancellationToken = default);
}

/// <summary>A locked message. <see cref="Receipt"/> is the receiver's own handle (a Service Bus message, an embedded lease).</summary>
public sealed class ReceivedQueueMessage(string messageId, string body, int deliveryCount, DateTimeOffset lockedUntil, object receipt)
{
    public string MessageId { get; } = messageId;

    /// <summary>JSON text with ids only.</summary>
    public string Body { get; } = body;

    /// <summary>1 on the first delivery.</summary>
    public int DeliveryCount { get; } = deliveryCount;

    /// <summary>When the lock runs out unless renewed.</summary>
    public DateTimeOffset LockedUntil { get; set; } = lockedUntil;

    public object Receipt { get; set; } = receipt;
}

/// <summary>The message's lock ran out (or another receiver holds it now): whatever was done, it will be delivered again.</summary>
public sealed class QueueLockLostException : Exception
{
    public QueueLockLostException() { }
    public QueueLockLostException(string message) : base(message) { }
    public QueueLockLostException(string message, Exception inner) : base(message, inner) { }
}
