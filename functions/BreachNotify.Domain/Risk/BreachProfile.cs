namespace BreachNotify.Domain.Risk;

/// <summary>Derived predicates over valid <see cref="BreachFacts"/>, computed once per assessment.</summary>
internal sealed class BreachProfile
{
    /// <summary>At or above this many data subjects a breach is large-scale (engine threshold; EDPB 01/2021 Case 11 concerned more than 100,000 people).</summary>
    public const long LargeScaleSubjects = 10_000;

    /// <summary>At most this many identified recipients form a small circle whose deletion or silence can be relied on (engine threshold; EDPB 01/2021 Cases 09, 13 and 15 had 1 to 15).</summary>
    public const long SmallCircleRecipients = 20;

    /// <summary>At or above this many recipients a mistaken disclosure has spread beyond control (engine threshold; WP29 WP250 Annex B: 1,000+ recipients; EDPB 01/2021 Case 14: every job seeker on the list).</summary>
    public const long WideCircleRecipients = 100;

    /// <summary>This many distinct data categories or more form a detailed profile (ENISA: volume of data per person).</summary>
    public const int DetailedProfileCategories = 4;

    public static readonly IReadOnlySet<DataCategory> SpecialCategories =
        new HashSet<DataCategory> { DataCategory.Health, DataCategory.SpecialCategory, DataCategory.Criminal };

    public static readonly IReadOnlySet<DataCategory> FraudEnabling =
        new HashSet<DataCategory> { DataCategory.OfficialId, DataCategory.Financial, DataCategory.PaymentCard, DataCategory.Credentials };

    /// <summary>Identifiers and secrets that open accounts or an identity by themselves; an ordinary recipient's word that they were deleted is not enough.</summary>
    public static readonly IReadOnlySet<DataCategory> KeyData =
        new HashSet<DataCategory> { DataCategory.OfficialId, DataCategory.PaymentCard, DataCategory.Credentials };

    public static readonly IReadOnlySet<DataCategory> PrivateLife =
        new HashSet<DataCategory> { DataCategory.Communications, DataCategory.Location };

    /// <summary>Data whose wide or large-scale disclosure, even by mistake, enables fraud or exposes private life (Recital 85).</summary>
    public static readonly IReadOnlySet<DataCategory> SpreadHarmful =
        new HashSet<DataCategory>(FraudEnabling.Concat(PrivateLife));

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

        // A mistake: identified recipients, no malice, no copy confirmed in an attacker's hands.
        Misdirected = HasConfidentiality && !Hostile
            && facts.Exposure is Exposure.TrustedRecipient or Exposure.KnownRecipients;
        Recipients = facts.Recipients ?? (facts.OpenRecipientList ? facts.DataSubjects : null);
        // Unknown count: a trusted recipient is few by definition; identified recipients are neither few nor many.
        SmallCircle = Misdirected && (Recipients is { } few
            ? few <= SmallCircleRecipients
            : facts.Exposure == Exposure.TrustedRecipient);
        WideCircle = Misdirected && Recipients >= WideCircleRecipients;
        LargeScale = facts.DataSubjects >= LargeScaleSubjects;
        // Harm that arises from others merely knowing (discrimination, reputation) or that falls on vulnerable people.
        KnowledgeHarm = Any(SpecialCategories) || facts.VulnerableSubjects;
        SimpleDataOnly = facts.DataCategories.All(c => EnisaSeverity.BaseDataProcessingContext(c) == 1);
        EffectivelyContained = facts.Contained && facts.Exfiltration == Exfiltration.RuledOut && !facts.MisuseObserved;

        AccessContained = HasConfidentiality && facts.Exposure == Exposure.None && EffectivelyContained;
        RecipientContained = SmallCircle && EffectivelyContained && !KnowledgeHarm && !LargeScale
            && (facts.Exposure == Exposure.TrustedRecipient || !Any(KeyData));
        MinorMisdirection = SmallCircle && SimpleDataOnly && !KnowledgeHarm && !LargeScale
            && facts.Exfiltration == Exfiltration.RuledOut && !facts.MisuseObserved;

        ConfidentialityNeutralised = !ConfidentialityAtStake || Unintelligible
            || AccessContained || RecipientContained || MinorMisdirection;
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

    /// <summary>Disclosed by mistake to identified recipients (trusted or known), without malice or a confirmed exfiltration.</summary>
    public bool Misdirected { get; }

    /// <summary>How many received the data by mistake: as given, else the list's size for an open recipient list, else unknown.</summary>
    public long? Recipients { get; }

    public bool SmallCircle { get; }
    public bool WideCircle { get; }
    public bool LargeScale { get; }
    public bool KnowledgeHarm { get; }

    /// <summary>Every category is ENISA "simple" data (contact, identity, education, employment).</summary>
    public bool SimpleDataOnly { get; }

    /// <summary>Contained, exfiltration ruled out and no misuse: the measures can be relied on.</summary>
    public bool EffectivelyContained { get; }

    /// <summary>Nobody is known to have accessed the data and it was secured.</summary>
    public bool AccessContained { get; }

    /// <summary>A small circle of identified recipients confirmed deletion or return; no data whose harm lies in being known.</summary>
    public bool RecipientContained { get; }

    /// <summary>Only simple data reached a small circle of identified recipients by mistake.</summary>
    public bool MinorMisdirection { get; }

    public bool ConfidentialityNeutralised { get; }
    public bool AvailabilityHarm { get; }
    public bool IntegrityHarm { get; }

    /// <summary>No residual harm in any dimension: the breach is unlikely to result in a risk.</summary>
    public bool AllClear { get; }

    public HarmDimensions Harm { get; }

    public bool Any(IReadOnlySet<DataCategory> set) => Facts.DataCategories.Any(set.Contains);

    public string Names(IReadOnlySet<DataCategory> set) =>
        string.Join(", ", Facts.DataCategories.Where(set.Contains).Select(Kebab));

    /// <summary>Who received the data by mistake, as far as the facts say.</summary>
    public string RecipientsText()
    {
        var trusted = Facts.Exposure == Exposure.TrustedRecipient;
        return Recipients switch
        {
            null => trusted ? "a few recipients bound by confidentiality" : "identified recipients (how many is not known)",
            1 => trusted ? "one recipient bound by confidentiality" : "one identified recipient",
            { } n => FormattableString.Invariant($"{n} {(trusted ? "recipients bound by confidentiality" : "identified recipients")}"),
        };
    }

    /// <summary>Who the hostile party is; only meaningful when <see cref="Hostile"/>.</summary>
    public string HostileParty() =>
        Facts.Exposure == Exposure.UnknownRecipients ? "unknown recipients"
        : Facts.Exfiltration == Exfiltration.Confirmed ? "an attacker who copied them out"
        : "someone acting with malicious intent";

    /// <summary>How the data were protected, as far as it matters for who can read them.</summary>
    public string ProtectionText() => Facts.Protection switch
    {
        Protection.None => "Unencrypted personal data",
        Protection.Pseudonymised when Facts.ProtectionCompromised => "Pseudonymised personal data whose mapping was exposed too",
        Protection.Pseudonymised => "Pseudonymised personal data (mapping safe)",
        _ when Facts.ProtectionCompromised => $"{Capitalised(Kebab(Facts.Protection))} personal data whose key or salt was exposed too",
        _ => $"{Capitalised(Kebab(Facts.Protection))} personal data that observed misuse shows to be readable",
    };

    /// <summary>What happened to the data, from the exposure.</summary>
    public string ExposureText() => Facts.Exposure switch
    {
        Exposure.None => "exposed, with no evidence that anyone accessed them",
        Exposure.UnknownRecipients => "disclosed to or accessed by unknown recipients",
        _ => $"disclosed to {RecipientsText()}",
    };

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];

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
