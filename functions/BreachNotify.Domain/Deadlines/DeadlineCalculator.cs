using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Domain.Deadlines;

/// <summary>
/// Computes each obligation's deadline for an incident at an instant. Pure: <c>now</c> is passed in.
/// Hour periods are elapsed time on UTC instants (DST, weekends and holidays never move them); month periods are
/// calendar months in the organisation's zone. Sources: GDPR Art 33/34; Reg (EEC, Euratom) 1182/71 Art 3.
/// It never throws for a stored incident: incidents stored before instants were validated may hold any instant
/// (<c>0001-01-01</c>, <see cref="DateTimeOffset.MaxValue"/>); arithmetic saturates at the ends of the calendar, local
/// times that do not exist there are left out, and an anchor before <see cref="InstantWindow.Earliest"/> is flagged in
/// the deadline's reason so someone corrects it.
/// </summary>
public static class DeadlineCalculator
{
    public const int MaxReasonsLength = 20_000;

    public static IReadOnlyList<Deadline> Compute(IncidentState state, DeadlineRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        now = now.ToUniversalTime();
        var list = new List<Deadline>();
        foreach (var regime in rules.Regimes)
        {
            var computed = new Dictionary<string, Deadline>(StringComparer.Ordinal);
            foreach (var o in regime.Obligations)
            {
                var d = ComputeOne(state, rules, regime, o, computed, now);
                computed[o.Id] = d;
                list.Add(d);
            }
        }
        return list;
    }

    private static Deadline ComputeOne(IncidentState state, DeadlineRules rules, RegimeDefinition regime, ObligationDefinition o, IReadOnlyDictionary<string, Deadline> earlier, DateTimeOffset now)
    {
        var met = FindMet(state, regime.Id, o.Id);
        var basis = o.Period.IsUndueDelay ? (rules.UndueDelayTarget is null ? DeadlineBasis.UndueDelay : DeadlineBasis.InternalTarget) : DeadlineBasis.Fixed;
        string? flag = null;
        // The anchor instant: awareness, or the moment the anchoring obligation's notice was sent.
        DateTimeOffset? anchor;
        Deadline Make(DateTimeOffset? due, DateTimeOffset? outer, DeadlineStatus status, string? reason)
            => new(regime.Id, o.Id, o.Recipient, basis, due, outer, due is { } u ? InstantMath.InZone(u, rules.TimeZone) : null, status, met?.MetAt,
                reason is null ? flag : flag is null ? reason : reason + " " + flag, o.Source, anchor);

        string? waiting = null;
        if (o.Anchor is null)
        {
            anchor = state.AwareAt;
            if (anchor is null) waiting = "The clock starts when the incident is confirmed (awareAt).";
        }
        else
        {
            anchor = earlier.TryGetValue(o.Anchor, out var a) ? a.MetAt : null; // set exactly when the anchor is met
            if (anchor is null) waiting = $"Runs from the '{o.Anchor}' notice, not sent yet.";
        }

        DateTimeOffset? due = null, outer = null;
        if (anchor is { } start)
        {
            if (start < InstantWindow.Earliest)
            {
                var what = o.Anchor is null ? "awareAt" : $"time of the '{o.Anchor}' notice";
                flag = $"The stored {what} ({Incident.Format(start)}) is before 2000-01-01, so it cannot be right: correct it. This deadline is computed from it as stored.";
            }
            if (o.Period.Elapsed is { } elapsed)
            {
                due = InstantMath.Add(start, elapsed);
                if (o.Legal) outer = HourOuterBound(start, elapsed, rules.TimeZone);
            }
            else if (o.Period.Months is { } months)
            {
                due = AddCalendarMonths(start, months, rules.TimeZone);
                if (o.Legal) outer = MonthOuterBound(start, months, rules.TimeZone);
            }
            else if (rules.UndueDelayTarget is { } target)
            {
                due = InstantMath.Add(start, target);
            }
        }

        if (state.Status == IncidentStatus.Dismissed && met is null)
            return Make(due, outer, DeadlineStatus.NotRequired, "Dismissed: not a personal data breach.");
        if (met is not null) return Make(due, outer, DeadlineStatus.Met, null);
        foreach (var condition in o.AppliesWhen)
        {
            var (applies, reason) = condition.Evaluate(state);
            if (!applies) return Make(due, outer, DeadlineStatus.NotRequired, reason);
        }
        if (waiting is not null) return Make(null, null, DeadlineStatus.Pending, waiting);
        if (due is null) return Make(null, null, DeadlineStatus.Pending, "Without undue delay: the rule sets no fixed period.");
        return Make(due, outer, StatusAt(due.Value, rules.DueSoon, now), null);
    }

    /// <summary>Due at the instant itself still counts as in time ("within 72 hours"); overdue from the next tick.</summary>
    public static DeadlineStatus StatusAt(DateTimeOffset due, TimeSpan dueSoon, DateTimeOffset now)
        => now > due ? DeadlineStatus.Overdue : now >= InstantMath.Subtract(due, dueSoon) ? DeadlineStatus.DueSoon : DeadlineStatus.Pending;

    private static ObligationMet? FindMet(IncidentState state, string regime, string obligation)
        => state.ObligationsMet.FirstOrDefault(m => m.Regime == regime && m.Obligation == obligation);

    /// <summary>
    /// Reg 1182/71 Art 3(1) first subparagraph: for a period in hours, the hour during which the event occurs is not
    /// counted, so the period starts at the beginning of the next hour and ends when its last hour expires (Art 3(2)(a)).
    /// The hour is the organisation's clock hour (it differs from the UTC hour in half-hour zones); within a day of the
    /// calendar's ends, where the local time may not exist, the UTC hour.
    /// </summary>
    public static DateTimeOffset HourOuterBound(DateTimeOffset anchor, TimeSpan period, TimeZoneInfo zone)
    {
        var local = InstantMath.InZone(anchor, zone) ?? anchor.ToUniversalTime();
        var intoHour = new TimeSpan(0, 0, local.Minute, local.Second) + TimeSpan.FromTicks(local.Ticks % TimeSpan.TicksPerSecond);
        var nextHour = InstantMath.Add(InstantMath.Subtract(anchor, intoHour), TimeSpan.FromHours(1));
        return InstantMath.Add(nextHour, period);
    }

    /// <summary>
    /// Stored data only: where calendar arithmetic would leave the calendar (months from its ends), a month counts as
    /// 31 days, saturating.
    /// </summary>
    private static DateTimeOffset ApproximateMonths(DateTimeOffset anchor, int months, int extraDays)
        => InstantMath.Add(anchor, TimeSpan.FromTicks((Math.Clamp(months, 0, 100_000) * 31L + extraDays) * TimeSpan.TicksPerDay));

    /// <summary>
    /// The conservative month deadline: the same local clock time on the same date <paramref name="months"/> later,
    /// or on the last day of that month when the date does not exist there (31 Jan → 28/29 Feb, Reg 1182/71 Art 3(2)(c)).
    /// </summary>
    public static DateTimeOffset AddCalendarMonths(DateTimeOffset anchor, int months, TimeZoneInfo zone)
    {
        try
        {
            var local = TimeZoneInfo.ConvertTime(anchor, zone).DateTime;
            return FromLocal(local.AddMonths(months), zone); // AddMonths clamps to the month's last day
        }
        catch (ArgumentOutOfRangeException)
        {
            return ApproximateMonths(anchor, months, 0); // the calendar's own range check: only at its ends
        }
    }

    /// <summary>
    /// Reg 1182/71 Art 3(1) second subparagraph and 3(2)(c): a period in months ends with the expiry of the last hour
    /// of the day in the last month with the same date as the day of the event (or that month's last day); Art 3(4):
    /// when that day is a Saturday or Sunday it ends with the expiry of the following working day. Public holidays also
    /// extend it but differ per Member State, so they are not modelled: the bound is conservative on holidays.
    /// </summary>
    public static DateTimeOffset MonthOuterBound(DateTimeOffset anchor, int months, TimeZoneInfo zone)
    {
        try
        {
            var lastDay = TimeZoneInfo.ConvertTime(anchor, zone).DateTime.Date.AddMonths(months);
            lastDay = lastDay.DayOfWeek switch
            {
                DayOfWeek.Saturday => lastDay.AddDays(2),
                DayOfWeek.Sunday => lastDay.AddDays(1),
                _ => lastDay,
            };
            return FromLocal(lastDay.AddDays(1), zone);
        }
        catch (ArgumentOutOfRangeException)
        {
            return ApproximateMonths(anchor, months, 3);
        }
    }

    /// <summary>
    /// A local wall-clock time as an instant. A time skipped by a DST change is moved forward by the gap; a repeated
    /// time takes its first (earlier) occurrence, which is the conservative choice for a deadline.
    /// </summary>
    public static DateTimeOffset FromLocal(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var before = zone.GetUtcOffset(local.AddHours(-3));
            return new DateTimeOffset(local - before, TimeSpan.Zero); // read with the pre-change offset: lands after the gap
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>
    /// GDPR Art 33(1): "Where the notification to the supervisory authority is not made within 72 hours, it shall be
    /// accompanied by reasons for the delay." Call before sending an authority notice sent at <paramref name="sentAt"/>:
    /// throws <see cref="DomainValidationException"/> for field <c>reasonsForDelay</c> when the notice would meet an
    /// obligation that requires reasons, is past its due instant, and none are given. Follow-up notices (the obligation
    /// already met) need none.
    /// </summary>
    public static void EnsureReasonsForDelay(IncidentState state, DeadlineRules rules, DateTimeOffset sentAt, string? reasonsForDelay, string? regime = null)
    {
        var late = LateObligationsRequiringReasons(state, rules, sentAt, regime);
        var reasons = reasonsForDelay?.Trim();
        if (reasons is { Length: > MaxReasonsLength })
            throw new DomainValidationException("reasonsForDelay", $"At most {MaxReasonsLength} characters.");
        if (late.Count == 0 || !string.IsNullOrEmpty(reasons)) return;
        var first = late[0];
        throw new DomainValidationException("reasonsForDelay",
            $"This notice is sent after the deadline of {first.Regime}/{first.Obligation} ({Incident.Format(first.DueAt)}): {first.Source} requires reasons for the delay.");
    }

    /// <summary>The authority obligations an authority notice sent at <paramref name="sentAt"/> would meet late and that require reasons.</summary>
    public static IReadOnlyList<Deadline> LateObligationsRequiringReasons(IncidentState state, DeadlineRules rules, DateTimeOffset sentAt, string? regime = null)
    {
        sentAt = sentAt.ToUniversalTime();
        var deadlines = Compute(state, rules, sentAt);
        var late = new List<Deadline>();
        foreach (var r in rules.Regimes.Where(r => regime is null || r.Id == regime))
        {
            var target = NextToMeet(state, r, RecipientKind.Authority);
            if (target is null || !target.RequiresReasonsForDelay) continue;
            late.AddRange(deadlines.Where(d => d.Regime == r.Id && d.Obligation == target.Id && d.DueAt is { } due && sentAt > due));
        }
        return late;
    }

    /// <summary>
    /// The obligation of <paramref name="regime"/> a notice to <paramref name="recipient"/> meets: the first in declared
    /// order with that recipient that is not met yet and whose anchor (if any) is met. Phased reports (NIS2 early
    /// warning → notification → final report) are thus met in order.
    /// </summary>
    public static ObligationDefinition? NextToMeet(IncidentState state, RegimeDefinition regime, RecipientKind recipient)
    {
        foreach (var o in regime.Obligations)
        {
            if (o.Recipient != recipient) continue;
            if (FindMet(state, regime.Id, o.Id) is not null) continue;
            if (o.Anchor is not null && FindMet(state, regime.Id, o.Anchor) is null) continue;
            return o;
        }
        return null;
    }
}
