using BreachNotify.Application.Deadlines;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using static BreachNotify.Application.Tests.Deadlines.DeadlineTestSupport;

namespace BreachNotify.Application.Tests.Deadlines;

/// <summary>
/// The calculator's contract beyond the shipped regimes: exact reasons, zones whose hours do not start on UTC's,
/// phased regimes with reasons for delay, anchors on another recipient's notice, skipped local times.
/// </summary>
public sealed class DeadlineCalculatorTests
{
    private static readonly DateTimeOffset Due = new(2026, 3, 30, 9, 15, 0, TimeSpan.Zero);

    [Fact]
    public void Arguments_are_required()
    {
        Assert.Equal("state", Assert.Throws<ArgumentNullException>(() => DeadlineCalculator.Compute(null!, Rules("gdpr"), AwareAt)).ParamName);
        Assert.Equal("rules", Assert.Throws<ArgumentNullException>(() => DeadlineCalculator.Compute(Confirmed().State, null!, AwareAt)).ParamName);
    }

    [Fact]
    public void Reasons_are_exact_and_carry_nothing_extra()
    {
        var list = DeadlineCalculator.Compute(Confirmed().State, Rules("gdpr"), AwareAt);
        Assert.Equal("We act as controller: there is no controller-customer to tell.", Find(list, "gdpr", "notify-controller").Reason);
        Assert.Equal("Without undue delay: the rule sets no fixed period.", Find(list, "gdpr", "notify-data-subjects").Reason);
        Assert.Null(Find(list, "gdpr", "notify-authority").Reason);

        var dismissed = Confirmed();
        dismissed.Dismiss("A test record, no personal data.", Dpo, AwareAt.AddHours(2));
        Assert.All(DeadlineCalculator.Compute(dismissed.State, Rules("gdpr"), AwareAt.AddHours(2)),
            d => Assert.Equal("Dismissed: not a personal data breach.", d.Reason));
    }

    [Fact]
    public void Outer_bound_starts_at_the_next_local_hour_in_a_half_hour_zone()
    {
        // 09:15 UTC is 14:45 in Kolkata (+05:30): the next local hour is 15:00 IST = 09:30 UTC, not 10:00 UTC.
        var kolkata = new DeadlineOptions { EnabledRegimes = ["gdpr"] }.BuildRules(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        var d = Find(DeadlineCalculator.Compute(Confirmed().State, kolkata, AwareAt), "gdpr", "notify-authority");
        Assert.Equal(Due, d.DueAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 9, 30, 0, TimeSpan.Zero), d.OuterBoundAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 14, 45, 0, TimeSpan.FromHours(5.5)), d.DueAtLocal);
        Assert.Equal(TimeSpan.FromHours(5.5), d.DueAtLocal!.Value.Offset);
    }

    [Fact]
    public void Reasons_for_delay_may_be_20000_characters_and_no_more()
    {
        var i = Confirmed();
        var rules = Rules("gdpr");
        DeadlineCalculator.EnsureReasonsForDelay(i.State, rules, Due + TimeSpan.FromTicks(1), new string('x', DeadlineCalculator.MaxReasonsLength));
        var ex = Assert.Throws<DomainValidationException>(() => DeadlineCalculator.EnsureReasonsForDelay(i.State, rules, Due, new string('x', DeadlineCalculator.MaxReasonsLength + 1)));
        Assert.Equal("reasonsForDelay: At most 20000 characters.", ex.Message);
    }

    [Fact]
    public void Reasons_for_delay_can_be_checked_for_one_regime()
    {
        var i = Confirmed();
        var rules = Rules("gdpr", "uk-gdpr");
        var late = Due + TimeSpan.FromTicks(1);
        Assert.Equal(["gdpr", "uk-gdpr"], DeadlineCalculator.LateObligationsRequiringReasons(i.State, rules, late).Select(d => d.Regime).ToArray());
        var uk = Assert.Single(DeadlineCalculator.LateObligationsRequiringReasons(i.State, rules, late, "uk-gdpr"));
        Assert.Equal(("uk-gdpr", "notify-authority", Due), (uk.Regime, uk.Obligation, uk.DueAt!.Value));
        i.MarkNoticeSent(rules, RecipientKind.Authority, Due, "ico-1", Dpo, Due, regime: "uk-gdpr");
        Assert.Empty(DeadlineCalculator.LateObligationsRequiringReasons(i.State, rules, late, "uk-gdpr"));
        Assert.Single(DeadlineCalculator.LateObligationsRequiringReasons(i.State, rules, late, "gdpr"));
    }

    /// <summary>A DORA-like regime: an initial report within 4 h and an intermediate one within 72 h, both requiring reasons when late.</summary>
    private static DeadlineRules Phased() => Rules(o =>
    {
        o.EnabledRegimes = ["phased"];
        o.Regimes["phased"] = new RegimeOptions
        {
            Obligations =
            [
                new() { Id = "initial", Recipient = "authority", Within = TimeSpan.FromHours(4), RequiresReasonsForDelay = true, Source = "initial report" },
                new() { Id = "intermediate", Recipient = "authority", Within = TimeSpan.FromHours(72), RequiresReasonsForDelay = true, Source = "intermediate report" },
            ],
        };
    });

    [Fact]
    public void A_later_phase_is_judged_by_its_own_deadline()
    {
        var i = Confirmed();
        var rules = Phased();
        var lateForInitial = AwareAt.AddHours(5);
        Assert.Equal("initial", Assert.Single(DeadlineCalculator.LateObligationsRequiringReasons(i.State, rules, lateForInitial)).Obligation);
        i.MarkNoticeSent(rules, RecipientKind.Authority, AwareAt.AddHours(3), "initial-1", Dpo, AwareAt.AddHours(3));
        // The next notice meets the intermediate report, due at 72 h: at 5 h it is in time although the initial deadline has passed.
        Assert.Empty(DeadlineCalculator.LateObligationsRequiringReasons(i.State, rules, lateForInitial));
        DeadlineCalculator.EnsureReasonsForDelay(i.State, rules, lateForInitial, null);
        var late = Assert.Single(DeadlineCalculator.LateObligationsRequiringReasons(i.State, rules, Due + TimeSpan.FromTicks(1)));
        Assert.Equal("intermediate", late.Obligation);
    }

    [Fact]
    public void An_obligation_anchored_on_another_recipients_notice_waits_for_it()
    {
        var rules = Rules(o =>
        {
            o.EnabledRegimes = ["contract"];
            o.Regimes["contract"] = new RegimeOptions
            {
                Obligations =
                [
                    new() { Id = "tell-controller", Recipient = "controllers", Within = TimeSpan.FromHours(24), Legal = false, Source = "contract" },
                    new() { Id = "report-authority", Recipient = "authority", Within = TimeSpan.FromHours(48), Anchor = "tell-controller", Source = "contract" },
                ],
            };
        });
        var i = Confirmed();
        var regime = rules.FindRegime("contract")!;
        Assert.Null(DeadlineCalculator.NextToMeet(i.State, regime, RecipientKind.Authority));
        Assert.Empty(i.MarkNoticeSent(rules, RecipientKind.Authority, AwareAt.AddHours(1), "early", Dpo, AwareAt.AddHours(1)));

        var told = AwareAt.AddHours(10);
        i.MarkNoticeSent(rules, RecipientKind.Controllers, told, "ctl-1", Dpo, told);
        Assert.Equal("report-authority", DeadlineCalculator.NextToMeet(i.State, regime, RecipientKind.Authority)!.Id);
        var report = Find(DeadlineCalculator.Compute(i.State, rules, told), "contract", "report-authority");
        Assert.Equal(told + TimeSpan.FromHours(48), report.DueAt);
        Assert.Equal(DeadlineStatus.Pending, report.Status);
    }

    [Fact]
    public void A_skipped_local_time_moves_forward_by_the_gap_also_where_the_zone_offset_itself_changed()
    {
        // Lord Howe's 30-minute DST: 02:15 does not exist on 4 October 2026 → 02:45 (+11:00).
        var lordHowe = TimeZoneInfo.FindSystemTimeZoneById("Australia/Lord_Howe");
        Assert.Equal(new DateTimeOffset(2026, 10, 4, 2, 45, 0, TimeSpan.FromHours(11)), DeadlineCalculator.FromLocal(new DateTime(2026, 10, 4, 2, 15, 0), lordHowe));
        // Rarotonga, 12 November 1978: the clocks went from 00:00 (−10:30) to 00:30 (−09:30); .NET reads the skipped
        // 00:15 with the zone's base offset (−10:00), which would land before the gap. Read with the offset in force before it.
        var rarotonga = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Rarotonga");
        Assert.Equal(new DateTimeOffset(1978, 11, 12, 10, 45, 0, TimeSpan.Zero), DeadlineCalculator.FromLocal(new DateTime(1978, 11, 12, 0, 15, 0), rarotonga));
    }
}
