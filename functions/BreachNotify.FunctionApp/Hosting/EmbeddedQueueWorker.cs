using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Application.Notices.Sending;
using BreachNotify.Application.Queue;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// Standalone only: drains the embedded queue in-process with the SendNotice use case: completed → removed; retry → due again after a backoff, dead-lettered after
/// <see cref="StoreQueueOptions.MaxDeliveryCount"/>. Wakes at once when this process enqueues, else polls.
/// </summary>
public sealed partial class EmbeddedQueueWorker(
    StoreNoticeQueue queue,
    SendNoticeProcessor processor,
    IOptions<StoreQueueOptions> options,
    TimeProvider time,
    ILogger<EmbeddedQueueWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunWorker) return;
        queue.Enqueued += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int handled;
                try
                {
                    handled = await RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex);
                    handled = 0;
                }
                if (handled > 0) continue;
                using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var wait = Task.Delay(options.Value.PollInterval, time, delay.Token);
                var woken = _signal.WaitAsync(delay.Token);
                try { await Task.WhenAny(wait, woken); }
                finally { await delay.CancelAsync(); }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.Enqueued -= Wake;
        }
    }

    private void Wake(object? sender, EventArgs e)
    {
        if (_signal.CurrentCount == 0) { try { _signal.Release(); } catch (SemaphoreFullException) { } }
    }

    /// <summary>Receives one round of due messages (up to the concurrency) and handles them in parallel.</summary>
    /// <returns>How many messages were handled.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var leases = await queue.ReceiveAsync(options.Value.Concurrency, TimeSpan.Zero, cancellationToken);
        await Task.WhenAll(leases.Select(lease => HandleAsync(lease, cancellationToken)));
        return leases.Count;
    }

    /// <summary>Handles due messages until none is due (tests; a retried message is due again only after its backoff).</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        for (int n; (n = await RunOnceAsync(cancellationToken)) > 0;) total += n;
        return total;
    }

    private async Task HandleAsync(ReceivedQueueMessage lease, CancellationToken cancellationToken)
    {
        SendResult outcome;
        try
        {
            outcome = await processor.ProcessAsync(lease.Body, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Delivered again later.
            LogHandlerFailed(lease.MessageId, ex.GetType().Name);
            outcome = new SendResult(SendOutcome.Transient, ex.GetType().Name);
        }
        try
        {
            if (!outcome.Retry)
            {
                await queue.CompleteAsync(lease, CancellationToken.None);
                return;
            }
            if (await queue.AbandonAsync(lease, outcome.Log, CancellationToken.None)) LogDeadLettered(lease.MessageId, lease.DeliveryCount);
        }
        catch (QueueLockLostException)
        {
            // Re-leased by another receiver meanwhile: it owns the message now.
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedded queue worker round failed")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} failed in its handler with {ExceptionType}")]
    private partial void LogHandlerFailed(string messageId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} dead-lettered after {Deliveries} deliveries")]
    private partial void LogDeadLettered(string messageId, int deliveries);
}
