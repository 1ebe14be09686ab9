using Azure;
using BreachNotify.Application.Queue;

namespace BreachNotify.Adapters.ServiceBus;

/// <summary>
/// <see cref="INoticeQueue"/> on <see cref="ServiceBusRestClient.SendBatchAsync"/>. Requires duplicate detection on the
/// queue so that resending a MessageId (after a partial failure or a retried POST) is harmless. Failures after the
/// client's retries become <see cref="QueueUnavailableException"/> (status and ids only; bodies are never included).
/// </summary>
public sealed class ServiceBusNoticeQueue : INoticeQueue
{
    private readonly ServiceBusRestClient _client;

    public ServiceBusNoticeQueue(ServiceBusRestClient client) =>
        _client = client ?? throw new ArgumentNullException(nameof(client));

    public async Task EnqueueAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        var restMessages = messages.Select(m => new ServiceBusRestMessage(m.MessageId, m.Body)
        {
            ScheduledEnqueueTime = m.ScheduledEnqueueTime,
        }).ToList();

        try
        {
            await _client.SendBatchAsync(restMessages, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new QueueUnavailableException($"Enqueueing {messages.Count} message(s) failed: {ex.Message}", ex);
        }
        catch (AggregateException ex)
        {
            throw new QueueUnavailableException($"Enqueueing {messages.Count} message(s) failed after retries.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new QueueUnavailableException($"Enqueueing {messages.Count} message(s) timed out.", ex);
        }
    }
}
