namespace BreachNotify.Domain.Risk;

/// <summary>
/// ENISA severity of a personal data breach: <c>SE = DPC × EI + CB</c>.
/// Source: ENISA (2013), "Recommendations for a methodology of the assessment of severity of personal
/// data breaches", https://www.enisa.europa.eu/publications/dbn-severity (tables summarised in
/// docs/risk-engine.md). Pure and exact: every factor is a decimal from a fixed table.
/// </summary>
public static class EnisaSeverity
{
    /// <summary>ENISA bands: low &lt; 2 ≤ medium &lt; 3 ≤ high &lt; 4 ≤ very high.</summary>
    public const decimal MediumFrom = 2m;
    public const decimal HighFrom = 3m;
    public const decimal VeryHighFrom = 4m;

    public const decimal EiNegligible = 0.25m;
    public const decimal EiLimited = 0.5m;
    public const decimal EiSignificant = 0.75m;
    public const decimal EiMaximum = 1.0m;

    public const decimal MaliciousIntentScore = 0.5m;

    private const int DpcMin = 1;
    private const int DpcMax = 4;

    /// <summary>Computes the ENISA severity. Throws <see cref="ArgumentException"/> when the facts are invalid.</summary>
    public static SeverityScore Compute(BreachFacts facts)
    {
        RiskEngine.EnsureValid(facts);
        return Score(facts);
    }

    internal static SeverityScore Score(BreachFacts facts)
    {
        var dpc = DataProcessingContext(facts);
        var ei = EaseOfIdentification(facts);
        var cb = Circumstances(facts);
        var score = dpc * ei + cb;
        return new SeverityScore(score, Band(score), dpc, ei, cb);
    }

    /// <summary>Maps a score to its ENISA band (exact decimal comparisons).</summary>
    public static SeverityLevel Band(decimal score) => score switch
    {
        < MediumFrom => SeverityLevel.Low,
        < HighFrom => SeverityLevel.Medium,
        < VeryHighFrom => SeverityLevel.High,
        _ => SeverityLevel.VeryHigh,
    };

    /// <summary>
    /// ENISA base DPC per category, including the fixed context adjustments the category itself implies:
    /// simple 1, behavioural 2, financial 3, sensitive 4.
    /// </summary>
    public static int BaseDataProcessingContext(DataCategory category) => category switch
    {
        // Simple data (ENISA 1): contact, biographical, family, education, professional.
        DataCategory.Contact => 1,
        DataCategory.Identity => 1,
        DataCategory.Education => 1,
        DataCategory.Employment => 1,
        // Simple +1: official identifiers enable identity fraud and profiling of social/financial status
        // (ENISA simple +1; GDPR Recital 85 identity theft; Art 87 national identification numbers).
        DataCategory.OfficialId => 2,
        // Behavioural (ENISA 2): location, traffic, habits, preferences.
        DataCategory.Usage => 2,
        DataCategory.Location => 2,
        // Credentials score as the data they open (ENISA): at least behavioural (the account's profile);
        // the contents of the account are declared as their own categories and scored there.
        DataCategory.Credentials => 2,
        // Behavioural +1: message content gives a detailed profile (ENISA behavioural +1).
        DataCategory.Communications => 3,
        // Financial (ENISA 3): income, transactions, balances, billing.
        DataCategory.Financial => 3,
        // Financial +1: full card data (ENISA financial +1).
        DataCategory.PaymentCard => 4,
        // Sensitive (ENISA 4): Art 9 and Art 10 data.
        DataCategory.Health => 4,
        DataCategory.SpecialCategory => 4,
        DataCategory.Criminal => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown data category."),
    };

    /// <summary>DPC of one category in this breach: base, +1 for vulnerable subjects (ENISA increasing factor: minors, vulnerable people), clamped to 1–4.</summary>
    public static int CategoryDataProcessingContext(DataCategory category, bool vulnerableSubjects)
    {
        var dpc = BaseDataProcessingContext(category) + (vulnerableSubjects ? 1 : 0);
        return Math.Clamp(dpc, DpcMin, DpcMax);
    }

    /// <summary>DPC: the highest category score present (ENISA).</summary>
    public static decimal DataProcessingContext(BreachFacts facts) =>
        facts.DataCategories.Max(c => CategoryDataProcessingContext(c, facts.VulnerableSubjects));

    /// <summary>
    /// EI: negligible 0.25 when state-of-the-art encryption or hashing is intact; limited 0.5 when
    /// pseudonymised with the mapping safe; otherwise maximum 1 when a directly identifying category is
    /// present, else significant 0.75 (identifiable by cross-referencing).
    /// </summary>
    public static decimal EaseOfIdentification(BreachFacts facts)
    {
        if (!facts.ProtectionCompromised)
        {
            switch (facts.Protection)
            {
                case Protection.Encrypted:
                case Protection.Hashed:
                    return EiNegligible;
                case Protection.Pseudonymised:
                    return EiLimited;
            }
        }
        return facts.DataCategories.Any(IsDirectlyIdentifying) ? EiMaximum : EiSignificant;
    }

    /// <summary>Categories that by themselves name the person (ENISA: name with e-mail or birth date identifies directly).</summary>
    public static bool IsDirectlyIdentifying(DataCategory category) => category is
        DataCategory.Contact or DataCategory.Identity or DataCategory.OfficialId or DataCategory.PaymentCard
        or DataCategory.Communications or DataCategory.Employment;

    /// <summary>CB: sum of the confidentiality, integrity and availability circumstances and malicious intent.</summary>
    public static decimal Circumstances(BreachFacts facts) =>
        ConfidentialityCircumstance(facts)
        + IntegrityCircumstance(facts.IntegrityImpact)
        + AvailabilityCircumstance(facts.AvailabilityImpact)
        + (facts.MaliciousIntent ? MaliciousIntentScore : 0m);

    /// <summary>
    /// Loss of confidentiality: 0 exposed without evidence of processing; +0.25 known recipients;
    /// +0.5 unknown recipients or confirmed exfiltration. Exfiltration that cannot be ruled out counts
    /// +0.25 (engine interpretation: possible disclosure). Highest applicable value.
    /// </summary>
    public static decimal ConfidentialityCircumstance(BreachFacts facts)
    {
        var byExposure = facts.Exposure switch
        {
            Exposure.TrustedRecipient or Exposure.KnownRecipients => 0.25m,
            Exposure.UnknownRecipients => 0.5m,
            _ => 0m,
        };
        var byExfiltration = facts.Exfiltration switch
        {
            Exfiltration.Unknown => 0.25m,
            Exfiltration.Confirmed => 0.5m,
            _ => 0m,
        };
        return Math.Max(byExposure, byExfiltration);
    }

    /// <summary>Loss of integrity: 0 none or recovered before misuse; +0.25 recoverable; +0.5 unrecoverable.</summary>
    public static decimal IntegrityCircumstance(IntegrityImpact impact) => impact switch
    {
        IntegrityImpact.Recoverable => 0.25m,
        IntegrityImpact.Unrecoverable => 0.5m,
        _ => 0m,
    };

    /// <summary>Loss of availability: 0 recoverable without difficulty; +0.25 temporary (delayed, severe); +0.5 full (permanent).</summary>
    public static decimal AvailabilityCircumstance(AvailabilityImpact impact) => impact switch
    {
        AvailabilityImpact.Delayed or AvailabilityImpact.Severe => 0.25m,
        AvailabilityImpact.Permanent => 0.5m,
        _ => 0m,
    };
}
