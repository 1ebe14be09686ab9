using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>Value equality of the decision and "decides as" (the four parts of the outcome only).</summary>
public class RiskAssessmentTests
{
    private static readonly RiskAssessment Base = RiskEngine.Assess(Conf(DataCategory.Contact, DataCategory.Health) with
    {
        DataSubjects = 3, Exposure = Exposure.KnownRecipients, Contained = true,
    });

    public static TheoryData<string, RiskAssessment> EachPartChanged => new()
    {
        { "severity", Base with { Severity = Base.Severity with { Score = Base.Severity.Score + 1 } } },
        { "risk", Base with { Risk = RiskLevel.Risk } },
        { "notifyAuthority", Base with { NotifyAuthority = !Base.NotifyAuthority } },
        { "notifyDataSubjects", Base with { NotifyDataSubjects = !Base.NotifyDataSubjects } },
        { "publicCommunication", Base with { PublicCommunication = !Base.PublicCommunication } },
        { "exemptions", Base with { Exemptions = [] } },
        { "reasons", Base with { Reasons = [.. Base.Reasons.Skip(1)] } },
        { "engineVersion", Base with { EngineVersion = "2026.11.1" } },
    };

    [Theory]
    [MemberData(nameof(EachPartChanged))]
    public void Every_part_takes_part_in_equality(string part, RiskAssessment changed)
    {
        Assert.NotEqual(Base, changed);
        Assert.False(Base.Equals(changed), part);
        Assert.False(changed.Equals(Base), part);
        Assert.NotEqual(Base.GetHashCode(), changed.GetHashCode());
    }

    [Theory]
    [MemberData(nameof(EachPartChanged))]
    public void Only_the_outcome_counts_for_decides_as(string part, RiskAssessment changed)
    {
        var outcome = part is "risk" or "notifyAuthority" or "notifyDataSubjects" or "publicCommunication";
        Assert.Equal(!outcome, Base.DecidesAs(changed));
        Assert.Equal(!outcome, changed.DecidesAs(Base));
    }

    [Fact]
    public void Equal_copies_are_equal_with_equal_hashes()
    {
        var copy = Base with { Exemptions = [.. Base.Exemptions], Reasons = [.. Base.Reasons] };
        Assert.Equal(Base, copy);
        Assert.Equal(Base.GetHashCode(), copy.GetHashCode());
        Assert.True(Base.DecidesAs(copy));
        Assert.False(Base.Equals(null));
        Assert.NotEqual(Base.GetHashCode(), (Base with { Reasons = [.. Base.Reasons, "x"] }).GetHashCode());
        Assert.NotEqual(Base.GetHashCode(), (Base with { Exemptions = [] }).GetHashCode());
    }

    [Fact]
    public void Decides_as_needs_an_assessment() =>
        Assert.Throws<ArgumentNullException>(() => Base.DecidesAs(null!));
}
