using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

public class ExemptionTests
{
    [Fact]
    public void Codes_are_the_contract_values()
    {
        Assert.Equal("art34-3-a", Art34Exemptions.Unintelligible);
        Assert.Equal("art34-3-b", Art34Exemptions.SubsequentMeasures);
        Assert.Equal("art34-3-c", Art34Exemptions.DisproportionateEffort);
    }

    [Fact]
    public void A_unintelligible_data_is_listed_and_nothing_is_notified()
    {
        var a = RiskEngine.Assess(Attack(5000, DataCategory.Contact, DataCategory.Health) with { Protection = Protection.Encrypted });
        Assert.Equal([Art34Exemptions.Unintelligible], a.Exemptions);
        Assert.Equal(RiskLevel.Unlikely, a.Risk);
        Assert.False(a.NotifyAuthority);
        Assert.False(a.NotifyDataSubjects);
        Assert.True(a.Fired(Art34Exemptions.Unintelligible));
    }

    [Fact]
    public void A_does_not_cover_high_risk_from_lost_availability()
    {
        var a = RiskEngine.Assess(Facts([BreachType.Confidentiality, BreachType.Availability], [DataCategory.Health], 100) with
        {
            Protection = Protection.Encrypted, Exposure = Exposure.UnknownRecipients, AvailabilityImpact = AvailabilityImpact.Severe,
        });
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.Empty(a.Exemptions);
        Assert.True(a.NotifyDataSubjects);
        Assert.True(a.Fired("art34-3-a-not-applicable"));
    }

    [Fact]
    public void B_contained_misdirection_of_health_data_stays_high_but_is_exempt()
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Contact, DataCategory.Health) with
        {
            DataSubjects = 3, Exposure = Exposure.KnownRecipients, Contained = true,
        });
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.True(a.NotifyAuthority);
        Assert.False(a.NotifyDataSubjects);
        Assert.False(a.PublicCommunication);
        Assert.Equal([Art34Exemptions.SubsequentMeasures], a.Exemptions);
    }

    [Fact]
    public void B_stolen_device_remotely_wiped()
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Contact, DataCategory.OfficialId) with
        {
            DataSubjects = 200, Exposure = Exposure.UnknownRecipients, Exfiltration = Exfiltration.Unknown,
            MaliciousIntent = true, Contained = true,
        });
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.Equal([Art34Exemptions.SubsequentMeasures], a.Exemptions);
        Assert.False(a.NotifyDataSubjects);
    }

    [Fact]
    public void B_is_not_available_once_a_copy_is_confirmed_in_hostile_hands()
    {
        var a = RiskEngine.Assess(Attack(200, DataCategory.OfficialId) with { Contained = true });
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.Empty(a.Exemptions);
        Assert.True(a.NotifyDataSubjects);
    }

    [Fact]
    public void B_does_not_cover_high_risk_from_permanent_loss()
    {
        var a = RiskEngine.Assess(Facts([BreachType.Confidentiality, BreachType.Availability], [DataCategory.Contact], 20) with
        {
            Exposure = Exposure.KnownRecipients, Contained = true, AvailabilityImpact = AvailabilityImpact.Permanent,
        });
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.Empty(a.Exemptions);
        Assert.True(a.NotifyDataSubjects);
        Assert.True(a.Fired("art34-3-b-not-applicable"));
    }

    [Fact]
    public void C_disproportionate_effort_gives_public_communication()
    {
        var a = RiskEngine.Assess(Attack(200_000, DataCategory.Contact, DataCategory.Identity) with { DisproportionateEffort = true });
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.True(a.NotifyAuthority);
        Assert.False(a.NotifyDataSubjects);
        Assert.True(a.PublicCommunication);
        Assert.Equal([Art34Exemptions.DisproportionateEffort], a.Exemptions);
    }

    [Fact]
    public void C_only_applies_when_communication_is_owed()
    {
        var notHigh = RiskEngine.Assess(Conf(DataCategory.Contact) with { Exposure = Exposure.KnownRecipients, DisproportionateEffort = true });
        Assert.Equal(RiskLevel.Risk, notHigh.Risk);
        Assert.Empty(notHigh.Exemptions);
        Assert.False(notHigh.PublicCommunication);

        var exemptByB = RiskEngine.Assess(Conf(DataCategory.Health) with
        {
            Exposure = Exposure.KnownRecipients, Contained = true, DisproportionateEffort = true,
        });
        Assert.Equal([Art34Exemptions.SubsequentMeasures], exemptByB.Exemptions);
        Assert.False(exemptByB.PublicCommunication);
    }

    [Fact]
    public void Invariant_exemption_means_no_individual_notice()
    {
        foreach (var row in RiskRuleTests.RuleCases.Concat(EdpbCaseTests.EdpbCases).Concat(EdpbCaseTests.BriefCases))
        {
            var a = RiskEngine.Assess((BreachFacts)row[1]);
            if (a.Exemptions.Count > 0)
            {
                Assert.False(a.NotifyDataSubjects);
            }
            Assert.Equal(a.Exemptions.Contains(Art34Exemptions.DisproportionateEffort), a.PublicCommunication);
            if (a.NotifyDataSubjects || a.PublicCommunication)
            {
                Assert.Equal(RiskLevel.High, a.Risk);
            }
        }
    }
}
