namespace BreachNotify.Domain.Risk;

/// <summary>Derived predicates over valid <see cref="BreachFacts"/>, computed once per assessment.</summary>
internal sealed class BreachProfile
{
    /// <summary>At or above this many data subjects a breach is large-scale (engine threshold; EDPB 01/2021 Case 11 concerned more than 100,000 people).</summary>
    public const long LargeScaleSubjects = 10_000;

    /// <summary>At most this many data subjects counts as "few people" for a contained misdirection to known recipients (EDPB 01/2021 Case 13 concerned two customers).</summary>
    public const long FewSubjects = 10;

    /// <summary>This many distinct data categories or more form a detailed profile (ENISA: volume of data per person).</summary>
    public const int DetailedProfileCategories = 4;

    public static readonly IReadOnlySet<DataCategory> SpecialCategories =
        new HashSet<DataCategory> { DataCategory.Health, DataCategory.SpecialCategory, DataCategory.Criminal };

    public static readonly IReadOnlySet<DataCategory> FraudEnabling =
        new HashSet<DataCategory> { DataCategory.OfficialId, DataCategory.Financial, DataCategory.PaymentCard, DataCategory.Credentials };

    public static readonly IReadOnlySet<DataCategory> PrivateLife =
        new HashSet<DataCategory> { DataCategory.Communications, DataCategory.Location };

    /// <summary>Categories whose disclosure even to identified, non-malicious recipients is high risk (EDPB 01/2021 Case 14).</summary>
    public static readonly IReadOnlySet<DataCategory> MisdirectionHighImpact =
        new HashSet<DataCategory>
        {
            DataCategory.Health, DataCategory.SpecialCategory, DataCategory.Criminal,
            DataCategory.OfficialId, DataCategory.PaymentCard, DataCategory.Credentials,
        };

    /// <summary>Categories whose observed misuse amounts to identity theft, fraud or comparable harm (Recital 85).</summary>
    public static readonly IReadOnlySet<DataCategory> MisuseHighImpact =
        new HashSet<DataCategory>
        {
            DataCategory.Identity, DataCategory.OfficialId, DataCategory.Financial, DataCategory.PaymentCard,
            DataCategory.Credentials, DataCategory.Communications, DataCategory.Location,
            DataCategory.Health, DataCategory.SpecialCategory, DataCategory.Criminal,
        };

    /// <summary>Categories whose unrecoverable alteration can lead to wrong care, financial or legal decisions.</summary>
    public static readonly IReadOnlySet<DataCategory> IntegrityCritical =
        new HashSet<DataCategory>
        {
            DataCategory.Health, DataCategory.SpecialCategory, DataCategory.Criminal,
            DataCategory.Financial, DataCategory.OfficialId,
        };

    public BreachProfile(BreachFacts facts, SeverityScore severity)
    {
        Facts = facts;
        Severity = severity;

        HasConfidentiality = facts.BreachTypes.Contains(BreachType.Confidentiality);
        ConfidentialityAtStake = HasConfidentiality || facts.Exfiltration != Exfiltration.RuledOut;

        var intactProtection = !facts.ProtectionCompromised && !facts.MisuseObserved;
        Unintelligible = intactProtection && facts.Protection is Protection.Encrypted or Protection.Hashed;
        PseudonymisedIntact = intactProtection && facts.Protection == Protection.Pseudonymised;
        FullyIdentifiable = !Unintelligible && !PseudonymisedIntact;

        Hostile = ConfidentialityAtStake
            && (facts.Exposure == Exposure.UnknownRecipients
                || facts.Exfiltration == Exfiltration.Confirmed
                || (facts.MaliciousIntent && facts.Exposure != Exposure.None));

        RecipientContained = HasConfidentiality
            && !Unintelligible
            && facts.Exposure is Exposure.None or Exposure.TrustedRecipient or Exposure.KnownRecipients
            && (facts.Exposure != Exposure.KnownRecipients || facts.DataSubjects <= FewSubjects)
            && facts.Contained
            && !facts.MaliciousIntent
            && facts.Exfiltration == Exfiltration.RuledOut
            && !facts.MisuseObserved
            && !facts.VulnerableSubjects
            && !Any(MisdirectionHighImpact);

        ConfidentialityNeutralised = !ConfidentialityAtStake || Unintelligible || RecipientContained;
        AvailabilityHarm = facts.AvailabilityImpact >= AvailabilityImpact.Delayed;
        IntegrityHarm = facts.IntegrityImpact >= IntegrityImpact.Recoverable;
        AllClear = ConfidentialityNeutralised && !AvailabilityHarm && !IntegrityHarm && !facts.MisuseObserved;

        var dims = HarmDimensions.None;
        if (!ConfidentialityNeutralised)
        {
            dims |= HarmDimensions.Confidentiality;
        }
        if (IntegrityHarm)
        {
            dims |= HarmDimensions.Integrity;
        }
        if (AvailabilityHarm)
        {
            dims |= HarmDimensions.Availability;
        }
        if (facts.MisuseObserved)
        {
            dims |= HarmDimensions.Misuse;
        }
        Harm = dims;
    }

    public BreachFacts Facts { get; }
    public SeverityScore Severity { get; }

    public bool HasConfidentiality { get; }

    /// <summary>A confidentiality breach, or exfiltration that is not ruled out.</summary>
    public bool ConfidentialityAtStake { get; }

    /// <summary>State-of-the-art encryption or hashing, key/salt safe, and no evidence of misuse.</summary>
    public bool Unintelligible { get; }

    /// <summary>Pseudonymised with the mapping safe and no evidence of misuse.</summary>
    public bool PseudonymisedIntact { get; }

    public bool FullyIdentifiable { get; }

    /// <summary>The data reached, or may have reached, a hostile or unknown party.</summary>
    public bool Hostile { get; }

    /// <summary>Accidental disclosure to an identified recipient (or none), contained, ordinary data only.</summary>
    public bool RecipientContained { get; }

    public bool ConfidentialityNeutralised { get; }
    public bool AvailabilityHarm { get; }
    public bool IntegrityHarm { get; }

    /// <summary>No residual harm in any dimension: the breach is unlikely to result in a risk.</summary>
    public bool AllClear { get; }

    public HarmDimensions Harm { get; }

    public bool Any(IReadOnlySet<DataCategory> set) => Facts.DataCategories.Any(set.Contains);

    public string Names(IReadOnlySet<DataCategory> set) =>
        string.Join(", ", Facts.DataCategories.Where(set.Contains).Select(Kebab));

    public static string Kebab<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    chars.Append('-');
                }
                chars.Append(char.ToLowerInvariant(c));
            }
            else
            {
                chars.Append(c);
            }
        }
        return chars.ToString();
    }
}
