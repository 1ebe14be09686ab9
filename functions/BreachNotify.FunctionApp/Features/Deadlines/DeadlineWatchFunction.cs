using System.Globalization;
using BreachNotify.Application.Deadlines;
using BreachNotify.FunctionApp.Functions;

namespace BreachNotify.FunctionApp.Features.Deadlines;

/// <summary>Timer function DeadlineWatch (functions/DeadlineWatch/function.json, every 5 minutes): one sweep of the open incidents.</summary>
public sealed class DeadlineWatchFunction(DeadlineWatch watch) : ITimerFunction
{
    public const string FunctionName = "DeadlineWatch";

    public string Name => FunctionName;

    public async Task<IReadOnlyList<string>> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var r = await watch.SweepAsync(timer.IsPastDue, cancellationToken);
        return
        [
            string.Create(CultureInfo.InvariantCulture,
                $"DeadlineWatch: {r.Incidents} open incidents; sent {r.Reminders} reminders, {r.Escalations} escalations, {r.Unconfirmed} unconfirmed reminders; {r.AlreadyClaimed} already claimed; {r.Skipped} passed over; {r.Failed} failed; pastDue={timer.IsPastDue}"),
        ];
    }
}
