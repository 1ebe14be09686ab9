namespace BreachNotify.Domain.Risk;

/// <summary>
/// GDPR Art 33/34 risk decision engine. Pure and deterministic: the same facts always give an equal
/// <see cref="RiskAssessment"/>; no clock, no I/O.
/// <list type="number">
/// <item>Compute the ENISA severity (<see cref="EnisaSeverity"/>).</item>
/// <item>Evaluate <see cref="RiskRules.All"/> in order; the risk is the highest floor of the rules that fired.</item>
/// <item>Apply Art 34(3): (a) unintelligible data and (b) subsequent measures exempt individual communication
/// only if they cover every dimension the high risk stems from; (c) disproportionate effort replaces it with a
/// public communication.</item>
/// </list>
/// </summary>
public static class RiskEngine
{
    /// <summary>Version of the rule set; bump on any change of outcome.</summary>
    public const string Version = "2026.12.1";

    private const string Art34Source = "GDPR Art 34(3)";

    /// <summary>Assesses the facts. Throws <see cref="ArgumentException"/> when <see cref="BreachFacts.Validate"/> reports errors.</summary>
    public static RiskAssessment Assess(BreachFacts facts)
    {
        EnsureValid(facts);
        return Decide(facts);
    }

    /// <summary>
    /// Every single-fact change that would change the outcome of <see cref="Assess"/>, facts still unknown first
    /// (see <see cref="WhatIfAnalysis"/>). Throws <see cref="ArgumentException"/> when the facts are invalid.
    /// </summary>
    public static IReadOnlyList<WhatIf> WhatIf(BreachFacts facts) => WhatIfAnalysis.Of(facts, Assess(facts));

    /// <summary>Assesses facts already known to be valid.</summary>
    internal static RiskAssessment Decide(BreachFacts facts)
    {
        var severity = EnisaSeverity.Score(facts);
        var profile = new BreachProfile(facts, severity);
        var reasons = new List<string>();
        var risk = RiskLevel.Unlikely;
        var highFrom = HarmDimensions.None;

        foreach (var rule in RiskRules.All)
        {
            if (!rule.When(profile))
            {
                continue;
            }
            reasons.Add(rule.Reason(profile));
            if (rule.Floor is { } floor)
            {
                if (floor > risk)
                {
                    risk = floor;
                }
                if (floor == RiskLevel.High)
                {
                    highFrom |= rule.Dimensions(profile);
                }
            }
        }

        var exemptions = new List<string>();
        var high = risk == RiskLevel.High;

        // Art 34(3)(a) and (b) cover only the confidentiality dimension: encryption or deletion cannot undo
        // lost, altered or misused data (EDPB 01/2021 Case 03: backups/encryption do not remove the harm of unavailability).
        const HarmDimensions covered = HarmDimensions.Confidentiality;
        var coversHigh = !high || (highFrom & ~covered) == HarmDimensions.None;

        var aMet = profile.ConfidentialityAtStake && profile.Unintelligible;
        if (aMet)
        {
            if (coversHigh)
            {
                exemptions.Add(Art34Exemptions.Unintelligible);
                reasons.Add($"[{Art34Exemptions.Unintelligible}] The data are unintelligible to anyone not authorised: no communication to data subjects is required ({Art34Source}(a); EDPB Guidelines 9/2022 §III.D).");
            }
            else
            {
                reasons.Add($"[{Art34Exemptions.Unintelligible}-not-applicable] The data are unintelligible, but the high risk stems from {Describe(highFrom & ~covered)}, which encryption does not remove ({Art34Source}(a)).");
            }
        }

        var bMet = facts.Contained && !facts.MisuseObserved && profile.ConfidentialityAtStake
            && facts.Exfiltration != Exfiltration.Confirmed;
        if (bMet)
        {
            if (coversHigh)
            {
                exemptions.Add(Art34Exemptions.SubsequentMeasures);
                reasons.Add(high
                    ? $"[{Art34Exemptions.SubsequentMeasures}] Measures already taken (deletion, return, recall, wipe or reset) make misuse unlikely, so the high risk to confidentiality is no longer likely to materialise ({Art34Source}(b); EDPB Guidelines 9/2022 §III.D)."
                    : $"[{Art34Exemptions.SubsequentMeasures}] Measures already taken (deletion, return, recall, wipe or reset) make misuse unlikely ({Art34Source}(b); EDPB Guidelines 9/2022 §III.D).");
            }
            else
            {
                reasons.Add($"[{Art34Exemptions.SubsequentMeasures}-not-applicable] Containment does not address the high risk from {Describe(highFrom & ~covered)} ({Art34Source}(b)).");
            }
        }

        var exempted = high && exemptions.Count > 0;
        var mustCommunicate = high && !exempted;
        var publicCommunication = false;
        if (mustCommunicate && facts.DisproportionateEffort)
        {
            publicCommunication = true;
            exemptions.Add(Art34Exemptions.DisproportionateEffort);
            reasons.Add($"[{Art34Exemptions.DisproportionateEffort}] Individual communication would involve disproportionate effort: make a public communication or equally effective measure instead ({Art34Source}(c); EDPB Guidelines 9/2022 §III.D).");
        }

        var notifyAuthority = risk != RiskLevel.Unlikely;
        var notifyDataSubjects = mustCommunicate && !publicCommunication;

        reasons.Add(notifyAuthority
            ? "[art33-notify] Notify the competent supervisory authority without undue delay and, where feasible, within 72 hours of awareness (GDPR Art 33(1), 33(3))."
            : "[art33-not-required] The breach is unlikely to result in a risk: notification to the supervisory authority is not required (GDPR Art 33(1)).");
        if (notifyDataSubjects)
        {
            reasons.Add("[art34-communicate] Communicate the breach to the data subjects without undue delay in clear and plain language (GDPR Art 34(1), 34(2)).");
        }
        reasons.Add("[art33-5-document] Document the breach, its effects and the remedial action in the internal breach register (GDPR Art 33(5)).");

        return new RiskAssessment(
            severity,
            risk,
            notifyAuthority,
            notifyDataSubjects,
            publicCommunication,
            exemptions,
            reasons,
            Version);
    }

    internal static void EnsureValid(BreachFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var errors = facts.Validate();
        if (errors.Count > 0)
        {
            var detail = string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"));
            throw new ArgumentException($"Invalid breach facts: {detail}", nameof(facts));
        }
    }

    // Misuse never reaches here: (a) and (b) both require that no misuse was observed.
    private static string Describe(HarmDimensions dimensions)
    {
        var parts = new List<string>();
        if (dimensions.HasFlag(HarmDimensions.Availability))
        {
            parts.Add("the loss of availability");
        }
        if (dimensions.HasFlag(HarmDimensions.Integrity))
        {
            parts.Add("the loss of integrity");
        }
        return string.Join(" and ", parts);
    }
}
