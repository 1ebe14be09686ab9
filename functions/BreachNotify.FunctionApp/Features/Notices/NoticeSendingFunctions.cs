using BreachNotify.Application.Notices.Sending;
using BreachNotify.Application.Queue;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Notices;

/// <summary>
/// Timers that move queued notices: <c>SendQueuedNotices</c> drains the notices queue (Service Bus in Azure, the embedded
/// queue standalone) — one consumer path in both modes — and the sweep re-enqueues jobs left waiting and reports
/// exhausted ones.
/// <para>
/// There is no Service Bus trigger extension for the isolated worker in the package feed this project builds from, so a
/// timer drains the queue (docs/notices.md, "One consumer"). All message handling is in
/// <see cref="SendNoticeMessageHandler"/>: when the extension is available, a
/// <c>[ServiceBusTrigger("%Queue:Name%", Connection = "ServiceBusConnection")]</c> function calling that handler replaces
/// <see cref="SendQueued"/> in this file, and nothing else changes.
/// </para>
/// </summary>
public sealed partial class NoticeSendingFunctions(NoticeQueueDrain drain, NoticeSweeper sweeper, ILogger<NoticeSendingFunctions> logger)
{
    [Function("SendQueuedNotices")]
    public async Task SendQueued([TimerTrigger("%SendQueuedNotices:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var r = await drain.RunAsync(cancellationToken);
        if (r.Received > 0) LogDrained(r.Received, r.Completed, r.Abandoned, r.DeadLettered, r.LockRenewals, r.LocksLost, r.Stop, (long)r.Elapsed.TotalMilliseconds);
    }

    [Function("NoticeSweep")]
    public async Task Sweep([TimerTrigger("%NoticeSweep:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var r = await sweeper.SweepAsync(cancellationToken);
        LogSwept(r.Pending, r.Requeued, r.Exhausted, r.Cleaned, r.Resumed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SendQueuedNotices: {Received} received, {Completed} completed, {Abandoned} abandoned, {DeadLettered} dead-lettered, {LockRenewals} lock renewals, {LocksLost} locks lost; stopped: {Stop} after {ElapsedMs} ms")]
    private partial void LogDrained(int received, int completed, int abandoned, int deadLettered, int lockRenewals, int locksLost, DrainStop stop, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice sweep: {Pending} pending, {Requeued} enqueued again, {Exhausted} exhausted (marked failed), {Cleaned} cleaned up, {Resumed} half-created notifications finished")]
    private partial void LogSwept(int pending, int requeued, int exhausted, int cleaned, int resumed);
}
