using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

public class EnisaSeverityTests
{
    [Theory]
    [InlineData("0.25", SeverityLevel.Low)]
    [InlineData("1.99", SeverityLevel.Low)]
    [InlineData("2.0", SeverityLevel.Medium)]
    [InlineData("2", SeverityLevel.Medium)]
    [InlineData("2.99", SeverityLevel.Medium)]
    [InlineData("3.0", SeverityLevel.High)]
    [InlineData("3.99", SeverityLevel.High)]
    [InlineData("4.0", SeverityLevel.VeryHigh)]
    [InlineData("6", SeverityLevel.VeryHigh)]
    public void Band_boundaries_are_exact(string score, SeverityLevel expected) =>
        Assert.Equal(expected, EnisaSeverity.Band(D(score)));

    [Theory]
    [InlineData(DataCategory.Contact, 1)]
    [InlineData(DataCategory.Identity, 1)]
    [InlineData(DataCategory.Education, 1)]
    [InlineData(DataCategory.Employment, 1)]
    [InlineData(DataCategory.OfficialId, 2)]
    [InlineData(DataCategory.Usage, 2)]
    [InlineData(DataCategory.Location, 2)]
    [InlineData(DataCategory.Credentials, 2)]
    [InlineData(DataCategory.Communications, 3)]
    [InlineData(DataCategory.Financial, 3)]
    [InlineData(DataCategory.PaymentCard, 4)]
    [InlineData(DataCategory.Health, 4)]
    [InlineData(DataCategory.SpecialCategory, 4)]
    [InlineData(DataCategory.Criminal, 4)]
    public void Base_dpc_per_category(DataCategory category, int expected)
    {
        Assert.Equal(expected, EnisaSeverity.BaseDataProcessingContext(category));
        Assert.Equal((decimal)expected, EnisaSeverity.DataProcessingContext(Conf(category)));
    }

    [Fact]
    public void An_unknown_category_has_no_dpc()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => EnisaSeverity.BaseDataProcessingContext((DataCategory)99));
        Assert.Equal("category", ex.ParamName);
        Assert.StartsWith("Unknown data category.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_category_has_a_base_dpc() =>
        Assert.All(Enum.GetValues<DataCategory>(), c => Assert.InRange(EnisaSeverity.BaseDataProcessingContext(c), 1, 4));

    [Theory]
    [InlineData(DataCategory.Contact, 2)]
    [InlineData(DataCategory.Usage, 3)]
    [InlineData(DataCategory.Financial, 4)]
    [InlineData(DataCategory.Health, 4)]
    [InlineData(DataCategory.PaymentCard, 4)]
    public void Vulnerable_subjects_add_one_clamped_to_four(DataCategory category, int expected) =>
        Assert.Equal((decimal)expected, EnisaSeverity.DataProcessingContext(Conf(category) with { VulnerableSubjects = true }));

    [Fact]
    public void Dpc_takes_the_highest_category() =>
        Assert.Equal(3m, EnisaSeverity.DataProcessingContext(Conf(DataCategory.Contact, DataCategory.Usage, DataCategory.Financial)));

    [Theory]
    [InlineData(Protection.Encrypted, false, DataCategory.Contact, "0.25")]
    [InlineData(Protection.Hashed, false, DataCategory.Credentials, "0.25")]
    [InlineData(Protection.Pseudonymised, false, DataCategory.Health, "0.5")]
    [InlineData(Protection.None, false, DataCategory.Contact, "1.0")]
    [InlineData(Protection.None, false, DataCategory.Health, "0.75")]
    [InlineData(Protection.Encrypted, true, DataCategory.Contact, "1.0")]
    [InlineData(Protection.Hashed, true, DataCategory.Credentials, "0.75")]
    [InlineData(Protection.Pseudonymised, true, DataCategory.Identity, "1.0")]
    public void Ease_of_identification(Protection protection, bool compromised, DataCategory category, string expected) =>
        Assert.Equal(D(expected), EnisaSeverity.EaseOfIdentification(
            Conf(category) with { Protection = protection, ProtectionCompromised = compromised }));

    [Theory]
    [InlineData(DataCategory.Contact, true)]
    [InlineData(DataCategory.Identity, true)]
    [InlineData(DataCategory.OfficialId, true)]
    [InlineData(DataCategory.PaymentCard, true)]
    [InlineData(DataCategory.Communications, true)]
    [InlineData(DataCategory.Employment, true)]
    [InlineData(DataCategory.Financial, false)]
    [InlineData(DataCategory.Usage, false)]
    [InlineData(DataCategory.Location, false)]
    [InlineData(DataCategory.Credentials, false)]
    [InlineData(DataCategory.Education, false)]
    [InlineData(DataCategory.Health, false)]
    [InlineData(DataCategory.SpecialCategory, false)]
    [InlineData(DataCategory.Criminal, false)]
    public void Directly_identifying_categories(DataCategory category, bool expected) =>
        Assert.Equal(expected, EnisaSeverity.IsDirectlyIdentifying(category));

    [Theory]
    [InlineData(Exposure.None, Exfiltration.RuledOut, "0")]
    [InlineData(Exposure.TrustedRecipient, Exfiltration.RuledOut, "0.25")]
    [InlineData(Exposure.KnownRecipients, Exfiltration.RuledOut, "0.25")]
    [InlineData(Exposure.UnknownRecipients, Exfiltration.RuledOut, "0.5")]
    [InlineData(Exposure.None, Exfiltration.Unknown, "0.25")]
    [InlineData(Exposure.None, Exfiltration.Confirmed, "0.5")]
    [InlineData(Exposure.KnownRecipients, Exfiltration.Confirmed, "0.5")]
    [InlineData(Exposure.UnknownRecipients, Exfiltration.Confirmed, "0.5")]
    public void Confidentiality_circumstance(Exposure exposure, Exfiltration exfiltration, string expected) =>
        Assert.Equal(D(expected), EnisaSeverity.ConfidentialityCircumstance(
            Conf(DataCategory.Contact) with { Exposure = exposure, Exfiltration = exfiltration }));

    [Theory]
    [InlineData(IntegrityImpact.None, "0")]
    [InlineData(IntegrityImpact.Recovered, "0")]
    [InlineData(IntegrityImpact.Recoverable, "0.25")]
    [InlineData(IntegrityImpact.Unrecoverable, "0.5")]
    public void Integrity_circumstance(IntegrityImpact impact, string expected) =>
        Assert.Equal(D(expected), EnisaSeverity.IntegrityCircumstance(impact));

    [Theory]
    [InlineData(AvailabilityImpact.None, "0")]
    [InlineData(AvailabilityImpact.RestoredQuickly, "0")]
    [InlineData(AvailabilityImpact.Delayed, "0.25")]
    [InlineData(AvailabilityImpact.Severe, "0.25")]
    [InlineData(AvailabilityImpact.Permanent, "0.5")]
    public void Availability_circumstance(AvailabilityImpact impact, string expected) =>
        Assert.Equal(D(expected), EnisaSeverity.AvailabilityCircumstance(impact));

    [Fact]
    public void Circumstances_add_up_with_malicious_intent()
    {
        var facts = Facts([BreachType.Confidentiality, BreachType.Integrity, BreachType.Availability], [DataCategory.Health]) with
        {
            Exposure = Exposure.UnknownRecipients,
            IntegrityImpact = IntegrityImpact.Unrecoverable,
            AvailabilityImpact = AvailabilityImpact.Permanent,
            MaliciousIntent = true,
        };
        Assert.Equal(2.0m, EnisaSeverity.Circumstances(facts));
        var se = EnisaSeverity.Compute(facts);
        Assert.Equal(new SeverityScore(5.0m, SeverityLevel.VeryHigh, 4m, 0.75m, 2.0m), se);
    }

    // Worked illustrations of SE = DPC × EI + CB (docs/risk-engine.md, "ENISA tables"; our own, not examples from the paper).
    [Fact]
    public void Mailing_list_exfiltrated_and_posted_is_2_0_medium() =>
        Assert.Equal(new SeverityScore(2.0m, SeverityLevel.Medium, 1m, 1m, 1.0m),
            EnisaSeverity.Compute(Conf(DataCategory.Contact) with { Exposure = Exposure.UnknownRecipients, MaliciousIntent = true }));

    [Fact]
    public void Mailing_list_emailed_to_three_known_clients_is_1_25_low() =>
        Assert.Equal(new SeverityScore(1.25m, SeverityLevel.Low, 1m, 1m, 0.25m),
            EnisaSeverity.Compute(Conf(DataCategory.Contact) with { Exposure = Exposure.KnownRecipients, DataSubjects = 3 }));

    [Fact]
    public void Patient_results_published_is_5_0_very_high() =>
        Assert.Equal(new SeverityScore(5.0m, SeverityLevel.VeryHigh, 4m, 1m, 1.0m),
            EnisaSeverity.Compute(Conf(DataCategory.Contact, DataCategory.Health) with { Exposure = Exposure.UnknownRecipients, MaliciousIntent = true }));

    // Facts that land exactly on and just below each band boundary (scores move in steps of 0.0625 at most,
    // so 1.99/2.99/3.99 are covered by the band test above).
    public static TheoryData<string, BreachFacts, string, SeverityLevel> BoundaryFacts => new()
    {
        { "1.75 low", Conf(DataCategory.Contact) with { Exposure = Exposure.KnownRecipients, MaliciousIntent = true }, "1.75", SeverityLevel.Low },
        { "2.0 medium", Conf(DataCategory.Contact, DataCategory.Usage), "2.0", SeverityLevel.Medium },
        { "2.75 medium", Conf(DataCategory.Contact, DataCategory.Usage) with { Exposure = Exposure.KnownRecipients, MaliciousIntent = true }, "2.75", SeverityLevel.Medium },
        { "3.0 high", Conf(DataCategory.Contact, DataCategory.Financial), "3.0", SeverityLevel.High },
        { "3.75 high", Conf(DataCategory.Contact, DataCategory.Financial) with { Exposure = Exposure.KnownRecipients, MaliciousIntent = true }, "3.75", SeverityLevel.High },
        { "4.0 very high", Conf(DataCategory.PaymentCard), "4.0", SeverityLevel.VeryHigh },
        { "0.25 minimum", Avail(DataCategory.Contact) with { Protection = Protection.Encrypted }, "0.25", SeverityLevel.Low },
        { "6.0 maximum", Facts([BreachType.Confidentiality, BreachType.Integrity, BreachType.Availability], [DataCategory.Contact, DataCategory.Criminal]) with
            {
                Exposure = Exposure.UnknownRecipients, IntegrityImpact = IntegrityImpact.Unrecoverable,
                AvailabilityImpact = AvailabilityImpact.Permanent, MaliciousIntent = true,
            }, "6.0", SeverityLevel.VeryHigh },
    };

    [Theory]
    [MemberData(nameof(BoundaryFacts))]
    public void Scores_on_band_boundaries(string name, BreachFacts facts, string score, SeverityLevel level)
    {
        var se = EnisaSeverity.Compute(facts);
        Assert.True(D(score) == se.Score, $"{name}: expected {score}, got {se.Score}");
        Assert.Equal(level, se.Level);
        Assert.Equal(se.DataProcessingContext * se.EaseOfIdentification + se.Circumstances, se.Score);
    }

    [Fact]
    public void Compute_rejects_invalid_facts() =>
        Assert.Throws<ArgumentException>(() => EnisaSeverity.Compute(Conf()));
}
