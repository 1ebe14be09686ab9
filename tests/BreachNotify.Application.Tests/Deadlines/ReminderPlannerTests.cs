using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using static BreachNotify.Application.Tests.Deadlines.DeadlineTestSupport;

namespace BreachNotify.Application.Tests.Deadlines;

public sealed class ReminderPlannerTests
{
    private static readonly DateTimeOffset Due = new(2026, 3, 30, 9, 15, 0, TimeSpan.Zero);
    private static readonly ReminderPolicy Policy = new(ReminderPolicy.DefaultThresholds, TimeSpan.FromHours(24));

    private static IReadOnlyList<PlannedReminder> Plan(Incident i, DateTimeOffset now)
        => ReminderPlanner.Plan(i.State, DeadlineCalculator.Compute(i.State, Rules("gdpr"), now), Policy, now);

    private static void Record(Incident i, PlannedReminder p, DateTimeOffset now)
        => i.RecordReminder(new ReminderSent(p.Key, p.Kind, p.Deadline?.Regime, p.Deadline?.Obligation, p.Threshold, p.Deadline?.DueAt, now, 1, p.Skipped), Reporter, now);

    [Fact]
    public void Each_threshold_becomes_due_at_its_exact_instant_once()
    {
        var i = Confirmed();
        Assert.Empty(Plan(i, Due - TimeSpan.FromHours(48) - TimeSpan.FromTicks(1)));
        var sent = new List<string>();
        // Walk the clock in 5-minute steps from aware to 2 h after the deadline, recording what is sent.
        for (var now = AwareAt.ToUniversalTime(); now <= Due + TimeSpan.FromHours(2); now += TimeSpan.FromMinutes(5))
        {
            foreach (var p in Plan(i, now))
            {
                Assert.Empty(p.Skipped);
                sent.Add(p.Threshold is { } t ? Incident.ThresholdText(t) : "overdue");
                Record(i, p, now);
            }
        }
        Assert.Equal(["48h", "24h", "12h", "6h", "1h", "overdue"], sent);
        var at48 = Assert.Single(Plan(Confirmed(), Due - TimeSpan.FromHours(48)));
        Assert.Equal(TimeSpan.FromHours(48), at48.Threshold);
        Assert.Equal(ReminderKind.Escalation, Assert.Single(Plan(Confirmed(), Due + TimeSpan.FromTicks(1))).Kind);
        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(Plan(Confirmed(), Due)).Threshold); // at the due instant it is not overdue yet
    }

    [Fact]
    public void A_late_sweep_plans_only_the_most_urgent_and_passes_over_the_rest()
    {
        var i = Confirmed();
        var now = Due - TimeSpan.FromHours(5);
        var p = Assert.Single(Plan(i, now));
        Assert.Equal(TimeSpan.FromHours(6), p.Threshold);
        Assert.Equal(3, p.Skipped.Count);
        Assert.All(p.Skipped, k => Assert.Matches("left-(48h|24h|12h)$", k));
        Record(i, p, now);
        Assert.Empty(Plan(i, now + TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(Plan(i, Due - TimeSpan.FromHours(1))).Threshold);
    }

    [Fact]
    public void Met_obligations_and_closed_incidents_get_no_reminders()
    {
        var i = Confirmed();
        i.MarkNoticeSent(Rules("gdpr"), RecipientKind.Authority, Due - TimeSpan.FromHours(30), "AP-1", Dpo, Due - TimeSpan.FromHours(30));
        i.RecordNoticeGiven(RecipientKind.Authority, Due - TimeSpan.FromHours(30), "AP-1", Dpo, Due - TimeSpan.FromHours(30));
        Assert.Empty(Plan(i, Due + TimeSpan.FromHours(5)));
        var closed = Confirmed();
        closed.Close("Handled.", Dpo, AwareAt.AddHours(3));
        Assert.Empty(Plan(closed, Due + TimeSpan.FromHours(5)));
    }

    [Fact]
    public void A_suspected_incident_gets_one_reminder_after_the_configured_time()
    {
        var detected = AwareAt;
        var i = Incident.Report("inc-s", new IncidentDraft { Title = "Odd logins", DetectedAt = detected }, Reporter, detected);
        Assert.Empty(Plan(i, detected + TimeSpan.FromHours(24) - TimeSpan.FromTicks(1)));
        var p = Assert.Single(Plan(i, detected + TimeSpan.FromHours(24)));
        Assert.Equal(ReminderKind.Unconfirmed, p.Kind);
        Record(i, p, detected + TimeSpan.FromHours(24));
        Assert.Empty(Plan(i, detected + TimeSpan.FromHours(100)));
    }

    [Fact]
    public void Moving_awareness_rearms_the_reminders_for_the_new_deadline()
    {
        var i = Confirmed();
        var now = Due - TimeSpan.FromHours(20);
        var first = Assert.Single(Plan(i, now));
        Record(i, first, now);
        Assert.Empty(Plan(i, now));
        i.Update(new IncidentChanges { AwareAt = BreachNotify.Domain.Common.Optional<DateTimeOffset>.Of(AwareAt.AddHours(10)), AwareAtChangeReason = "The first alert was a false positive; the leak was confirmed later." }, Dpo, now);
        var again = Assert.Single(Plan(i, now));
        Assert.NotEqual(first.Key, again.Key);
        Assert.Equal(TimeSpan.FromHours(48), again.Threshold); // 30 h left on the new deadline
    }
}
