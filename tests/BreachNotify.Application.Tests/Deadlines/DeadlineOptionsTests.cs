using BreachNotify.Application.Deadlines;
using BreachNotify.Domain.Deadlines;
using static BreachNotify.Application.Tests.Deadlines.DeadlineTestSupport;

namespace BreachNotify.Application.Tests.Deadlines;

public sealed class DeadlineOptionsTests
{
    [Fact]
    public void Defaults_enable_gdpr_with_its_obligations()
    {
        var rules = new DeadlineOptions().BuildRules(Amsterdam);
        var gdpr = Assert.Single(rules.Regimes);
        Assert.Equal("gdpr", gdpr.Id);
        Assert.Equal(["notify-authority", "notify-data-subjects", "public-communication", "notify-controller"], gdpr.Obligations.Select(o => o.Id).ToArray());
        Assert.Equal(TimeSpan.FromHours(24), rules.DueSoon);
        Assert.Equal(ReminderPolicy.DefaultThresholds, new DeadlineOptions().BuildReminderPolicy().Thresholds);
        Assert.Empty(new DeadlineOptions().Validate(Amsterdam));
    }

    [Fact]
    public void A_configured_regime_is_added_and_a_built_in_one_can_be_replaced()
    {
        var o = new DeadlineOptions { EnabledRegimes = ["gdpr", "dora"] };
        o.Regimes["dora"] = new RegimeOptions
        {
            Name = "DORA",
            Obligations =
            [
                new() { Id = "initial", Recipient = "authority", Within = TimeSpan.FromHours(24), Source = "DORA Art 19; RTS: 24 h after awareness" },
                new() { Id = "intermediate", Recipient = "authority", Within = TimeSpan.FromHours(72), Anchor = "initial", Source = "DORA RTS: 72 h after the initial notification" },
            ],
        };
        o.Regimes["gdpr"] = new RegimeOptions { Obligations = [new() { Id = "notify-authority", Recipient = "authority", Within = TimeSpan.FromHours(96), RequiresReasonsForDelay = true, Source = "Digital Omnibus proposal (if adopted)" }] };
        var rules = o.BuildRules(Amsterdam);
        Assert.Equal(["gdpr", "dora"], rules.Regimes.Select(r => r.Id).ToArray());
        Assert.Equal(TimeSpan.FromHours(96), rules.FindRegime("gdpr")!.Obligations.Single().Period.Elapsed);
        Assert.Equal("initial", rules.FindRegime("dora")!.Obligations[1].Anchor);
    }

    [Fact]
    public void Every_problem_is_reported()
    {
        var o = new DeadlineOptions { EnabledRegimes = ["gdpr", "nope", "bad"], ReminderThresholds = [TimeSpan.Zero] };
        o.Regimes["bad"] = new RegimeOptions
        {
            Obligations =
            [
                new() { Id = "a", Recipient = "regulator", Within = TimeSpan.FromHours(1), AppliesWhen = ["full-moon"], Source = "x" },
                new() { Id = "b", Recipient = "authority", Within = TimeSpan.FromHours(1), WithinMonths = 1, Anchor = "c", Source = "" },
                new() { Id = "c", Recipient = "authority", Within = TimeSpan.FromHours(-1), Source = "x" },
            ],
        };
        var problems = string.Join("\n", o.Validate(Amsterdam));
        Assert.Contains("ReminderThresholds", problems);
        Assert.Contains("'nope' is not defined", problems);
        Assert.Contains("recipient 'regulator'", problems);
        Assert.Contains("unknown condition 'full-moon'", problems);
        // Domain-level problems are reported once the configuration-level ones are fixed.
        o.EnabledRegimes = ["bad"];
        o.Regimes["bad"].Obligations[0].Recipient = "authority";
        o.Regimes["bad"].Obligations[0].AppliesWhen = [];
        problems = string.Join("\n", o.Validate(Amsterdam));
        Assert.Contains("hours or months, not both", problems);
        Assert.Contains("needs a source", problems);
        Assert.Contains("period must be positive", problems);
        Assert.Contains("anchored on 'c', which is not an earlier obligation", problems);
    }
}
