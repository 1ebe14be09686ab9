using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

public class RiskRuleTests
{
    /// <summary>For every rule: a minimal case where it fires, and the resulting risk.</summary>
    public static TheoryData<string, BreachFacts, RiskLevel> RuleCases => new()
    {
        { "enisa-severity", Conf(DataCategory.Contact), RiskLevel.Risk },
        { "data-unintelligible", Attack(50, DataCategory.Contact) with { Protection = Protection.Encrypted }, RiskLevel.Unlikely },
        { "access-contained", Conf(DataCategory.Health) with { Contained = true }, RiskLevel.Unlikely },
        { "recipient-contained", Conf(DataCategory.Financial) with { Exposure = Exposure.KnownRecipients, Recipients = 3, Contained = true }, RiskLevel.Unlikely },
        { "misdirected-minor", Conf(DataCategory.Contact, DataCategory.Identity) with { Exposure = Exposure.KnownRecipients, Recipients = 20 }, RiskLevel.Unlikely },
        { "open-recipient-list", Conf(DataCategory.Contact) with { DataSubjects = 16, Exposure = Exposure.KnownRecipients, OpenRecipientList = true }, RiskLevel.Unlikely },
        { "pseudonymised", Attack(50, DataCategory.Health) with { Protection = Protection.Pseudonymised }, RiskLevel.Risk },
        { "availability-restored", Avail(DataCategory.Contact) with { AvailabilityImpact = AvailabilityImpact.RestoredQuickly }, RiskLevel.Unlikely },
        { "integrity-recovered", Integ(DataCategory.Contact) with { IntegrityImpact = IntegrityImpact.Recovered }, RiskLevel.Unlikely },
        { "confidentiality-intelligible", Conf(DataCategory.Contact) with { Exposure = Exposure.KnownRecipients }, RiskLevel.Risk },
        { "exfiltration-not-ruled-out", Avail(DataCategory.Contact) with { Exfiltration = Exfiltration.Unknown }, RiskLevel.Risk },
        { "hostile-special-category", Attack(5, DataCategory.Criminal), RiskLevel.High },
        { "hostile-fraud-enabling", Attack(5, DataCategory.Contact, DataCategory.OfficialId), RiskLevel.High },
        { "hostile-private-life", Attack(5, DataCategory.Contact, DataCategory.Location), RiskLevel.High },
        { "hostile-vulnerable", Attack(5, DataCategory.Contact) with { VulnerableSubjects = true }, RiskLevel.High },
        { "hostile-large-scale", Attack(10_000, DataCategory.Contact), RiskLevel.High },
        { "hostile-detailed-profile", Attack(5, DataCategory.Contact, DataCategory.Identity, DataCategory.Usage, DataCategory.Education), RiskLevel.High },
        { "misdirected-special-category", Conf(DataCategory.Criminal) with { Exposure = Exposure.TrustedRecipient }, RiskLevel.High },
        { "misdirected-widely", Conf(DataCategory.Location) with { Exposure = Exposure.KnownRecipients, Recipients = 100 }, RiskLevel.High },
        { "misuse-observed", Conf(DataCategory.Contact) with { Exposure = Exposure.KnownRecipients, MisuseObserved = true }, RiskLevel.Risk },
        { "misuse-identity-fraud", Conf(DataCategory.Identity) with { DataSubjects = 1, Exposure = Exposure.KnownRecipients, MisuseObserved = true }, RiskLevel.High },
        { "availability-delayed", Avail(DataCategory.Contact) with { AvailabilityImpact = AvailabilityImpact.Delayed }, RiskLevel.Risk },
        { "availability-severe", Avail(DataCategory.Contact) with { AvailabilityImpact = AvailabilityImpact.Severe }, RiskLevel.High },
        { "availability-permanent", Avail(DataCategory.Contact) with { AvailabilityImpact = AvailabilityImpact.Permanent }, RiskLevel.High },
        { "integrity-altered", Integ(DataCategory.Contact) with { IntegrityImpact = IntegrityImpact.Recoverable }, RiskLevel.Risk },
        { "integrity-unrecoverable-critical", Integ(DataCategory.Financial) with { IntegrityImpact = IntegrityImpact.Unrecoverable }, RiskLevel.High },
        { "enisa-medium-or-above", Integ(DataCategory.Contact, DataCategory.Usage) with { IntegrityImpact = IntegrityImpact.Recoverable }, RiskLevel.Risk },
        { "enisa-very-high", Integ(DataCategory.Contact, DataCategory.Health) with { IntegrityImpact = IntegrityImpact.Recoverable }, RiskLevel.High },
        { "unlikely-to-result-in-risk", Avail(DataCategory.Contact), RiskLevel.Unlikely },
    };

    [Theory]
    [MemberData(nameof(RuleCases))]
    public void Rule_fires_with_expected_risk(string ruleId, BreachFacts facts, RiskLevel risk)
    {
        var a = RiskEngine.Assess(facts);
        Assert.True(a.Fired(ruleId), $"{ruleId} did not fire:\n{string.Join('\n', a.Reasons)}");
        Assert.Equal(risk, a.Risk);
    }

    [Fact]
    public void Every_rule_has_a_case_id_condition_and_source()
    {
        var ids = RuleCases.Select(row => (string)row[0]).ToHashSet();
        Assert.All(RiskRules.All, rule =>
        {
            Assert.Contains(rule.Id, ids);
            Assert.False(string.IsNullOrWhiteSpace(rule.Condition));
            Assert.Matches("GDPR|EDPB|ENISA", rule.Source);
        });
        Assert.Equal(RiskRules.All.Count, RiskRules.All.Select(r => r.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(RuleCases))]
    public void The_rule_explains_itself_in_a_sentence(string ruleId, BreachFacts facts, RiskLevel risk)
    {
        var rule = RiskRules.All.Single(r => r.Id == ruleId);
        var line = RiskEngine.Assess(facts).Reasons.Single(r => r.StartsWith($"[{ruleId}] ", StringComparison.Ordinal));
        Assert.EndsWith($" ({rule.Source})", line, StringComparison.Ordinal);
        var explanation = line[(ruleId.Length + 3)..^(rule.Source.Length + 3)];
        Assert.True(explanation.Length > 40 && explanation.EndsWith('.') && char.IsAsciiLetterUpper(explanation[0]) != char.IsAsciiDigit(explanation[0]), $"{ruleId} ({risk}): '{explanation}'");
    }

    [Fact]
    public void Every_reason_line_names_its_rule_and_cites_a_source()
    {
        var a = RiskEngine.Assess(Attack(20_000, DataCategory.Contact, DataCategory.Health) with { VulnerableSubjects = true });
        Assert.All(a.Reasons, r =>
        {
            Assert.Matches(@"^\[[a-z0-9-]+\] ", r);
            Assert.Matches("GDPR|EDPB|ENISA", r);
        });
    }

    [Fact]
    public void Risk_is_the_highest_floor_of_the_fired_rules()
    {
        var a = RiskEngine.Assess(Attack(5, DataCategory.Contact));
        var floors = RiskRules.All.Where(r => a.Fired(r.Id)).Select(r => r.Floor ?? RiskLevel.Unlikely);
        Assert.Equal(floors.Max(), a.Risk);
    }

    [Fact]
    public void Unlikely_exactly_when_nothing_raises()
    {
        foreach (var row in RuleCases)
        {
            var a = RiskEngine.Assess((BreachFacts)row[1]);
            Assert.Equal(a.Risk == RiskLevel.Unlikely, a.Fired("unlikely-to-result-in-risk"));
            Assert.Equal(a.Risk != RiskLevel.Unlikely, a.NotifyAuthority);
            Assert.Equal(a.NotifyAuthority, a.Fired("art33-notify"));
            Assert.True(a.Fired("art33-5-document"));
        }
    }

    [Theory]
    [InlineData(Exposure.TrustedRecipient, 9_999, null, RiskLevel.Unlikely)]
    [InlineData(Exposure.TrustedRecipient, 10_000, null, RiskLevel.Risk)]
    [InlineData(Exposure.TrustedRecipient, 50, 20L, RiskLevel.Unlikely)]
    [InlineData(Exposure.TrustedRecipient, 50, 21L, RiskLevel.Risk)]
    [InlineData(Exposure.KnownRecipients, 50, 20L, RiskLevel.Unlikely)]
    [InlineData(Exposure.KnownRecipients, 50, 21L, RiskLevel.Risk)]
    [InlineData(Exposure.KnownRecipients, 50, null, RiskLevel.Risk)]
    [InlineData(Exposure.None, 200_000, null, RiskLevel.Unlikely)]
    public void Contained_disclosure_limits(Exposure exposure, long subjects, long? recipients, RiskLevel expected) =>
        Assert.Equal(expected, RiskEngine.Assess(Conf(DataCategory.Usage) with
        {
            DataSubjects = subjects, Exposure = exposure, Recipients = recipients, Contained = true,
        }).Risk);

    public static TheoryData<string, BreachFacts> ContainmentBlockers => new()
    {
        { "malicious", Conf(DataCategory.Contact) with { Exposure = Exposure.TrustedRecipient, Contained = true, MaliciousIntent = true } },
        { "exfiltration unknown", Conf(DataCategory.Contact) with { Exposure = Exposure.TrustedRecipient, Contained = true, Exfiltration = Exfiltration.Unknown } },
        { "misuse", Conf(DataCategory.Contact) with { Exposure = Exposure.TrustedRecipient, Contained = true, MisuseObserved = true } },
        { "vulnerable", Conf(DataCategory.Contact) with { Exposure = Exposure.TrustedRecipient, Contained = true, VulnerableSubjects = true } },
        { "health", Conf(DataCategory.Health) with { Exposure = Exposure.TrustedRecipient, Contained = true } },
        { "official id with an ordinary recipient", Conf(DataCategory.OfficialId) with { Exposure = Exposure.KnownRecipients, Recipients = 1, Contained = true } },
        { "large scale", Conf(DataCategory.Usage) with { DataSubjects = 10_000, Exposure = Exposure.TrustedRecipient, Contained = true } },
        { "unknown recipients", Conf(DataCategory.Contact) with { Exposure = Exposure.UnknownRecipients, Contained = true } },
    };

    [Theory]
    [MemberData(nameof(ContainmentBlockers))]
    public void Containment_does_not_neutralise(string name, BreachFacts facts)
    {
        var a = RiskEngine.Assess(facts);
        Assert.False(a.Fired("recipient-contained"), name);
        Assert.NotEqual(RiskLevel.Unlikely, a.Risk);
    }

    [Theory]
    [InlineData(Protection.Encrypted, true)]
    [InlineData(Protection.Hashed, true)]
    [InlineData(Protection.Pseudonymised, false)]
    [InlineData(Protection.None, false)]
    public void Only_intact_encryption_or_hashing_is_unintelligible(Protection protection, bool unintelligible)
    {
        var a = RiskEngine.Assess(Attack(50, DataCategory.Contact, DataCategory.Health) with { Protection = protection });
        Assert.Equal(unintelligible, a.Fired("data-unintelligible"));
        Assert.Equal(unintelligible, a.Risk == RiskLevel.Unlikely);
    }

    [Fact]
    public void Compromised_key_defeats_encryption()
    {
        var a = RiskEngine.Assess(Attack(50, DataCategory.Health) with { Protection = Protection.Encrypted, ProtectionCompromised = true });
        Assert.False(a.Fired("data-unintelligible"));
        Assert.Equal(RiskLevel.High, a.Risk);
    }

    [Fact]
    public void Observed_misuse_defeats_encryption()
    {
        var a = RiskEngine.Assess(Attack(50, DataCategory.Contact) with { Protection = Protection.Encrypted, MisuseObserved = true });
        Assert.False(a.Fired("data-unintelligible"));
        Assert.Equal(RiskLevel.Risk, a.Risk);
    }

    [Fact]
    public void Encryption_does_not_remove_availability_harm()
    {
        var a = RiskEngine.Assess(Facts([BreachType.Confidentiality, BreachType.Availability], [DataCategory.Health], 100) with
        {
            Protection = Protection.Encrypted, Exposure = Exposure.UnknownRecipients, MaliciousIntent = true,
            AvailabilityImpact = AvailabilityImpact.Delayed,
        });
        Assert.True(a.Fired("data-unintelligible"));
        Assert.True(a.Fired("availability-delayed"));
        Assert.Equal(RiskLevel.Risk, a.Risk);
    }

    [Theory]
    [InlineData(9_999, RiskLevel.Risk)]
    [InlineData(10_000, RiskLevel.High)]
    public void Large_scale_threshold(long subjects, RiskLevel expected) =>
        Assert.Equal(expected, RiskEngine.Assess(Attack(subjects, DataCategory.Contact)).Risk);

    [Theory]
    [InlineData(3, RiskLevel.Risk)]
    [InlineData(4, RiskLevel.High)]
    public void Detailed_profile_threshold(int categories, RiskLevel expected)
    {
        DataCategory[] ordinary = [DataCategory.Contact, DataCategory.Identity, DataCategory.Education, DataCategory.Employment];
        Assert.Equal(expected, RiskEngine.Assess(Attack(50, ordinary[..categories])).Risk);
    }

    [Fact]
    public void Misuse_of_contact_data_alone_is_not_high()
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Contact) with { Exposure = Exposure.KnownRecipients, MisuseObserved = true });
        Assert.True(a.Fired("misuse-observed"));
        Assert.False(a.Fired("misuse-identity-fraud"));
    }

    [Fact]
    public void Misdirected_financial_data_is_a_risk_not_high()
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Contact, DataCategory.Financial) with { DataSubjects = 200, Exposure = Exposure.KnownRecipients });
        Assert.Equal(RiskLevel.Risk, a.Risk);
        Assert.False(a.Fired("misdirected-widely"));
    }

    [Fact]
    public void Enisa_cross_check_starts_exactly_at_the_band_boundaries()
    {
        // Unencrypted card data lost, nobody known to have seen them: ENISA 4 × 1 + 0 = 4.0, very high, and nothing
        // else makes it high.
        var cards = RiskEngine.Assess(Conf(DataCategory.PaymentCard));
        Assert.Equal(4.0m, cards.Severity.Score);
        Assert.True(cards.Fired("enisa-very-high"));
        Assert.Equal(RiskLevel.High, cards.Risk);
        Assert.True(cards.NotifyDataSubjects);

        // Contact and usage data lost: ENISA 2 × 1 + 0 = 2.0, medium; the cross-check confirms the risk.
        var usage = RiskEngine.Assess(Conf(DataCategory.Contact, DataCategory.Usage));
        Assert.Equal(2.0m, usage.Severity.Score);
        Assert.True(usage.Fired("enisa-medium-or-above"));
        Assert.False(usage.Fired("enisa-very-high"));
        Assert.Equal(RiskLevel.Risk, usage.Risk);

        // Contact data alone: 1.0, low, no cross-check line.
        Assert.False(RiskEngine.Assess(Conf(DataCategory.Contact)).Fired("enisa-medium-or-above"));
    }

    /// <summary>
    /// A high risk that ENISA alone finds (card data sent to one ordinary recipient who deleted them) stems from the
    /// dimensions still harmed: containment covers the disclosure, not altered or unavailable data alongside it.
    /// </summary>
    [Theory]
    [InlineData(null, null, null)]
    [InlineData(BreachType.Integrity, IntegrityImpact.Recoverable, "the loss of integrity")]
    [InlineData(BreachType.Availability, null, "the loss of availability")]
    public void Enisa_high_risk_is_exempt_only_as_far_as_containment_reaches(BreachType? also, IntegrityImpact? integrity, string? uncovered)
    {
        var facts = Conf(DataCategory.PaymentCard) with { Exposure = Exposure.KnownRecipients, Recipients = 1, Contained = true };
        if (also is { } type)
        {
            facts = facts with
            {
                BreachTypes = [BreachType.Confidentiality, type],
                IntegrityImpact = integrity ?? IntegrityImpact.None,
                AvailabilityImpact = type == BreachType.Availability ? AvailabilityImpact.Delayed : AvailabilityImpact.None,
            };
        }
        var a = RiskEngine.Assess(facts);
        Assert.True(a.Fired("enisa-very-high"));
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.Equal(uncovered is not null, a.NotifyDataSubjects);
        if (uncovered is null)
        {
            Assert.Equal([Art34Exemptions.SubsequentMeasures], a.Exemptions);
        }
        else
        {
            Assert.Empty(a.Exemptions);
            Assert.Contains($"[art34-3-b-not-applicable] Containment does not address the high risk from {uncovered} (GDPR Art 34(3)(b)).", a.Reasons);
        }
    }

    [Fact]
    public void A_lesser_harm_alongside_does_not_stop_containment_covering_the_high_risk()
    {
        // Health data to three recipients who deleted them (high, exempt by 34(3)(b)); the data were also unavailable
        // for days, which is a risk but not a high one: communication is still not required.
        var a = RiskEngine.Assess(Facts([BreachType.Confidentiality, BreachType.Availability], [DataCategory.Health], 3) with
        {
            Exposure = Exposure.KnownRecipients, Contained = true, AvailabilityImpact = AvailabilityImpact.Delayed,
        });
        Assert.True(a.Fired("availability-delayed"));
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.Equal([Art34Exemptions.SubsequentMeasures], a.Exemptions);
        Assert.False(a.NotifyDataSubjects);
    }

    [Fact]
    public void Reason_lines_list_the_categories_that_matter_in_the_order_given()
    {
        var a = RiskEngine.Assess(Attack(5, DataCategory.Contact, DataCategory.OfficialId, DataCategory.Location, DataCategory.Financial));
        Assert.Contains("[hostile-fraud-enabling] Data enabling identity theft or fraud (official-id, financial) reached unknown recipients: likely high risk. (GDPR Recital 85 (identity theft or fraud, financial loss); EDPB Guidelines 01/2021 Cases 04, 07, 17, 18)", a.Reasons);
        var minor = RiskEngine.Assess(Conf(DataCategory.Employment, DataCategory.Contact) with { Exposure = Exposure.KnownRecipients, Recipients = 2 });
        Assert.StartsWith("[misdirected-minor] Only simple data (employment, contact) reached 2 identified recipients by mistake", minor.Reasons[1], StringComparison.Ordinal);
    }

    /// <summary>The register lists exactly the rules that fired, in rule order, then the obligations.</summary>
    public static TheoryData<string, BreachFacts, string[]> ExactReasons => new()
    {
        {
            // A stolen laptop with health data, whether anything was copied still unknown: the breach is a recorded
            // confidentiality breach, so "exfiltration cannot be ruled out" adds nothing.
            "laptop stolen, exfiltration unknown",
            Conf(DataCategory.Contact, DataCategory.Health) with
            {
                DataSubjects = 5000, Exposure = Exposure.UnknownRecipients, Exfiltration = Exfiltration.Unknown, MaliciousIntent = true,
            },
            ["enisa-severity", "confidentiality-intelligible", "hostile-special-category", "enisa-medium-or-above", "enisa-very-high", "art33-notify", "art34-communicate", "art33-5-document"]
        },
        {
            // Ransomware restored within hours, exfiltration not ruled out: a possible confidentiality breach, but
            // nothing was disclosed.
            "ransomware restored, exfiltration unknown",
            Avail(DataCategory.Contact, DataCategory.Financial) with
            {
                DataSubjects = 40, MaliciousIntent = true, AvailabilityImpact = AvailabilityImpact.RestoredQuickly, Exfiltration = Exfiltration.Unknown,
            },
            ["enisa-severity", "availability-restored", "exfiltration-not-ruled-out", "enisa-medium-or-above", "art33-notify", "art33-5-document"]
        },
        {
            "records altered and recovered",
            Integ(DataCategory.Contact) with { IntegrityImpact = IntegrityImpact.Recovered },
            ["enisa-severity", "integrity-recovered", "unlikely-to-result-in-risk", "art33-not-required", "art33-5-document"]
        },
        {
            "a lost file, nobody known to have accessed it, recovered",
            Conf(DataCategory.Health) with { Contained = true },
            ["enisa-severity", "access-contained", "unlikely-to-result-in-risk", "art34-3-b", "art33-not-required", "art33-5-document"]
        },
        {
            "hashed passwords exfiltrated",
            Attack(1200, DataCategory.Contact, DataCategory.Credentials) with { Protection = Protection.Hashed },
            ["enisa-severity", "data-unintelligible", "unlikely-to-result-in-risk", "art34-3-a", "art33-not-required", "art33-5-document"]
        },
    };

    [Theory]
    [MemberData(nameof(ExactReasons))]
    public void The_reasons_are_exactly_the_rules_that_fired(string name, BreachFacts facts, string[] ids) =>
        Assert.True(ids.SequenceEqual(RiskEngine.Assess(facts).FiredIds()), $"{name}:\n{string.Join('\n', RiskEngine.Assess(facts).Reasons)}");

    [Theory]
    [InlineData(DataCategory.Health, RiskLevel.High)]
    [InlineData(DataCategory.Financial, RiskLevel.High)]
    [InlineData(DataCategory.Contact, RiskLevel.Risk)]
    public void Unrecoverable_alteration(DataCategory category, RiskLevel expected) =>
        Assert.Equal(expected, RiskEngine.Assess(Integ(category) with { IntegrityImpact = IntegrityImpact.Unrecoverable }).Risk);

    [Fact]
    public void Unrecoverable_alteration_of_vulnerable_peoples_data_is_high() =>
        Assert.Equal(RiskLevel.High, RiskEngine.Assess(Integ(DataCategory.Education) with
        {
            IntegrityImpact = IntegrityImpact.Unrecoverable, VulnerableSubjects = true,
        }).Risk);
}
