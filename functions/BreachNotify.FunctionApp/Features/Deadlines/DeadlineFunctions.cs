using System.Globalization;
using BreachNotify.Application.Deadlines;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Deadlines;

/// <summary>The countdown's timer: one sweep of the open incidents for reminders and escalations (docs/deadlines.md).</summary>
public sealed partial class DeadlineFunctions(DeadlineWatch watch, ILogger<DeadlineFunctions> logger)
{
    public const string DeadlineWatchName = "DeadlineWatch";

    [Function(DeadlineWatchName)]
    public async Task Run([TimerTrigger("%DeadlineWatch:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var r = await watch.SweepAsync(timer.IsPastDue, cancellationToken);
        LogSwept(r.Incidents, r.Reminders, r.Escalations, r.Unconfirmed, r.AlreadyClaimed, r.Skipped, r.Failed, r.IndexRepaired, timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DeadlineWatch: {Incidents} open incidents; sent {Reminders} reminders, {Escalations} escalations, {Unconfirmed} unconfirmed reminders; {AlreadyClaimed} already claimed; {Skipped} passed over; {Failed} failed; {IndexRepaired} index rows repaired; pastDue={PastDue}")]
    private partial void LogSwept(int incidents, int reminders, int escalations, int unconfirmed, int alreadyClaimed, int skipped, int failed, int indexRepaired, bool pastDue);
}
