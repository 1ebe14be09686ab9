using BreachNotify.Domain.Risk;
using FsCheck;
using FsCheck.Fluent;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>
/// FsCheck generator of valid breach facts: every fact drawn independently over its whole range (numbers around the
/// engine's thresholds), then the dependent facts made coherent the way a reporter would have to (an exposure needs
/// the confidentiality type, an open recipient list needs known recipients and contact data, ...).
/// </summary>
public static class FactsGenerator
{
    private static readonly long[] SubjectCounts = [0, 1, 2, 10, 19, 20, 21, 50, 99, 100, 101, 9_999, 10_000, 200_000];
    private static readonly long?[] RecipientCounts = [null, 1, 2, 20, 21, 99, 100, 5_000];

    /// <summary>Half from the whole fact space, half mistaken disclosures to identified recipients (a region the whole space rarely reaches).</summary>
    public static Gen<BreachFacts> Facts => Gen.Frequency((1, General), (1, Misdirections));

    public static Gen<BreachFacts> General { get; } =
        from types in Gen.SubListOf(Enum.GetValues<BreachType>()).Where(l => l.Count > 0)
        // Real breaches involve a few kinds of data: mostly 1-3, sometimes many (uniform sublists would almost never
        // give "simple data only" or "no special categories").
        from count in Gen.Frequency((6, Gen.Choose(1, 2)), (3, Gen.Choose(3, 4)), (1, Gen.Choose(5, 14)))
        from categories in Gen.Shuffle(Enum.GetValues<DataCategory>()).Select(all => all.Take(count).ToArray())
        from subjects in Gen.Elements(SubjectCounts)
        from recipients in Gen.Elements(RecipientCounts)
        from flags in Gen.ArrayOf(Gen.Elements(true, false), 8)
        from protection in Gen.Elements(Enum.GetValues<Protection>())
        from exposure in Gen.Elements(Enum.GetValues<Exposure>())
        from exfiltration in Gen.Elements(Enum.GetValues<Exfiltration>())
        from availability in Gen.Elements(Enum.GetValues<AvailabilityImpact>())
        from integrity in Gen.Elements(Enum.GetValues<IntegrityImpact>())
        select Coherent(new BreachFacts
        {
            BreachTypes = [.. types],
            DataCategories = [.. categories],
            DataSubjects = subjects,
            Recipients = recipients,
            OpenRecipientList = flags[0],
            VulnerableSubjects = flags[1],
            Protection = protection,
            ProtectionCompromised = flags[2],
            Exposure = exposure,
            Exfiltration = exfiltration,
            MaliciousIntent = flags[3],
            AvailabilityImpact = availability,
            IntegrityImpact = integrity,
            Contained = flags[4],
            MisuseObserved = flags[5],
            DisproportionateEffort = flags[6],
            Records = flags[7] ? subjects * 3 : null,
        });

    /// <summary>Confidentiality breaches to trusted or known recipients, mostly without malice, exfiltration or protection.</summary>
    public static Gen<BreachFacts> Misdirections { get; } =
        from f in General
        from exposure in Gen.Elements(Exposure.TrustedRecipient, Exposure.KnownRecipients)
        from exfiltration in Gen.Frequency((4, Gen.Constant(Exfiltration.RuledOut)), (1, Gen.Elements(Exfiltration.Unknown, Exfiltration.Confirmed)))
        from protection in Gen.Frequency((1, Gen.Constant(Protection.None)), (1, Gen.Elements(Enum.GetValues<Protection>())))
        from quiet in Gen.Elements(true, false)
        select Coherent(f with
        {
            BreachTypes = f.BreachTypes.Contains(BreachType.Confidentiality) ? f.BreachTypes : [.. f.BreachTypes, BreachType.Confidentiality],
            Exposure = exposure,
            Exfiltration = exfiltration,
            Protection = protection,
            MaliciousIntent = !quiet && f.MaliciousIntent,
            MisuseObserved = !quiet && f.MisuseObserved,
            VulnerableSubjects = !quiet && f.VulnerableSubjects,
        });

    /// <summary>Makes drawn facts valid by dropping what the drawn breach types or exposure cannot carry.</summary>
    public static BreachFacts Coherent(BreachFacts f)
    {
        var confidentiality = f.BreachTypes.Contains(BreachType.Confidentiality);
        var exposure = confidentiality ? f.Exposure : Exposure.None;
        var identified = exposure is Exposure.TrustedRecipient or Exposure.KnownRecipients;
        var openList = f.OpenRecipientList && exposure == Exposure.KnownRecipients;
        var exfiltration = !confidentiality && f.Exfiltration == Exfiltration.Confirmed ? Exfiltration.Unknown : f.Exfiltration;
        var fixedUp = f with
        {
            Exposure = exposure,
            Recipients = identified ? f.Recipients : null,
            OpenRecipientList = openList,
            DataCategories = openList && !f.DataCategories.Contains(DataCategory.Contact) ? [.. f.DataCategories, DataCategory.Contact] : f.DataCategories,
            Exfiltration = exfiltration,
            AvailabilityImpact = f.BreachTypes.Contains(BreachType.Availability) ? f.AvailabilityImpact : AvailabilityImpact.None,
            IntegrityImpact = f.BreachTypes.Contains(BreachType.Integrity) ? f.IntegrityImpact : IntegrityImpact.None,
            ProtectionCompromised = f.ProtectionCompromised && f.Protection != Protection.None,
        };
        var misusePossible = confidentiality || f.BreachTypes.Contains(BreachType.Integrity) || exfiltration != Exfiltration.RuledOut;
        return fixedUp with { MisuseObserved = fixedUp.MisuseObserved && misusePossible };
    }

    /// <summary>The generator as an FsCheck arbitrary (no shrinking: a failing case prints the facts in full).</summary>
    public static Arbitrary<BreachFacts> BreachFacts() => Arb.From(Facts);
}
