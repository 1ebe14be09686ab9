namespace BreachNotify.Domain.Risk;

/// <summary>Codes of the GDPR Art 34(3) conditions under which individual communication is not required.</summary>
public static class Art34Exemptions
{
    /// <summary>Art 34(3)(a): the data were unintelligible to unauthorised persons (e.g. state-of-the-art encryption, key safe).</summary>
    public const string Unintelligible = "art34-3-a";

    /// <summary>Art 34(3)(b): subsequent measures ensure the high risk is no longer likely to materialise.</summary>
    public const string SubsequentMeasures = "art34-3-b";

    /// <summary>Art 34(3)(c): individual communication would involve disproportionate effort; a public communication replaces it.</summary>
    public const string DisproportionateEffort = "art34-3-c";
}
