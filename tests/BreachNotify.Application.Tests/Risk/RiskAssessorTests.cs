using BreachNotify.Application.Risk;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Tests.Risk;

public class RiskAssessorTests
{
    /// <summary>Card data to one recipient bound by confidentiality who confirmed deletion: unlikely with engine 2026.12.1.</summary>
    private static readonly BreachFacts Facts = new()
    {
        BreachTypes = [BreachType.Confidentiality], DataCategories = [DataCategory.Contact, DataCategory.PaymentCard], DataSubjects = 12,
        Exposure = Exposure.TrustedRecipient, Recipients = 1, Contained = true,
    };

    [Fact]
    public void Answer_is_the_assessment_with_its_what_if()
    {
        var answer = RiskAssessor.Answer(Facts);
        Assert.Equal(RiskEngine.Assess(Facts), answer.Assessment);
        Assert.Equal(RiskEngine.WhatIf(Facts), answer.WhatIf);
        Assert.NotEmpty(answer.WhatIf);
    }

    [Fact]
    public void Answer_names_the_nested_field_of_invalid_facts()
    {
        var ex = Assert.Throws<DomainValidationException>(() => RiskAssessor.Answer(Facts with { Recipients = 0 }, "facts."));
        Assert.Contains(ex.Errors, e => e.Field == "facts.recipients");
    }

    [Fact]
    public void A_stored_assessment_the_current_engine_agrees_with_gets_the_current_what_if()
    {
        // Same decision from an older engine (reasons worded differently): no drift.
        var stored = RiskEngine.Assess(Facts) with { EngineVersion = "2026.11.1", Reasons = ["[recipient-contained] older wording"] };
        var review = RiskAssessor.Review(Facts, stored);
        Assert.False(review.CurrentEngineDiffers);
        Assert.Null(review.Current);
        Assert.Same(stored, review.Stored);
        Assert.Equal(RiskEngine.WhatIf(Facts), review.WhatIf);
    }

    [Fact]
    public void A_stored_assessment_the_current_engine_decides_differently_is_kept_beside_the_current_answer()
    {
        // What 2026.11.1 decided: high (ENISA very high), exempt by confirmed deletion.
        var stored = RiskEngine.Assess(Facts) with { Risk = RiskLevel.High, NotifyAuthority = true, EngineVersion = "2026.11.1" };
        var review = RiskAssessor.Review(Facts, stored);
        Assert.True(review.CurrentEngineDiffers);
        Assert.Same(stored, review.Stored);
        Assert.Empty(review.WhatIf);
        Assert.Equal(RiskLevel.Unlikely, review.Current!.Assessment.Risk);
        Assert.Equal(RiskEngine.Version, review.Current.Assessment.EngineVersion);
        Assert.Equal(RiskEngine.WhatIf(Facts), review.Current.WhatIf);
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    public void Any_notice_that_differs_is_drift(bool notifyAuthority, bool notifyDataSubjects, bool publicCommunication)
    {
        var current = RiskEngine.Assess(Facts);
        var stored = current with { NotifyAuthority = notifyAuthority, NotifyDataSubjects = notifyDataSubjects, PublicCommunication = publicCommunication };
        Assert.True(RiskAssessor.Review(Facts, stored).CurrentEngineDiffers);
    }

    [Fact]
    public void Review_needs_a_stored_assessment() =>
        Assert.Throws<ArgumentNullException>(() => RiskAssessor.Review(Facts, null!));
}
