using System.Reflection;
using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>
/// The lines the engine writes itself (Art 34(3) exemptions and why they do not apply, the obligations), word for
/// word: they go into the register and the notices, so a changed word is a changed record.
/// </summary>
public class EngineLinesTests
{
    private static string Line(BreachFacts facts, string id) =>
        RiskEngine.Assess(facts).Reasons.Single(r => r.StartsWith($"[{id}]", StringComparison.Ordinal));

    private static readonly BreachType[] CIA = [BreachType.Confidentiality, BreachType.Integrity, BreachType.Availability];

    [Fact]
    public void Exemption_and_obligation_lines()
    {
        var encrypted = Attack(50, DataCategory.Health) with { Protection = Protection.Encrypted };
        Assert.Equal("[art34-3-a] The data are unintelligible to anyone not authorised: no communication to data subjects is required (GDPR Art 34(3)(a); EDPB Guidelines 9/2022 §III.D).", Line(encrypted, "art34-3-a"));
        Assert.Equal("[art33-not-required] The breach is unlikely to result in a risk: notification to the supervisory authority is not required (GDPR Art 33(1)).", Line(encrypted, "art33-not-required"));
        Assert.Equal("[art33-5-document] Document the breach, its effects and the remedial action in the internal breach register (GDPR Art 33(5)).", Line(encrypted, "art33-5-document"));

        var healthDeleted = Conf(DataCategory.Health) with { Exposure = Exposure.KnownRecipients, Contained = true };
        Assert.Equal("[art34-3-b] Measures already taken (deletion, return, recall, wipe or reset) make misuse unlikely, so the high risk to confidentiality is no longer likely to materialise (GDPR Art 34(3)(b); EDPB Guidelines 9/2022 §III.D).", Line(healthDeleted, "art34-3-b"));
        Assert.Equal("[art33-notify] Notify the competent supervisory authority without undue delay and, where feasible, within 72 hours of awareness (GDPR Art 33(1), 33(3)).", Line(healthDeleted, "art33-notify"));

        var ordinaryDeleted = Conf(DataCategory.OfficialId) with { Exposure = Exposure.KnownRecipients, Recipients = 1, Contained = true };
        Assert.Equal(RiskLevel.Risk, RiskEngine.Assess(ordinaryDeleted).Risk);
        Assert.Equal("[art34-3-b] Measures already taken (deletion, return, recall, wipe or reset) make misuse unlikely (GDPR Art 34(3)(b); EDPB Guidelines 9/2022 §III.D).", Line(ordinaryDeleted, "art34-3-b"));

        var published = Attack(200_000, DataCategory.Contact, DataCategory.Identity);
        Assert.Equal("[art34-communicate] Communicate the breach to the data subjects without undue delay in clear and plain language (GDPR Art 34(1), 34(2)).", Line(published, "art34-communicate"));
        Assert.Equal("[art34-3-c] Individual communication would involve disproportionate effort: make a public communication or equally effective measure instead (GDPR Art 34(3)(c); EDPB Guidelines 9/2022 §III.D).", Line(published with { DisproportionateEffort = true }, "art34-3-c"));
    }

    [Theory]
    [InlineData(AvailabilityImpact.Severe, IntegrityImpact.None, "the loss of availability")]
    [InlineData(AvailabilityImpact.None, IntegrityImpact.Unrecoverable, "the loss of integrity")]
    [InlineData(AvailabilityImpact.Permanent, IntegrityImpact.Unrecoverable, "the loss of availability and the loss of integrity")]
    public void Not_applicable_lines_name_what_the_measure_does_not_cover(AvailabilityImpact availability, IntegrityImpact integrity, string what)
    {
        var facts = Facts(CIA, [DataCategory.Financial, DataCategory.Identity], 40) with
        {
            Exposure = Exposure.KnownRecipients, AvailabilityImpact = availability, IntegrityImpact = integrity,
        };
        Assert.Equal($"[art34-3-b-not-applicable] Containment does not address the high risk from {what} (GDPR Art 34(3)(b)).",
            Line(facts with { Contained = true }, "art34-3-b-not-applicable"));
        Assert.Equal($"[art34-3-a-not-applicable] The data are unintelligible, but the high risk stems from {what}, which encryption does not remove (GDPR Art 34(3)(a)).",
            Line(facts with { Protection = Protection.Encrypted }, "art34-3-a-not-applicable"));
    }

    [Fact]
    public void Invalid_facts_list_every_field_in_the_message()
    {
        var ex = Assert.Throws<ArgumentException>(() => RiskEngine.Assess(Conf(DataCategory.Contact) with { DataSubjects = -1, Records = -2 }));
        Assert.Equal("Invalid breach facts: dataSubjects: dataSubjects must be 0 or more.; records: records must be 0 or more when given. (Parameter 'facts')", ex.Message);
        Assert.Throws<ArgumentException>(() => EnisaSeverity.Compute(Conf(DataCategory.Contact) with { DataSubjects = -1 }));
    }

    /// <summary>Each property of the facts, changed alone, makes different facts with (practically) a different hash.</summary>
    public static TheoryData<string> FactProperties()
    {
        var data = new TheoryData<string>();
        foreach (var p in typeof(BreachFacts).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            data.Add(p.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FactProperties))]
    public void Every_fact_takes_part_in_equality_and_hash(string property)
    {
        var a = Facts(CIA, [DataCategory.Contact], 10) with { Exposure = Exposure.KnownRecipients };
        var b = property switch
        {
            "BreachTypes" => a with { BreachTypes = [BreachType.Confidentiality] },
            "DataCategories" => a with { DataCategories = [DataCategory.Health] },
            "DataSubjects" => a with { DataSubjects = 11 },
            "Records" => a with { Records = 5 },
            "Recipients" => a with { Recipients = 5 },
            "VulnerableSubjects" => a with { VulnerableSubjects = true },
            "Protection" => a with { Protection = Protection.Hashed },
            "ProtectionCompromised" => a with { ProtectionCompromised = true },
            "Exposure" => a with { Exposure = Exposure.TrustedRecipient },
            "OpenRecipientList" => a with { OpenRecipientList = true },
            "Exfiltration" => a with { Exfiltration = Exfiltration.Unknown },
            "MaliciousIntent" => a with { MaliciousIntent = true },
            "AvailabilityImpact" => a with { AvailabilityImpact = AvailabilityImpact.Delayed },
            "IntegrityImpact" => a with { IntegrityImpact = IntegrityImpact.Recovered },
            "Contained" => a with { Contained = true },
            "MisuseObserved" => a with { MisuseObserved = true },
            "DisproportionateEffort" => a with { DisproportionateEffort = true },
            _ => throw new InvalidOperationException($"add {property} to this test"),
        };
        Assert.NotEqual(a, b);
        Assert.NotEqual(b, a);
        Assert.NotEqual(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a, a with { BreachTypes = [.. a.BreachTypes], DataCategories = [.. a.DataCategories] });
    }

    [Fact]
    public void Missing_lists_compare_and_hash_without_failing()
    {
        var empty = new BreachFacts { BreachTypes = null!, DataCategories = null! };
        Assert.Equal(empty, new BreachFacts { BreachTypes = null!, DataCategories = null! });
        Assert.Equal(empty.GetHashCode(), new BreachFacts { BreachTypes = null!, DataCategories = null! }.GetHashCode());
        Assert.NotEqual(empty, empty with { BreachTypes = [] });
        Assert.NotEqual(empty.GetHashCode(), (empty with { BreachTypes = [] }).GetHashCode());
        Assert.False(empty.Equals(null));
    }
}
