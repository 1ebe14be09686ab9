using Azure.Identity;
using Azure.Messaging.ServiceBus;
using BreachNotify.Application.Queue;

namespace BreachNotify.Adapters.ServiceBus;

/// <summary>
/// <see cref="INoticeQueue"/> on a Service Bus queue through the official client: messages go out in as few batches as
/// fit (<see cref="ServiceBusSender.CreateMessageBatchAsync(CancellationToken)"/>, a new batch when one is full, at most
/// <see cref="MaxMessagesPerBatch"/> each), with <see cref="ServiceBusMessage.MessageId"/> = the job id so that the queue's
/// duplicate detection drops a resend. Failures after the client's retries become <see cref="QueueUnavailableException"/>
/// (ids only; bodies are never included).
/// </summary>
public sealed class ServiceBusNoticeQueue(ServiceBusSender sender) : INoticeQueue
{
    /// <summary>Messages per send: Service Bus handles a batch as one operation, and 100 is its per-transaction limit
    /// (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas).</summary>
    public const int MaxMessagesPerBatch = 100;

    public async Task EnqueueAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) return;
        try
        {
            var batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var message in messages)
                {
                    var sbMessage = ToServiceBus(message);
                    if (batch.Count < MaxMessagesPerBatch && batch.TryAddMessage(sbMessage)) continue;
                    if (batch.Count == 0)
                        throw new ArgumentException($"Message {message.MessageId} is larger than a Service Bus batch allows.", nameof(messages));
                    await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Dispose();
                    batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                    if (!batch.TryAddMessage(sbMessage))
                        throw new ArgumentException($"Message {message.MessageId} is larger than a Service Bus batch allows.", nameof(messages));
                }
                if (batch.Count > 0) await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                batch.Dispose();
            }
        }
        catch (Exception ex) when (ServiceBusFailures.IsUnavailable(ex, cancellationToken))
        {
            throw new QueueUnavailableException($"Enqueueing {messages.Count} message(s) failed: {ServiceBusFailures.Describe(ex)}", ex);
        }
    }

    internal static ServiceBusMessage ToServiceBus(QueueMessage message)
    {
        var sbMessage = new ServiceBusMessage(BinaryData.FromString(message.Body))
        {
            MessageId = message.MessageId,
            ContentType = "application/json",
        };
        if (message.ScheduledEnqueueTime is { } at) sbMessage.ScheduledEnqueueTime = at.ToUniversalTime();
        return sbMessage;
    }
}

/// <summary>Which client failures mean "the queue cannot be used now".</summary>
internal static class ServiceBusFailures
{
    public static bool IsUnavailable(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        ServiceBusException => true,
        UnauthorizedAccessException or AuthenticationFailedException or CredentialUnavailableException => true,
        TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>Reason and transience only: client messages can carry entity paths but never message bodies.</summary>
    public static string Describe(Exception ex) => ex is ServiceBusException sb
        ? $"{sb.Reason} (transient: {sb.IsTransient})"
        : ex.GetType().Name;
}
