using System.Globalization;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Domain.Deadlines;

/// <param name="Thresholds">Time left before a due instant at which to remind (e.g. 48 h, 24 h, 12 h, 6 h, 1 h).</param>
/// <param name="SuspectedAfter">A suspected incident unconfirmed this long after detection gets one reminder.</param>
public sealed record ReminderPolicy(IReadOnlyList<TimeSpan> Thresholds, TimeSpan SuspectedAfter)
{
    public static readonly IReadOnlyList<TimeSpan> DefaultThresholds = [TimeSpan.FromHours(48), TimeSpan.FromHours(24), TimeSpan.FromHours(12), TimeSpan.FromHours(6), TimeSpan.FromHours(1)];
}

/// <summary>A reminder that is due now and not yet sent.</summary>
/// <param name="Key">Deterministic: incident-scoped ledger row key (regime|obligation|due instant|threshold).</param>
/// <param name="Skipped">Keys of less urgent thresholds that are also due and are passed over (never sent later).</param>
public sealed record PlannedReminder(string Key, ReminderKind Kind, Deadline? Deadline, TimeSpan? Threshold, IReadOnlyList<string> Skipped);

/// <summary>
/// Decides which reminders are due for an incident. Pure. Per obligation only the most urgent due reminder is
/// planned (an escalation once overdue, else the smallest threshold reached): a late or first sweep catches up
/// with one message, not a flood. Keys include the due instant, so moving awareAt re-arms the reminders.
/// </summary>
public static class ReminderPlanner
{
    public static IReadOnlyList<PlannedReminder> Plan(IncidentState state, IReadOnlyList<Deadline> deadlines, ReminderPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(deadlines);
        ArgumentNullException.ThrowIfNull(policy);
        if (!state.Status.IsOpen()) return [];
        now = now.ToUniversalTime();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in state.Reminders)
        {
            done.Add(r.Key);
            foreach (var s in r.Skipped) done.Add(s);
        }
        var plan = new List<PlannedReminder>();

        if (state.Status == IncidentStatus.Suspected && now >= InstantMath.Add(state.DetectedAt, policy.SuspectedAfter))
        {
            var key = $"unconfirmed|{Stamp(state.DetectedAt)}|after-{Incident.ThresholdText(policy.SuspectedAfter)}";
            if (!done.Contains(key)) plan.Add(new PlannedReminder(key, ReminderKind.Unconfirmed, null, policy.SuspectedAfter, []));
        }

        var thresholds = policy.Thresholds.Distinct().OrderByDescending(t => t).ToList();
        foreach (var d in deadlines)
        {
            if (d.DueAt is not { } due || d.Status is not (DeadlineStatus.Pending or DeadlineStatus.DueSoon or DeadlineStatus.Overdue)) continue;
            var prefix = $"{d.Regime}|{d.Obligation}|{Stamp(due)}|";
            // Reached thresholds, least urgent first; the escalation is the most urgent of all.
            var reached = thresholds.Where(t => now >= InstantMath.Subtract(due, t)).Select(t => (Key: prefix + "left-" + Incident.ThresholdText(t), Threshold: (TimeSpan?)t, Kind: ReminderKind.Reminder)).ToList();
            if (now > due) reached.Add((prefix + "overdue", null, ReminderKind.Escalation));
            if (reached.Count == 0) continue;
            var chosen = reached[^1];
            if (done.Contains(chosen.Key)) continue;
            var skipped = reached.Take(reached.Count - 1).Select(x => x.Key).Where(k => !done.Contains(k)).ToList();
            plan.Add(new PlannedReminder(chosen.Key, chosen.Kind, d, chosen.Threshold, skipped));
        }
        return plan;
    }

    private static string Stamp(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfffffff'Z'", CultureInfo.InvariantCulture);
}
