namespace BreachNotify.Application.Queue;

/// <summary>
/// What to do with one queued message: the whole of message handling, so that the drain (timer) and, later, a Service Bus
/// trigger call the same code and differ only in how they settle the message.
/// </summary>
public interface IQueuedNoticeHandler
{
    Task<QueueMessageDisposition> HandleAsync(string messageId, string body, int deliveryCount, CancellationToken cancellationToken = default);
}

/// <param name="Complete">True: remove the message (done, or failed for good with the failure recorded on the job).
/// False: abandon it so the queue delivers it again, and dead-letters it after its last delivery.</param>
/// <param name="Reason">For logs and the dead-letter record: ids and states only.</param>
public sealed record QueueMessageDisposition(bool Complete, string Reason)
{
    public static QueueMessageDisposition Done(string reason) => new(true, reason);

    public static QueueMessageDisposition RetryLater(string reason) => new(false, reason);
}
