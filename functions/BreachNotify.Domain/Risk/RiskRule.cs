namespace BreachNotify.Domain.Risk;

/// <summary>
/// One named decision rule. When it fires it adds one reason line
/// (<c>[id] explanation (source)</c>) and, if <see cref="Floor"/> is set, raises the risk to at least that level.
/// </summary>
public sealed class RiskRule
{
    internal RiskRule(
        string id,
        RiskLevel? floor,
        string condition,
        string source,
        Func<BreachProfile, bool> when,
        Func<BreachProfile, string> explain,
        Func<BreachProfile, HarmDimensions>? dimensions = null)
    {
        Id = id;
        Floor = floor;
        Condition = condition;
        Source = source;
        When = when;
        Explain = explain;
        Dimensions = dimensions ?? (_ => HarmDimensions.None);
    }

    /// <summary>Stable kebab-case identifier, quoted in each reason line.</summary>
    public string Id { get; }

    /// <summary>The minimum risk the rule imposes when it fires; null for rules that only explain or mitigate.</summary>
    public RiskLevel? Floor { get; }

    /// <summary>Plain-language condition (documentation).</summary>
    public string Condition { get; }

    /// <summary>GDPR article, EDPB guideline or ENISA factor the rule rests on.</summary>
    public string Source { get; }

    internal Func<BreachProfile, bool> When { get; }
    internal Func<BreachProfile, string> Explain { get; }

    /// <summary>Harm dimensions a high-risk floor stems from; an Art 34(3)(a)/(b) exemption must cover all of them.</summary>
    internal Func<BreachProfile, HarmDimensions> Dimensions { get; }

    internal string Reason(BreachProfile profile) => $"[{Id}] {Explain(profile)} ({Source})";
}
