using BreachNotify.Application.Notices.Sending;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Notices;

/// <summary>Timers that keep queued notices moving: the sweep re-enqueues jobs left waiting and reports exhausted ones.</summary>
public sealed partial class NoticeSendingFunctions(NoticeSweeper sweeper, ILogger<NoticeSendingFunctions> logger)
{
    [Function("NoticeSweep")]
    public async Task Sweep([TimerTrigger("%NoticeSweep:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var r = await sweeper.SweepAsync(cancellationToken);
        LogSwept(r.Pending, r.Requeued, r.Exhausted, r.Cleaned);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice sweep: {Pending} pending, {Requeued} enqueued again, {Exhausted} exhausted (marked failed), {Cleaned} cleaned up")]
    private partial void LogSwept(int pending, int requeued, int exhausted, int cleaned);
}
