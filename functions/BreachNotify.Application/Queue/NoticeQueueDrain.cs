using BreachNotify.Application.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Queue;

/// <summary>Why a drain run ended.</summary>
public enum DrainStop
{
    /// <summary>A receive found nothing due and nothing was in hand.</summary>
    Empty,
    /// <summary>The time budget was spent.</summary>
    TimeBudget,
    /// <summary>A message failed transiently: the rest waits for the next run, so redeliveries are spaced by the schedule.</summary>
    TransientFailure,
    /// <summary>The queue could not be reached.</summary>
    QueueUnavailable,
    /// <summary>The host is stopping.</summary>
    Cancelled,
}

/// <summary>What one run did, for the log.</summary>
public sealed record DrainResult(int Received, int Completed, int Abandoned, int DeadLettered, int LockRenewals, int LocksLost, DrainStop Stop, TimeSpan Elapsed);

/// <summary>
/// One run of the consumer of queued notice jobs (the <c>SendQueuedNotices</c> timer): receives messages in batches with
/// peek-lock, hands each to <see cref="IQueuedNoticeHandler"/> with at most <see cref="NoticeQueueDrainOptions.Concurrency"/>
/// in flight, completes a message on success or on a permanent failure recorded on its job, abandons it on a transient
/// failure (the queue delivers it again and dead-letters it after its maximum delivery count), renews the locks of
/// messages still being handled, and stops when the queue is empty, the time budget is spent, or a message failed
/// transiently (Service Bus redelivers an abandoned message at once: waiting for the next run spaces the retries).
/// </summary>
public sealed partial class NoticeQueueDrain(
    INoticeQueueReceiver receiver,
    IQueuedNoticeHandler handler,
    IOptions<NoticeQueueDrainOptions> options,
    TimeProvider time,
    Telemetry.BreachNotifyTelemetry telemetry,
    ILogger<NoticeQueueDrain> logger)
{
    public async Task<DrainResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var started = time.GetTimestamp();
        var run = new RunState();
        var inFlight = new List<Task>(o.Concurrency);
        DrainStop stop;
        while (true)
        {
            if (cancellationToken.IsCancellationRequested) { stop = DrainStop.Cancelled; break; }
            if (time.GetElapsedTime(started) >= o.TimeBudget) { stop = DrainStop.TimeBudget; break; }
            if (run.TransientFailure) { stop = DrainStop.TransientFailure; break; }
            if (inFlight.Count >= o.Concurrency)
            {
                inFlight.Remove(await Task.WhenAny(inFlight));
                continue;
            }

            IReadOnlyList<ReceivedQueueMessage> batch;
            try
            {
                batch = await receiver.ReceiveAsync(Math.Min(o.BatchSize, o.Concurrency - inFlight.Count), o.ReceiveWait, cancellationToken);
            }
            catch (QueueUnavailableException ex)
            {
                LogQueueUnavailable(RedactedException.Of(ex));
                stop = DrainStop.QueueUnavailable;
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                stop = DrainStop.Cancelled;
                break;
            }

            if (batch.Count == 0)
            {
                if (inFlight.Count == 0) { stop = DrainStop.Empty; break; }
                // Nothing due now; a message in hand may still finish (and free its slot) before the queue is empty.
                inFlight.Remove(await Task.WhenAny(inFlight));
                continue;
            }
            Interlocked.Add(ref run.Received, batch.Count);
            foreach (var message in batch) inFlight.Add(HandleAsync(message, run, cancellationToken));
        }
        await Task.WhenAll(inFlight);

        var result = new DrainResult(run.Received, run.Completed, run.Abandoned, run.DeadLettered, run.LockRenewals, run.LocksLost, stop, time.GetElapsedTime(started));
        LogRun(result.Received, result.Completed, result.Abandoned, result.DeadLettered, result.LocksLost, result.Stop, result.Elapsed.TotalMilliseconds);
        return result;
    }

    private async Task HandleAsync(ReceivedQueueMessage message, RunState run, CancellationToken cancellationToken)
    {
        using var handled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Started before the handler so that its first timer exists as soon as handling begins.
        var renewing = RenewWhileHandlingAsync(message, run, handled.Token);
        QueueMessageDisposition disposition;
        try
        {
            disposition = await handler.HandleAsync(message.MessageId, message.Body, message.DeliveryCount, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailed(message.MessageId, RedactedException.Of(ex));
            disposition = QueueMessageDisposition.RetryLater($"Message {message.MessageId}: {ex.GetType().Name} in the handler.");
        }
        catch (OperationCanceledException)
        {
            // Stopping: hand the message back at once rather than letting its lock run out.
            disposition = QueueMessageDisposition.RetryLater($"Message {message.MessageId}: the host stopped while sending.");
        }
        finally
        {
            await handled.CancelAsync();
            await renewing;
        }

        try
        {
            if (disposition.Complete)
            {
                await receiver.CompleteAsync(message, CancellationToken.None);
                Interlocked.Increment(ref run.Completed);
                return;
            }
            run.TransientFailure = true;
            Interlocked.Increment(ref run.Abandoned);
            if (await receiver.AbandonAsync(message, disposition.Reason, CancellationToken.None))
            {
                Interlocked.Increment(ref run.DeadLettered);
                telemetry.NoticeJob(Telemetry.BreachNotifyTelemetry.NoticeOutcome.DeadLettered);
                LogDeadLettered(message.MessageId, message.DeliveryCount);
            }
            else
            {
                LogAbandoned(message.MessageId, message.DeliveryCount);
            }
        }
        catch (QueueLockLostException)
        {
            // It comes back; the job's own state (sent, failed, leased) makes the next delivery harmless.
            Interlocked.Increment(ref run.LocksLost);
            LogLockLost(message.MessageId);
        }
        catch (QueueUnavailableException ex)
        {
            // Not settled: the lock runs out and the message is delivered again.
            run.TransientFailure = true;
            LogSettleFailed(message.MessageId, RedactedException.Of(ex));
        }
    }

    /// <summary>Renews the message's lock while it is handled, when <see cref="NoticeQueueDrainOptions.LockRenewalMargin"/>
    /// (or half the remaining time, if sooner) is left.</summary>
    private async Task RenewWhileHandlingAsync(ReceivedQueueMessage message, RunState run, CancellationToken handled)
    {
        var margin = options.Value.LockRenewalMargin;
        try
        {
            while (true)
            {
                var remaining = message.LockedUntil - time.GetUtcNow();
                var wait = remaining - margin;
                if (wait > remaining / 2) wait = remaining / 2;
                if (wait < TimeSpan.FromSeconds(1)) wait = TimeSpan.FromSeconds(1);
                await Task.Delay(wait, time, handled);
                await receiver.RenewLockAsync(message, handled);
                Interlocked.Increment(ref run.LockRenewals);
            }
        }
        catch (OperationCanceledException) when (handled.IsCancellationRequested)
        {
        }
        catch (QueueLockLostException)
        {
            LogRenewalLost(message.MessageId);
        }
        catch (QueueUnavailableException ex)
        {
            LogRenewalFailed(message.MessageId, RedactedException.Of(ex));
        }
    }

    private sealed class RunState
    {
        public int Received;
        public int Completed;
        public int Abandoned;
        public int DeadLettered;
        public int LockRenewals;
        public int LocksLost;
        public volatile bool TransientFailure;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue drain: {Received} received, {Completed} completed, {Abandoned} abandoned, {DeadLettered} dead-lettered, {LocksLost} locks lost; stopped: {Stop} after {ElapsedMs:0} ms")]
    private partial void LogRun(int received, int completed, int abandoned, int deadLettered, int locksLost, DrainStop stop, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue drain: the queue could not be reached")]
    private partial void LogQueueUnavailable(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} failed in its handler")]
    private partial void LogHandlerFailed(string messageId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {MessageId} abandoned after delivery {DeliveryCount}: it will be delivered again")]
    private partial void LogAbandoned(string messageId, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} dead-lettered after {DeliveryCount} deliveries")]
    private partial void LogDeadLettered(string messageId, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {MessageId}: its lock was lost before it was settled; it will be delivered again")]
    private partial void LogLockLost(string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {MessageId} could not be settled; its lock runs out and it will be delivered again")]
    private partial void LogSettleFailed(string messageId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {MessageId}: its lock was lost while it was handled")]
    private partial void LogRenewalLost(string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {MessageId}: renewing its lock failed")]
    private partial void LogRenewalFailed(string messageId, Exception exception);
}
