using System.Collections;

namespace BreachNotify.Domain.Risk;

/// <summary>
/// One single-fact change that would change the decision, with the decision it would give.
/// <paramref name="Fact"/> is the camelCase JSON name of the fact and <paramref name="Value"/> its new value in the
/// fact's own type (an enum member, a bool, a long, or the whole new list for breachTypes/dataCategories), so that
/// <c>{ fact: value }</c> is a merge patch of the facts.
/// </summary>
public sealed record WhatIf(
    string Fact,
    object Value,
    RiskLevel Risk,
    bool NotifyAuthority,
    bool NotifyDataSubjects,
    bool PublicCommunication)
{
    public bool Equals(WhatIf? other) =>
        other is not null
        && Fact == other.Fact
        && SameValue(Value, other.Value)
        && Risk == other.Risk
        && NotifyAuthority == other.NotifyAuthority
        && NotifyDataSubjects == other.NotifyDataSubjects
        && PublicCommunication == other.PublicCommunication;

    // The value is left out: lists compare by content, and equal entries still hash alike.
    public override int GetHashCode() => HashCode.Combine(Fact, Risk, NotifyAuthority, NotifyDataSubjects, PublicCommunication);

    private static bool SameValue(object a, object b) =>
        a is IEnumerable x and not string && b is IEnumerable y and not string
            ? x.Cast<object>().SequenceEqual(y.Cast<object>())
            : Equals(a, b);
}

/// <summary>
/// Finds every single-fact change that changes the outcome (risk, authority notification, communication to data
/// subjects, public communication): every other value of each enum and boolean fact, each one-element addition or
/// removal for breachTypes and dataCategories, and for numbers the thresholds the rules use. Changes that make the
/// facts invalid (e.g. an exposure without the confidentiality breach type) are not offered. Facts whose value is
/// still unknown (exfiltration unknown, recipients not counted) come first: they are what the investigation should
/// settle.
/// </summary>
internal static class WhatIfAnalysis
{
    public static IReadOnlyList<WhatIf> Of(BreachFacts facts, RiskAssessment baseline)
    {
        var unknown = new List<WhatIf>();
        var known = new List<WhatIf>();
        foreach (var (fact, value, changed) in Candidates(facts))
        {
            if (changed.Validate().Count > 0)
            {
                continue;
            }
            var outcome = RiskEngine.Decide(changed);
            if (outcome.DecidesAs(baseline))
            {
                continue;
            }
            var entry = new WhatIf(fact, value, outcome.Risk, outcome.NotifyAuthority, outcome.NotifyDataSubjects, outcome.PublicCommunication);
            (IsUnknown(facts, fact) ? unknown : known).Add(entry);
        }
        return [.. unknown, .. known];
    }

    /// <summary>A fact the investigation has not settled yet.</summary>
    internal static bool IsUnknown(BreachFacts facts, string fact) => fact switch
    {
        "exfiltration" => facts.Exfiltration == Exfiltration.Unknown,
        "recipients" => facts.Recipients is null,
        _ => false,
    };

    /// <summary>Every single-fact change in the fixed order of the facts' fields.</summary>
    internal static IEnumerable<(string Fact, object Value, BreachFacts Changed)> Candidates(BreachFacts f)
    {
        foreach (var t in Enum.GetValues<BreachType>())
        {
            IReadOnlyList<BreachType> types = f.BreachTypes.Contains(t) ? [.. f.BreachTypes.Where(x => x != t)] : [.. f.BreachTypes, t];
            yield return ("breachTypes", types, f with { BreachTypes = types });
        }
        foreach (var c in Enum.GetValues<DataCategory>())
        {
            IReadOnlyList<DataCategory> categories = f.DataCategories.Contains(c) ? [.. f.DataCategories.Where(x => x != c)] : [.. f.DataCategories, c];
            yield return ("dataCategories", categories, f with { DataCategories = categories });
        }
        foreach (var n in Thresholds(f.DataSubjects, SubjectBoundaries))
        {
            yield return ("dataSubjects", n, f with { DataSubjects = n });
        }
        foreach (var n in Thresholds(f.Recipients, RecipientBoundaries))
        {
            yield return ("recipients", n, f with { Recipients = n });
        }
        yield return ("openRecipientList", !f.OpenRecipientList, f with { OpenRecipientList = !f.OpenRecipientList });
        yield return ("vulnerableSubjects", !f.VulnerableSubjects, f with { VulnerableSubjects = !f.VulnerableSubjects });
        foreach (var v in Others(f.Protection))
        {
            yield return ("protection", v, f with { Protection = v });
        }
        yield return ("protectionCompromised", !f.ProtectionCompromised, f with { ProtectionCompromised = !f.ProtectionCompromised });
        foreach (var v in Others(f.Exposure))
        {
            yield return ("exposure", v, f with { Exposure = v });
        }
        foreach (var v in Others(f.Exfiltration))
        {
            yield return ("exfiltration", v, f with { Exfiltration = v });
        }
        yield return ("maliciousIntent", !f.MaliciousIntent, f with { MaliciousIntent = !f.MaliciousIntent });
        foreach (var v in Others(f.AvailabilityImpact))
        {
            yield return ("availabilityImpact", v, f with { AvailabilityImpact = v });
        }
        foreach (var v in Others(f.IntegrityImpact))
        {
            yield return ("integrityImpact", v, f with { IntegrityImpact = v });
        }
        yield return ("contained", !f.Contained, f with { Contained = !f.Contained });
        yield return ("misuseObserved", !f.MisuseObserved, f with { MisuseObserved = !f.MisuseObserved });
        yield return ("disproportionateEffort", !f.DisproportionateEffort, f with { DisproportionateEffort = !f.DisproportionateEffort });
    }

    /// <summary>The recipient counts the rules compare against, as "at least this many" boundaries.</summary>
    internal static readonly long[] RecipientBoundaries = [BreachProfile.SmallCircleRecipients + 1, BreachProfile.WideCircleRecipients];

    /// <summary>Data subjects matter for large scale, and for an open list without a count they are the recipients too.</summary>
    internal static readonly long[] SubjectBoundaries = [.. RecipientBoundaries, BreachProfile.LargeScaleSubjects];

    /// <summary>
    /// For each "at least B" boundary, the value just across it from the current one (B when below, B − 1 when at
    /// or above); for an unknown value, the value just below the lowest boundary and each boundary itself. The
    /// boundaries are ascending and above 1, so the values are distinct, valid and never the current one.
    /// </summary>
    internal static IEnumerable<long> Thresholds(long? current, long[] boundaries) =>
        current is { } now
            ? boundaries.Select(b => now < b ? b : b - 1)
            : [boundaries[0] - 1, .. boundaries];

    private static IEnumerable<T> Others<T>(T current) where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => !EqualityComparer<T>.Default.Equals(v, current));
}
