using BreachNotify.Domain.Common;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;
using static BreachNotify.Application.Tests.Deadlines.DeadlineTestSupport;

namespace BreachNotify.Application.Tests.Deadlines;

/// <summary>The shipped regimes computed at exact instants (no tolerances).</summary>
public sealed class DeadlineRulesTests
{
    private static readonly DateTimeOffset Due = new(2026, 3, 30, 9, 15, 0, TimeSpan.Zero);

    [Fact]
    public void Gdpr_authority_deadline_crosses_dst_as_elapsed_time()
    {
        var i = Confirmed();
        var d = Find(DeadlineCalculator.Compute(i.State, Rules("gdpr"), AwareAt.AddHours(1)), "gdpr", "notify-authority");
        Assert.Equal(Due, d.DueAt);
        Assert.Equal(TimeSpan.Zero, d.DueAt!.Value.Offset);
        // 10:15 CET on Friday → 11:15 CEST on Monday: 72 elapsed hours, not 72 wall-clock hours.
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 11, 15, 0, TimeSpan.FromHours(2)), d.DueAtLocal);
        Assert.Equal(TimeSpan.FromHours(2), d.DueAtLocal!.Value.Offset);
        Assert.Equal(RecipientKind.Authority, d.Recipient);
        Assert.Equal(DeadlineBasis.Fixed, d.Basis);
        Assert.Null(d.MetAt);
    }

    [Fact]
    public void Outer_bound_excludes_the_hour_of_awareness()
    {
        var i = Confirmed();
        var d = Find(DeadlineCalculator.Compute(i.State, Rules("gdpr"), AwareAt), "gdpr", "notify-authority");
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 10, 0, 0, TimeSpan.Zero), d.OuterBoundAt);
    }

    [Theory]
    [InlineData("2026-03-23T10:17:00+01:00", "2026-03-26T10:17:00+01:00", "2026-03-26T11:00:00+01:00")] // Reg 1182/71 Art 3(1) (docs/deadlines.md, "Counting"): Mon 10:17 → Thu 10:17, outer Thu 11:00
    [InlineData("2026-03-23T10:00:00+01:00", "2026-03-26T10:00:00+01:00", "2026-03-26T11:00:00+01:00")] // on the hour: that hour still does not count
    [InlineData("2026-03-23T10:59:59.9999999+01:00", "2026-03-26T10:59:59.9999999+01:00", "2026-03-26T11:00:00+01:00")]
    public void Outer_bound_cases(string aware, string due, string outer)
    {
        var i = Confirmed(DateTimeOffset.Parse(aware, System.Globalization.CultureInfo.InvariantCulture));
        var d = Find(DeadlineCalculator.Compute(i.State, Rules("gdpr"), i.State.AwareAt!.Value), "gdpr", "notify-authority");
        Assert.Equal(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture), d.DueAt);
        Assert.Equal(DateTimeOffset.Parse(outer, System.Globalization.CultureInfo.InvariantCulture), d.OuterBoundAt);
    }

    [Fact]
    public void Weekend_does_not_extend_the_72_hours()
    {
        // Aware Friday 16:30 → due Monday 16:30, although Saturday and Sunday lie in between (Reg 1182/71 Art 3(4) is for days, not hours).
        var friday = new DateTimeOffset(2026, 6, 5, 16, 30, 0, TimeSpan.FromHours(2));
        var i = Confirmed(friday);
        var d = Find(DeadlineCalculator.Compute(i.State, Rules("gdpr"), friday), "gdpr", "notify-authority");
        Assert.Equal(new DateTimeOffset(2026, 6, 8, 16, 30, 0, TimeSpan.FromHours(2)), d.DueAt);
        Assert.Equal(DayOfWeek.Monday, d.DueAtLocal!.Value.DayOfWeek);
        Assert.Equal(new DateTimeOffset(2026, 6, 8, 17, 0, 0, TimeSpan.FromHours(2)), d.OuterBoundAt);
    }

    [Fact]
    public void Status_at_the_boundary_instants()
    {
        var i = Confirmed();
        var rules = Rules("gdpr");
        DeadlineStatus At(DateTimeOffset now) => Find(DeadlineCalculator.Compute(i.State, rules, now), "gdpr", "notify-authority").Status;
        var soon = Due - TimeSpan.FromHours(24);
        Assert.Equal(DeadlineStatus.Pending, At(soon - TimeSpan.FromTicks(1)));
        Assert.Equal(DeadlineStatus.DueSoon, At(soon));
        Assert.Equal(DeadlineStatus.DueSoon, At(Due - TimeSpan.FromTicks(1)));
        Assert.Equal(DeadlineStatus.DueSoon, At(Due));
        Assert.Equal(DeadlineStatus.Overdue, At(Due + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Due_soon_threshold_is_configurable()
    {
        var i = Confirmed();
        var rules = Rules(o => o.DueSoon = TimeSpan.FromHours(6));
        Assert.Equal(DeadlineStatus.Pending, Find(DeadlineCalculator.Compute(i.State, rules, Due - TimeSpan.FromHours(6) - TimeSpan.FromTicks(1)), "gdpr", "notify-authority").Status);
        Assert.Equal(DeadlineStatus.DueSoon, Find(DeadlineCalculator.Compute(i.State, rules, Due - TimeSpan.FromHours(6)), "gdpr", "notify-authority").Status);
    }

    [Fact]
    public void Suspected_incident_has_no_clock_yet()
    {
        var i = Incident.Report("inc-s", new IncidentDraft { Title = "Odd logins", DetectedAt = AwareAt }, Reporter, AwareAt.AddHours(1));
        var d = Find(DeadlineCalculator.Compute(i.State, Rules("gdpr"), AwareAt.AddHours(100)), "gdpr", "notify-authority");
        Assert.Equal(DeadlineStatus.Pending, d.Status);
        Assert.Null(d.DueAt);
        Assert.Null(d.DueAtLocal);
        Assert.Contains("confirmed", d.Reason);
    }

    [Fact]
    public void Data_subjects_without_undue_delay_have_no_due_instant_unless_an_internal_target_is_set()
    {
        var i = Confirmed();
        var d = Find(DeadlineCalculator.Compute(i.State, Rules("gdpr"), AwareAt), "gdpr", "notify-data-subjects");
        Assert.Equal(DeadlineStatus.Pending, d.Status);
        Assert.Equal(DeadlineBasis.UndueDelay, d.Basis);
        Assert.Null(d.DueAt);

        var target = Rules(o => o.UndueDelayTarget = TimeSpan.FromHours(96));
        var t = Find(DeadlineCalculator.Compute(i.State, target, AwareAt), "gdpr", "notify-data-subjects");
        Assert.Equal(DeadlineBasis.InternalTarget, t.Basis);
        Assert.Equal(AwareAt + TimeSpan.FromHours(96), t.DueAt);
        Assert.Null(t.OuterBoundAt);
    }

    [Fact]
    public void Authority_deadline_follows_the_recommendation_then_the_decision()
    {
        var i = Confirmed();
        var now = AwareAt.AddHours(1);
        var rules = Rules("gdpr");
        Assess(i, NoRiskFacts(), now);
        Assert.False(i.State.Assessment!.NotifyAuthority);
        var byEngine = Find(DeadlineCalculator.Compute(i.State, rules, now), "gdpr", "notify-authority");
        Assert.Equal(DeadlineStatus.NotRequired, byEngine.Status);
        Assert.Contains("engine", byEngine.Reason);
        Assert.Equal(Due, byEngine.DueAt); // still shown, for the record

        Decide(i, authority: true, subjects: false, now);
        Assert.Equal(DeadlineStatus.Pending, Find(DeadlineCalculator.Compute(i.State, rules, now), "gdpr", "notify-authority").Status);
        var subjects = Find(DeadlineCalculator.Compute(i.State, rules, now), "gdpr", "notify-data-subjects");
        Assert.Equal(DeadlineStatus.NotRequired, subjects.Status);
        Assert.Contains("decision", subjects.Reason);
    }

    [Fact]
    public void Dismissed_incident_requires_nothing()
    {
        var i = Confirmed();
        i.Dismiss("A test record, no personal data.", Dpo, AwareAt.AddHours(2));
        Assert.All(DeadlineCalculator.Compute(i.State, Rules("gdpr"), AwareAt.AddHours(2)), d => Assert.Equal(DeadlineStatus.NotRequired, d.Status));
    }

    [Fact]
    public void Processor_tells_the_controller_within_the_contract_deadline_and_does_not_notify_the_authority()
    {
        var i = Confirmed(role: ProcessingRole.Processor);
        var rules = Rules(o => o.ProcessorNotifyController = TimeSpan.FromHours(36));
        var list = DeadlineCalculator.Compute(i.State, rules, AwareAt);
        var controller = Find(list, "gdpr", "notify-controller");
        Assert.Equal(RecipientKind.Controllers, controller.Recipient);
        Assert.Equal(AwareAt + TimeSpan.FromHours(36), controller.DueAt);
        Assert.Null(controller.OuterBoundAt); // a contract deadline, not a legal period
        Assert.Equal(DeadlineStatus.Pending, controller.Status);
        var authority = Find(list, "gdpr", "notify-authority");
        Assert.Equal(DeadlineStatus.NotRequired, authority.Status);
        Assert.Contains("processor", authority.Reason);

        var defaults = Find(DeadlineCalculator.Compute(i.State, Rules("gdpr"), AwareAt), "gdpr", "notify-controller");
        Assert.Equal(AwareAt + TimeSpan.FromHours(24), defaults.DueAt);
        Assert.Equal(DeadlineStatus.NotRequired, Find(DeadlineCalculator.Compute(Confirmed().State, Rules("gdpr"), AwareAt), "gdpr", "notify-controller").Status);
    }

    [Fact]
    public void Nis2_chain_early_warning_notification_final_report()
    {
        var i = Confirmed();
        var rules = Rules("gdpr", "nis2");
        var list = DeadlineCalculator.Compute(i.State, rules, AwareAt);
        Assert.Equal(AwareAt + TimeSpan.FromHours(24), Find(list, "nis2", "early-warning").DueAt);
        Assert.Equal(AwareAt + TimeSpan.FromHours(72), Find(list, "nis2", "notification").DueAt);
        var final = Find(list, "nis2", "final-report");
        Assert.Null(final.DueAt);
        Assert.Equal(DeadlineStatus.Pending, final.Status);
        Assert.Contains("notification", final.Reason);

        // Early warning, then the notification on Tuesday 31 March 14:00 local: the final report is due a calendar month later.
        i.MarkNoticeSent(rules, RecipientKind.Authority, AwareAt.AddHours(20), "csirt-ew-1", Dpo, AwareAt.AddHours(20), regime: "nis2");
        var sent = new DateTimeOffset(2026, 3, 31, 14, 0, 0, TimeSpan.FromHours(2));
        var met = i.MarkNoticeSent(rules, RecipientKind.Authority, sent, "csirt-n-1", Dpo, sent, regime: "nis2");
        Assert.Equal("notification", Assert.Single(met).Obligation);
        list = DeadlineCalculator.Compute(i.State, rules, sent);
        Assert.Equal(DeadlineStatus.Met, Find(list, "nis2", "early-warning").Status);
        Assert.Equal(sent, Find(list, "nis2", "notification").MetAt);
        final = Find(list, "nis2", "final-report");
        // 31 March → April has no 31st: the last day of April (Reg 1182/71 Art 3(2)(c)), same local time.
        Assert.Equal(new DateTimeOffset(2026, 4, 30, 14, 0, 0, TimeSpan.FromHours(2)), final.DueAt);
        // Ends with the expiry of 30 April (a Thursday): 1 May 00:00 local.
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.FromHours(2)), final.OuterBoundAt);
        Assert.Equal(DeadlineStatus.Pending, final.Status);
        // The nis2-filtered notices did not touch GDPR.
        Assert.Null(Find(list, "gdpr", "notify-authority").MetAt);
    }

    [Fact]
    public void Month_outer_bound_rolls_over_a_weekend_and_crosses_dst_in_local_time()
    {
        // Notification Saturday 28 Feb 2026 09:00 CET → due Saturday 28 March 09:00 CET; the outer bound moves to the end of Monday 30 March (CEST).
        var anchor = new DateTimeOffset(2026, 2, 28, 9, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 9, 0, 0, TimeSpan.FromHours(1)), DeadlineCalculator.AddCalendarMonths(anchor, 1, Amsterdam));
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.FromHours(2)), DeadlineCalculator.MonthOuterBound(anchor, 1, Amsterdam));
        // Across the DST change the local clock time is kept (a calendar month is not 720 hours).
        var march = new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2026, 4, 10, 9, 0, 0, TimeSpan.FromHours(2)), DeadlineCalculator.AddCalendarMonths(march, 1, Amsterdam));
    }

    [Fact]
    public void Local_times_in_a_dst_gap_move_forward_and_repeated_times_take_the_earlier_instant()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 30, 0, TimeSpan.FromHours(2)), DeadlineCalculator.FromLocal(new DateTime(2026, 3, 29, 2, 30, 0), Amsterdam));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)), DeadlineCalculator.FromLocal(new DateTime(2026, 10, 25, 2, 30, 0), Amsterdam));
    }

    [Fact]
    public void Policy_promise_applies_to_an_unencrypted_confidentiality_breach_only()
    {
        var rules = Rules("gdpr", "policy");
        var now = AwareAt.AddHours(1);
        var noFacts = Find(DeadlineCalculator.Compute(Confirmed().State, rules, now), "policy", "notify-customers");
        Assert.Equal(DeadlineStatus.NotRequired, noFacts.Status);

        var leak = Confirmed();
        Assess(leak, LeakFacts(Protection.None), now);
        var d = Find(DeadlineCalculator.Compute(leak.State, rules, now), "policy", "notify-customers");
        Assert.Equal(DeadlineStatus.Pending, d.Status);
        Assert.Equal(Due, d.DueAt);
        Assert.Equal(RecipientKind.DataSubjects, d.Recipient);
        Assert.Null(d.OuterBoundAt);

        var encrypted = Confirmed();
        Assess(encrypted, LeakFacts(Protection.Encrypted), now);
        var e = Find(DeadlineCalculator.Compute(encrypted.State, rules, now), "policy", "notify-customers");
        Assert.Equal(DeadlineStatus.NotRequired, e.Status);
        Assert.Contains("encrypted", e.Reason);
    }

    [Fact]
    public void Late_authority_notice_needs_reasons_for_delay()
    {
        var i = Confirmed();
        var rules = Rules("gdpr");
        DeadlineCalculator.EnsureReasonsForDelay(i.State, rules, Due, null); // at the due instant: in time
        var ex = Assert.Throws<DomainValidationException>(() => DeadlineCalculator.EnsureReasonsForDelay(i.State, rules, Due + TimeSpan.FromTicks(1), "  "));
        Assert.Equal("reasonsForDelay", ex.Field);
        Assert.Contains("Art 33(1)", ex.Message);
        DeadlineCalculator.EnsureReasonsForDelay(i.State, rules, Due + TimeSpan.FromTicks(1), "The breach was only understood after forensic imaging.");
        var tooLong = Assert.Throws<DomainValidationException>(() => DeadlineCalculator.EnsureReasonsForDelay(i.State, rules, Due, new string('x', DeadlineCalculator.MaxReasonsLength + 1)));
        Assert.Equal("reasonsForDelay", tooLong.Field);

        // Once the authority has been notified (in time), a late follow-up needs no reasons (Art 33(4) phases).
        i.MarkNoticeSent(rules, RecipientKind.Authority, Due, "AP-2026-1", Dpo, Due);
        DeadlineCalculator.EnsureReasonsForDelay(i.State, rules, Due.AddDays(3), null);
    }

    [Fact]
    public void Mark_notice_sent_meets_matching_obligations_once_and_goes_on_the_timeline()
    {
        var i = Confirmed();
        var rules = Rules("gdpr", "policy");
        var before = i.NewEntries.Count;
        var at = AwareAt.AddHours(30);
        var met = i.MarkNoticeSent(rules, RecipientKind.DataSubjects, at, "notice-42", Dpo, at.AddMinutes(1));
        Assert.Equal(["gdpr/notify-data-subjects", "policy/notify-customers"], met.Select(m => $"{m.Regime}/{m.Obligation}").ToArray());
        Assert.Equal(before + 1, i.NewEntries.Count);
        Assert.Equal("obligations-met", i.NewEntries[^1].Action);
        Assert.Equal("notice-42", i.NewEntries[^1].Note);

        Assert.Empty(i.MarkNoticeSent(rules, RecipientKind.DataSubjects, at, "notice-42", Dpo, at.AddMinutes(2)));
        Assert.Equal(before + 1, i.NewEntries.Count);
        var list = DeadlineCalculator.Compute(i.State, rules, at.AddHours(100));
        Assert.Equal(DeadlineStatus.Met, Find(list, "policy", "notify-customers").Status);
        Assert.Equal(at, Find(list, "policy", "notify-customers").MetAt);
        Assert.Equal(DeadlineStatus.Overdue, Find(list, "gdpr", "notify-authority").Status);

        var future = Assert.Throws<DomainValidationException>(() => i.MarkNoticeSent(rules, RecipientKind.Authority, at.AddHours(1), null, Dpo, at));
        Assert.Equal("sentAt", future.Field);
    }
}
