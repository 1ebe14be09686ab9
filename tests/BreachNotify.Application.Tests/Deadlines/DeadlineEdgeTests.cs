using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Email;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using static BreachNotify.Application.Tests.Deadlines.DeadlineTestSupport;

namespace BreachNotify.Application.Tests.Deadlines;

/// <summary>
/// Deadline arithmetic cannot throw for any stored incident: data stored before instants were validated may hold
/// year 1 or the end of the calendar, in any zone. Such anchors are computed with saturation and flagged.
/// </summary>
public sealed class DeadlineEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset YearOne = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastTickOf1999 = InstantWindow.Earliest.AddTicks(-1);

    public static readonly string[] Zones = ["Europe/Amsterdam", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "UTC"];

    public static readonly DateTimeOffset[] Extremes =
    [
        DateTimeOffset.MinValue, DateTimeOffset.MinValue.AddTicks(1), DateTimeOffset.MinValue.AddHours(13), YearOne.AddMonths(1),
        LastTickOf1999, InstantWindow.Earliest,
        DateTimeOffset.MaxValue.AddMonths(-2), DateTimeOffset.MaxValue.AddHours(-13), DateTimeOffset.MaxValue.AddTicks(-1), DateTimeOffset.MaxValue,
    ];

    /// <summary>Every built-in regime (hours, months, anchors, undue delay with a target) in the given zone.</summary>
    private static DeadlineRules AllRules(string zone) => new DeadlineOptions
    {
        EnabledRegimes = ["gdpr", "uk-gdpr", "nis2", "policy"],
        UndueDelayTarget = TimeSpan.FromHours(96),
    }.BuildRules(TimeZoneInfo.FindSystemTimeZoneById(zone));

    /// <summary>A stored incident as old data may hold it: every instant at <paramref name="at"/>, NIS2's notification met at <paramref name="at"/> too.</summary>
    private static IncidentState Stored(DateTimeOffset at, IncidentStatus status = IncidentStatus.Confirmed, ProcessingRole role = ProcessingRole.Controller) => Confirmed().State with
    {
        DetectedAt = at,
        AwareAt = status == IncidentStatus.Suspected ? null : at,
        OccurredAt = at,
        Status = status,
        Role = role,
        ControllerCustomer = role == ProcessingRole.Processor ? "Acme BV" : null,
        ObligationsMet = [new ObligationMet("nis2", "early-warning", RecipientKind.Authority, at, "ew", "dana"), new ObligationMet("nis2", "notification", RecipientKind.Authority, at, "n", "dana")],
    };

    public static TheoryData<string, DateTimeOffset> ZonesAndExtremes()
    {
        var data = new TheoryData<string, DateTimeOffset>();
        foreach (var zone in Zones)
            foreach (var at in Extremes) data.Add(zone, at);
        return data;
    }

    [Theory]
    [MemberData(nameof(ZonesAndExtremes))]
    public void Compute_plan_and_reminder_texts_never_throw_for_a_stored_incident(string zone, DateTimeOffset at)
    {
        var rules = AllRules(zone);
        var policy = new ReminderPolicy(ReminderPolicy.DefaultThresholds, TimeSpan.FromHours(24));
        var from = new EmailAddress("breachnotify@example.com");
        foreach (var status in new[] { IncidentStatus.Suspected, IncidentStatus.Confirmed, IncidentStatus.Dismissed })
            foreach (var role in new[] { ProcessingRole.Controller, ProcessingRole.Processor })
                foreach (var now in new[] { Now, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, at })
                {
                    var state = Stored(at, status, role);
                    var deadlines = DeadlineCalculator.Compute(state, rules, now);
                    Assert.Equal(rules.Regimes.Sum(r => r.Obligations.Count), deadlines.Count);
                    foreach (var reminder in ReminderPlanner.Plan(state, deadlines, policy, now))
                    {
                        Assert.NotEmpty(ReminderMessages.Create(state, reminder, ["dpo@example.com"], from, rules.TimeZone, now, Page).TextBody);
                        Assert.NotEmpty(BreachNotify.Application.Deadlines.DeadlineWatch.Describe(reminder));
                    }
                    DeadlineCalculator.LateObligationsRequiringReasons(state, rules, now);
                }
    }

    [Fact]
    public void Year_one_is_computed_as_stored_overdue_and_flagged()
    {
        var rules = AllRules("Europe/Amsterdam");
        var deadlines = DeadlineCalculator.Compute(Stored(YearOne), rules, Now);
        var gdpr = Find(deadlines, "gdpr", "notify-authority");
        Assert.Equal(YearOne.AddHours(72), gdpr.DueAt);
        Assert.Equal(DeadlineStatus.Overdue, gdpr.Status);
        Assert.Equal("The stored awareAt (0001-01-01T00:00:00Z) is before 2000-01-01, so it cannot be right: correct it. This deadline is computed from it as stored.", gdpr.Reason);
        Assert.NotNull(gdpr.DueAtLocal); // three days into the calendar a local time exists
        Assert.Equal(YearOne.AddHours(73), gdpr.OuterBoundAt); // from the next full hour, as for any anchor
        // Anchored on a notice sent in year 1: flagged naming that notice.
        var final = Find(deadlines, "nis2", "final-report");
        Assert.Equal(YearOne.AddMonths(1), final.DueAt);
        Assert.StartsWith("The stored time of the 'notification' notice (0001-01-01T00:00:00Z) is before 2000-01-01", final.Reason);
        // A not-required deadline keeps its reason and carries the flag too.
        var controller = Find(deadlines, "gdpr", "notify-controller");
        Assert.Equal(DeadlineStatus.NotRequired, controller.Status);
        Assert.EndsWith(" " + gdpr.Reason, controller.Reason);
        Assert.StartsWith("We act as controller", controller.Reason);
    }

    [Fact]
    public void The_flag_starts_at_the_last_tick_of_1999()
    {
        var rules = AllRules("Europe/Amsterdam");
        var flagged = Find(DeadlineCalculator.Compute(Stored(LastTickOf1999), rules, Now), "gdpr", "notify-authority");
        Assert.Contains("(1999-12-31T23:59:59.9999999Z) is before 2000-01-01", flagged.Reason);
        var fine = Find(DeadlineCalculator.Compute(Stored(InstantWindow.Earliest), rules, Now), "gdpr", "notify-authority");
        Assert.Null(fine.Reason);
        Assert.Equal(InstantWindow.Earliest.AddHours(72), fine.DueAt);
    }

    [Fact]
    public void The_start_of_the_calendar_saturates_where_a_zone_cannot_show_it()
    {
        var deadlines = DeadlineCalculator.Compute(Stored(DateTimeOffset.MinValue), AllRules("Pacific/Pago_Pago"), Now);
        var gdpr = Find(deadlines, "gdpr", "notify-authority");
        Assert.Equal(DateTimeOffset.MinValue.AddHours(72), gdpr.DueAt);
        Assert.Equal(DateTimeOffset.MinValue.AddHours(73), gdpr.OuterBoundAt); // UTC hour: the local one would precede year 1
        Assert.Equal(DeadlineStatus.Overdue, gdpr.Status);
        // A month from the first instant of the calendar is still a calendar month, ending with the day it ends on.
        var final = Find(deadlines, "nis2", "final-report");
        Assert.Equal(DateTimeOffset.MinValue.AddMonths(1), final.DueAt);
        Assert.InRange(final.OuterBoundAt!.Value, final.DueAt!.Value, final.DueAt.Value.AddDays(4));
    }

    [Fact]
    public void The_end_of_the_calendar_saturates_instead_of_overflowing()
    {
        var deadlines = DeadlineCalculator.Compute(Stored(DateTimeOffset.MaxValue), AllRules("Pacific/Kiritimati"), Now);
        var gdpr = Find(deadlines, "gdpr", "notify-authority");
        Assert.Equal(DateTimeOffset.MaxValue, gdpr.DueAt);
        Assert.Equal(DateTimeOffset.MaxValue, gdpr.OuterBoundAt);
        Assert.Null(gdpr.DueAtLocal);
        Assert.Equal(DeadlineStatus.Pending, gdpr.Status);
        Assert.Null(gdpr.Reason);
        Assert.Equal(DateTimeOffset.MaxValue, Find(deadlines, "nis2", "final-report").DueAt);
        Assert.Equal(DateTimeOffset.MaxValue, Find(deadlines, "gdpr", "notify-data-subjects").DueAt); // internal target
    }

    [Fact]
    public void Calendar_helpers_saturate_at_the_ends()
    {
        var amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        Assert.Equal(DateTimeOffset.MaxValue, DeadlineCalculator.AddCalendarMonths(DateTimeOffset.MaxValue.AddDays(-20), 1, amsterdam));
        Assert.Equal(DateTimeOffset.MaxValue, DeadlineCalculator.MonthOuterBound(DateTimeOffset.MaxValue.AddDays(-20), 1, amsterdam));
        Assert.Equal(DateTimeOffset.MaxValue, DeadlineCalculator.AddCalendarMonths(DateTimeOffset.MaxValue, int.MaxValue, amsterdam));
        // A period ending on the calendar's last day ends with it, not days before.
        Assert.Equal(DateTimeOffset.MaxValue, DeadlineCalculator.MonthOuterBound(new DateTimeOffset(9999, 12, 31, 12, 0, 0, TimeSpan.Zero), 0, TimeZoneInfo.Utc));
        Assert.Equal(DateTimeOffset.MinValue.AddDays(1), DeadlineCalculator.AddCalendarMonths(DateTimeOffset.MinValue.AddDays(1), -3, amsterdam));
        Assert.Equal(DateTimeOffset.MaxValue, DeadlineCalculator.HourOuterBound(DateTimeOffset.MaxValue, TimeSpan.FromHours(72), amsterdam));
        Assert.Equal(DateTimeOffset.MinValue.AddHours(1), DeadlineCalculator.HourOuterBound(DateTimeOffset.MinValue, TimeSpan.Zero, amsterdam));
        // Where the calendar itself can: to the day.
        Assert.Equal(new DateTimeOffset(9999, 11, 15, 0, 0, 0, TimeSpan.Zero), DeadlineCalculator.AddCalendarMonths(new DateTimeOffset(9999, 10, 15, 0, 0, 0, TimeSpan.Zero), 1, TimeZoneInfo.Utc));
        Assert.Equal(new DateTimeOffset(1, 3, 3, 0, 0, 0, TimeSpan.Zero), DeadlineCalculator.AddCalendarMonths(new DateTimeOffset(1, 1, 3, 0, 0, 0, TimeSpan.Zero), 2, TimeZoneInfo.Utc));
        Assert.Equal(new DateTimeOffset(9999, 12, 16, 0, 0, 0, TimeSpan.Zero), DeadlineCalculator.MonthOuterBound(new DateTimeOffset(9999, 11, 15, 12, 0, 0, TimeSpan.Zero), 1, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Status_at_saturates_the_due_soon_window()
    {
        Assert.Equal(DeadlineStatus.DueSoon, DeadlineCalculator.StatusAt(DateTimeOffset.MinValue.AddHours(1), TimeSpan.FromHours(24), DateTimeOffset.MinValue));
        Assert.Equal(DeadlineStatus.DueSoon, DeadlineCalculator.StatusAt(Now, TimeSpan.MaxValue, DateTimeOffset.MinValue));
        Assert.Equal(DeadlineStatus.Overdue, DeadlineCalculator.StatusAt(DateTimeOffset.MinValue, TimeSpan.FromHours(24), Now));
        Assert.Equal(DeadlineStatus.Pending, DeadlineCalculator.StatusAt(DateTimeOffset.MaxValue, TimeSpan.FromHours(24), Now));
        Assert.Equal(DeadlineStatus.DueSoon, DeadlineCalculator.StatusAt(DateTimeOffset.MaxValue, TimeSpan.FromHours(24), DateTimeOffset.MaxValue));
    }

    private const string Page = "https://breaches.example.org/api/ui/#/incident/inc-1";

    [Fact]
    public void Reminders_for_a_flagged_deadline_say_what_to_check()
    {
        var state = Stored(YearOne);
        var rules = AllRules("Europe/Amsterdam");
        var plan = ReminderPlanner.Plan(state, DeadlineCalculator.Compute(state, rules, Now), new ReminderPolicy(ReminderPolicy.DefaultThresholds, TimeSpan.FromHours(24)), Now);
        var escalation = plan.First(p => p.Deadline is { Regime: "gdpr", Obligation: "notify-authority" });
        Assert.Equal(ReminderKind.Escalation, escalation.Kind);
        var text = ReminderMessages.Create(state, escalation, ["dpo@example.com"], new EmailAddress("breachnotify@example.com"), rules.TimeZone, Now, Page).TextBody;
        Assert.Contains("Due: 0001-01-04 00:00 UTC", text);
        Assert.Contains("Check: The stored awareAt (0001-01-01T00:00:00Z) is before 2000-01-01", text);
    }

    [Fact]
    public void A_suspected_incident_detected_at_the_end_of_the_calendar_is_not_reminded()
    {
        var state = Stored(DateTimeOffset.MaxValue, IncidentStatus.Suspected);
        Assert.Empty(ReminderPlanner.Plan(state, [], new ReminderPolicy(ReminderPolicy.DefaultThresholds, TimeSpan.FromHours(24)), DateTimeOffset.MaxValue.AddTicks(-1)));
        Assert.Single(ReminderPlanner.Plan(state, [], new ReminderPolicy(ReminderPolicy.DefaultThresholds, TimeSpan.FromHours(24)), DateTimeOffset.MaxValue));
    }
}
