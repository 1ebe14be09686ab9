using Azure.Messaging.ServiceBus;
using BreachNotify.Application.Queue;

namespace BreachNotify.Adapters.ServiceBus;

/// <summary>
/// <see cref="INoticeQueueReceiver"/> on a PeekLock <see cref="ServiceBusReceiver"/> (one per process, from the one
/// <see cref="ServiceBusClient"/>). A message abandoned on its last delivery (<see cref="ServiceBusOptions.MaxDeliveryCount"/>)
/// is dead-lettered here with the reason; otherwise it is abandoned with the reason as an application property and the
/// broker delivers it again.
/// </summary>
public sealed class ServiceBusNoticeReceiver(ServiceBusReceiver receiver, int maxDeliveryCount) : INoticeQueueReceiver
{
    public const string DeadLetterReason = "TransientFailuresExhausted";
    public const string LastErrorProperty = "LastError";
    private const int MaxReasonLength = 1000;

    public async Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ServiceBusReceivedMessage> received;
        try
        {
            received = await receiver.ReceiveMessagesAsync(maxMessages, maxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ServiceBusFailures.IsUnavailable(ex, cancellationToken))
        {
            throw new QueueUnavailableException($"Receiving from {receiver.EntityPath} failed: {ServiceBusFailures.Describe(ex)}", ex);
        }
        var messages = new List<ReceivedQueueMessage>(received.Count);
        foreach (var m in received)
            messages.Add(new ReceivedQueueMessage(m.MessageId, m.Body.ToString(), m.DeliveryCount, m.LockedUntil, m));
        return messages;
    }

    public Task CompleteAsync(ReceivedQueueMessage message, CancellationToken cancellationToken = default)
        => SettleAsync(message, "completing", m => receiver.CompleteMessageAsync(m, cancellationToken), cancellationToken);

    public async Task<bool> AbandonAsync(ReceivedQueueMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason;
        if (message.DeliveryCount >= maxDeliveryCount)
        {
            await SettleAsync(message, "dead-lettering", m => receiver.DeadLetterMessageAsync(m, DeadLetterReason, text, cancellationToken), cancellationToken).ConfigureAwait(false);
            return true;
        }
        await SettleAsync(message, "abandoning", m => receiver.AbandonMessageAsync(m, new Dictionary<string, object> { [LastErrorProperty] = text }, cancellationToken), cancellationToken).ConfigureAwait(false);
        return false;
    }

    public async Task<DateTimeOffset> RenewLockAsync(ReceivedQueueMessage message, CancellationToken cancellationToken = default)
    {
        await SettleAsync(message, "renewing the lock of", m => receiver.RenewMessageLockAsync(m, cancellationToken), cancellationToken).ConfigureAwait(false);
        var sbMessage = (ServiceBusReceivedMessage)message.Receipt;
        message.LockedUntil = sbMessage.LockedUntil; // the client moves it on the message
        return message.LockedUntil;
    }

    private async Task SettleAsync(ReceivedQueueMessage message, string verb, Func<ServiceBusReceivedMessage, Task> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Receipt is not ServiceBusReceivedMessage sbMessage)
            throw new ArgumentException("The message was not received from Service Bus.", nameof(message));
        try
        {
            await call(sbMessage).ConfigureAwait(false);
        }
        catch (ServiceBusException ex) when (ex.Reason is ServiceBusFailureReason.MessageLockLost)
        {
            throw new QueueLockLostException($"The lock of message {message.MessageId} was lost before {verb} it.", ex);
        }
        catch (Exception ex) when (ServiceBusFailures.IsUnavailable(ex, cancellationToken))
        {
            throw new QueueUnavailableException($"{char.ToUpperInvariant(verb[0])}{verb[1..]} message {message.MessageId} failed: {ServiceBusFailures.Describe(ex)}", ex);
        }
    }
}
