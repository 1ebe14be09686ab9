using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>
/// Mistaken disclosures to identified recipients: who received the data (trusted or not, how many), whether it was
/// contained, how many people and what kind of data decide, one principle at a time.
/// </summary>
public class MisdirectionTests
{
    private static BreachFacts Misdirected(Exposure exposure, long? recipients, params DataCategory[] categories) =>
        Conf(categories) with { DataSubjects = 50, Exposure = exposure, Recipients = recipients };

    public static TheoryData<string, BreachFacts, RiskLevel, bool, bool> Principles => new()
    {
        // Simple data to a small circle: at most inconvenience, whether or not anyone confirmed deletion.
        { "simple data, 20 identified recipients", Misdirected(Exposure.KnownRecipients, 20, DataCategory.Contact, DataCategory.Employment), RiskLevel.Unlikely, false, false },
        { "simple data, 21 identified recipients", Misdirected(Exposure.KnownRecipients, 21, DataCategory.Contact, DataCategory.Employment), RiskLevel.Risk, true, false },
        { "simple data, identified recipients not counted", Misdirected(Exposure.KnownRecipients, null, DataCategory.Contact), RiskLevel.Risk, true, false },
        { "simple data, trusted recipients not counted", Misdirected(Exposure.TrustedRecipient, null, DataCategory.Contact), RiskLevel.Unlikely, false, false },
        { "simple data of vulnerable people, one recipient", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact) with { VulnerableSubjects = true }, RiskLevel.Risk, true, false },
        { "simple data, large scale, one recipient", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact) with { DataSubjects = 10_000 }, RiskLevel.Risk, true, false },
        // Financial or behavioural data: a risk unless a small circle confirmed deletion.
        { "financial data, one recipient", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact, DataCategory.Financial), RiskLevel.Risk, true, false },
        { "financial data, one recipient, deleted", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact, DataCategory.Financial) with { Contained = true }, RiskLevel.Unlikely, false, false },
        // Key data: an ordinary recipient's word is not enough, a trusted recipient's is.
        { "official id, one identified recipient, deleted", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact, DataCategory.OfficialId) with { Contained = true }, RiskLevel.Risk, true, false },
        { "official id, one trusted recipient, deleted", Misdirected(Exposure.TrustedRecipient, 1, DataCategory.Contact, DataCategory.OfficialId) with { Contained = true }, RiskLevel.Unlikely, false, false },
        // Spread or scale with data that enables fraud or exposes private life: high.
        { "credentials, 100 recipients", Misdirected(Exposure.KnownRecipients, 100, DataCategory.Contact, DataCategory.Credentials), RiskLevel.High, true, true },
        { "credentials, 99 recipients", Misdirected(Exposure.KnownRecipients, 99, DataCategory.Contact, DataCategory.Credentials), RiskLevel.Risk, true, false },
        { "financial, large scale, one recipient", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact, DataCategory.Financial) with { DataSubjects = 10_000 }, RiskLevel.High, true, true },
        { "credentials, 100 recipients, all confirmed deletion", Misdirected(Exposure.KnownRecipients, 100, DataCategory.Contact, DataCategory.Credentials) with { Contained = true }, RiskLevel.High, true, false },
        // Data whose harm is being known: high even for one trusted recipient, exempt from communication once deleted.
        { "health data, one trusted recipient", Misdirected(Exposure.TrustedRecipient, 1, DataCategory.Health), RiskLevel.High, true, true },
        { "health data, one trusted recipient, deleted", Misdirected(Exposure.TrustedRecipient, 1, DataCategory.Health) with { Contained = true }, RiskLevel.High, true, false },
        // Intent and a confirmed copy in an attacker's hands end the "mistake".
        { "simple data, one recipient acting maliciously", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact) with { MaliciousIntent = true }, RiskLevel.Risk, true, false },
        { "financial data, one recipient acting maliciously", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Financial) with { MaliciousIntent = true }, RiskLevel.High, true, true },
        { "simple data, one recipient, exfiltration not ruled out", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact) with { Exfiltration = Exfiltration.Unknown }, RiskLevel.Risk, true, false },
        { "simple data, one recipient, misuse seen", Misdirected(Exposure.KnownRecipients, 1, DataCategory.Contact) with { MisuseObserved = true }, RiskLevel.Risk, true, false },
        // Pseudonymised data with the mapping safe: the spread rules need identifiable data.
        { "pseudonymised credentials, 100 recipients", Misdirected(Exposure.KnownRecipients, 100, DataCategory.Credentials) with { Protection = Protection.Pseudonymised }, RiskLevel.Risk, true, false },
        // Open To/Cc lists: what the list reveals and how many saw it decide (WP29 WP250 Annex B).
        { "open list, 16 addresses only", OpenList(16, DataCategory.Contact), RiskLevel.Unlikely, false, false },
        { "open list, 500 addresses only", OpenList(500, DataCategory.Contact), RiskLevel.Risk, true, false },
        { "open list, 500 addresses, count given as 15", OpenList(500, DataCategory.Contact) with { Recipients = 15 }, RiskLevel.Unlikely, false, false },
        { "open list of a psychotherapist's clients, 16", OpenList(16, DataCategory.Contact, DataCategory.Health), RiskLevel.High, true, true },
        { "open list with initial passwords, 200", OpenList(200, DataCategory.Contact, DataCategory.Credentials), RiskLevel.High, true, true },
        { "open list with initial passwords, 200, passwords reset", OpenList(200, DataCategory.Contact, DataCategory.Credentials) with { Contained = true }, RiskLevel.High, true, false },
        { "open list of a clinic's clients, 40, disproportionate effort", OpenList(40, DataCategory.Contact, DataCategory.Health) with { DisproportionateEffort = true }, RiskLevel.High, true, false },
    };

    private static BreachFacts OpenList(long people, params DataCategory[] categories) =>
        Conf(categories) with { DataSubjects = people, Exposure = Exposure.KnownRecipients, OpenRecipientList = true };

    [Theory]
    [MemberData(nameof(Principles))]
    public void Misdirection_principles(string name, BreachFacts facts, RiskLevel risk, bool notifyAuthority, bool notifyDataSubjects) =>
        AssertOutcome(name, facts, risk, notifyAuthority, notifyDataSubjects);

    [Fact]
    public void The_issue_case_trusted_contained_fraud_data_is_not_called_hostile()
    {
        // The complaint behind issue 15: financial data to a trusted recipient who deleted it was "hostile or unknown".
        var a = RiskEngine.Assess(Misdirected(Exposure.TrustedRecipient, 1, DataCategory.Contact, DataCategory.Financial, DataCategory.PaymentCard) with { Contained = true });
        Assert.Equal(RiskLevel.Unlikely, a.Risk);
        Assert.DoesNotContain(a.Reasons, r => r.Contains("hostile", StringComparison.OrdinalIgnoreCase) || r.Contains("unknown", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("[recipient-contained] The data reached one recipient bound by confidentiality by mistake and deletion or return was confirmed", a.Reasons[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Case_15_with_the_food_intolerance_counted_as_health_is_high()
    {
        // EDPB 01/2021 Case 15 asks for documentation only; the engine has no notion of trivial health data, so a DPO
        // who records the lactose intolerance as health data gets high (see docs/risk-engine.md).
        var a = RiskEngine.Assess(Conf(DataCategory.Contact, DataCategory.Health) with { DataSubjects = 15, Exposure = Exposure.KnownRecipients, Recipients = 15 });
        Assert.Equal(RiskLevel.High, a.Risk);
        Assert.True(a.Fired("misdirected-special-category"));
    }

    [Fact]
    public void Reason_lines_name_the_recipients_as_given()
    {
        static string Line(BreachFacts f, string id) => RiskEngine.Assess(f).Reasons.Single(r => r.StartsWith($"[{id}]", StringComparison.Ordinal));
        var health = Conf(DataCategory.Health) with { DataSubjects = 3 };
        Assert.Contains("reached one identified recipient by mistake", Line(health with { Exposure = Exposure.KnownRecipients, Recipients = 1 }, "misdirected-special-category"), StringComparison.Ordinal);
        Assert.Contains("reached 7 identified recipients by mistake", Line(health with { Exposure = Exposure.KnownRecipients, Recipients = 7 }, "misdirected-special-category"), StringComparison.Ordinal);
        Assert.Contains("reached identified recipients (how many is not known) by mistake", Line(health with { Exposure = Exposure.KnownRecipients }, "misdirected-special-category"), StringComparison.Ordinal);
        Assert.Contains("reached 7 recipients bound by confidentiality by mistake", Line(health with { Exposure = Exposure.TrustedRecipient, Recipients = 7 }, "misdirected-special-category"), StringComparison.Ordinal);
        Assert.Contains("reached a few recipients bound by confidentiality by mistake", Line(health with { Exposure = Exposure.TrustedRecipient }, "misdirected-special-category"), StringComparison.Ordinal);
        Assert.Contains("The e-mail showed 16 recipients each other's addresses", Line(OpenList(16, DataCategory.Contact), "open-recipient-list"), StringComparison.Ordinal);
        Assert.Contains("Data that enable fraud or expose private life (credentials) of 50 people reached 100 identified recipients by mistake: too many recipients to rely on deletion",
            Line(Misdirected(Exposure.KnownRecipients, 100, DataCategory.Contact, DataCategory.Credentials), "misdirected-widely"), StringComparison.Ordinal);
        Assert.Contains("Data that enable fraud or expose private life (financial) of 10000 people reached one identified recipient by mistake: large scale",
            Line(Misdirected(Exposure.KnownRecipients, 1, DataCategory.Financial) with { DataSubjects = 10_000 }, "misdirected-widely"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Protection.None, false, "Unencrypted personal data were")]
    [InlineData(Protection.Pseudonymised, false, "Pseudonymised personal data (mapping safe) were")]
    [InlineData(Protection.Pseudonymised, true, "Pseudonymised personal data whose mapping was exposed too were")]
    [InlineData(Protection.Encrypted, true, "Encrypted personal data whose key or salt was exposed too were")]
    [InlineData(Protection.Hashed, true, "Hashed personal data whose key or salt was exposed too were")]
    public void Confidentiality_reason_says_how_the_data_were_protected(Protection protection, bool compromised, string expected)
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Usage) with { Exposure = Exposure.UnknownRecipients, Protection = protection, ProtectionCompromised = compromised });
        Assert.Contains(a.Reasons, r => r.StartsWith($"[confidentiality-intelligible] {expected} disclosed to or accessed by unknown recipients:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Exposure.KnownRecipients, 21L, "Unencrypted personal data were disclosed to 21 identified recipients: a risk")]
    [InlineData(Exposure.TrustedRecipient, 21L, "Unencrypted personal data were disclosed to 21 recipients bound by confidentiality: a risk")]
    [InlineData(Exposure.KnownRecipients, null, "Unencrypted personal data were disclosed to identified recipients (how many is not known): a risk")]
    public void Confidentiality_reason_says_who_received_the_data(Exposure exposure, long? recipients, string expected)
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Contact) with { Exposure = exposure, Recipients = recipients });
        Assert.Contains(a.Reasons, r => r.StartsWith($"[confidentiality-intelligible] {expected}", StringComparison.Ordinal));
    }

    [Fact]
    public void Encrypted_data_shown_readable_by_misuse_say_so()
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Usage) with { Protection = Protection.Encrypted, MisuseObserved = true });
        Assert.Contains(a.Reasons, r => r.StartsWith("[confidentiality-intelligible] Encrypted personal data that observed misuse shows to be readable were exposed, with no evidence that anyone accessed them:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Exposure.UnknownRecipients, Exfiltration.RuledOut, false, "unknown recipients")]
    [InlineData(Exposure.KnownRecipients, Exfiltration.Confirmed, false, "an attacker who copied them out")]
    [InlineData(Exposure.KnownRecipients, Exfiltration.RuledOut, true, "someone acting with malicious intent")]
    public void Hostile_reasons_name_the_party_the_facts_describe(Exposure exposure, Exfiltration exfiltration, bool malicious, string party)
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Contact, DataCategory.Health, DataCategory.OfficialId, DataCategory.Location, DataCategory.Usage) with
        {
            DataSubjects = 10_000, VulnerableSubjects = true, Exposure = exposure, Exfiltration = exfiltration, MaliciousIntent = malicious,
        });
        foreach (var id in new[] { "hostile-special-category", "hostile-fraud-enabling", "hostile-private-life", "hostile-vulnerable", "hostile-large-scale", "hostile-detailed-profile" })
        {
            Assert.Contains(a.Reasons, r => r.StartsWith($"[{id}]", StringComparison.Ordinal) && r.Contains($"reached {party}:", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(AvailabilityImpact.None, "[availability-restored] The loss of availability had no effect on people")]
    [InlineData(AvailabilityImpact.RestoredQuickly, "[availability-restored] Data restored quickly from backup")]
    public void Availability_reason_matches_the_impact(AvailabilityImpact impact, string expected) =>
        Assert.Contains(RiskEngine.Assess(Avail(DataCategory.Contact) with { AvailabilityImpact = impact }).Reasons, r => r.StartsWith(expected, StringComparison.Ordinal));

    [Theory]
    [InlineData(IntegrityImpact.None, "[integrity-recovered] The alteration had no effect")]
    [InlineData(IntegrityImpact.Recovered, "[integrity-recovered] Altered data were recovered before any use")]
    public void Integrity_reason_matches_the_impact(IntegrityImpact impact, string expected) =>
        Assert.Contains(RiskEngine.Assess(Integ(DataCategory.Contact) with { IntegrityImpact = impact }).Reasons, r => r.StartsWith(expected, StringComparison.Ordinal));
}

public class PseudonymisedMisdirectionTests
{
    [Fact]
    public void Pseudonymised_data_contained_with_a_trusted_recipient_is_not_called_a_risk()
    {
        var a = RiskEngine.Assess(Cases.Conf(DataCategory.Usage) with { Protection = Protection.Pseudonymised, Exposure = Exposure.TrustedRecipient, Contained = true });
        Assert.Equal(RiskLevel.Unlikely, a.Risk);
        Assert.False(a.Fired("pseudonymised"), string.Join('\n', a.Reasons));
    }
}
