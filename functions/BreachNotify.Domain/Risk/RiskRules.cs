namespace BreachNotify.Domain.Risk;

/// <summary>
/// The GDPR decision rules, evaluated in this order. Sources: GDPR Art 33/34 and recitals 75, 85;
/// EDPB Guidelines 9/2022 on personal data breach notification (v2.0, 28 March 2023);
/// EDPB Guidelines 01/2021 on examples regarding personal data breach notification (v2.0, 14 December 2021),
/// cited by case number; ENISA (2013) severity methodology.
/// </summary>
public static class RiskRules
{
    private const string Enisa = "ENISA 2013 severity methodology";
    private const string G01 = "EDPB Guidelines 01/2021";
    private const string G09 = "EDPB Guidelines 9/2022";
    private const string WP250 = "WP29 WP250 rev.01";

    private static readonly IReadOnlySet<DataCategory> AllCategories = new HashSet<DataCategory>(Enum.GetValues<DataCategory>());

    /// <summary>All risk rules in evaluation order.</summary>
    public static IReadOnlyList<RiskRule> All { get; } =
    [
        new(
            "enisa-severity", null,
            "always: report SE = DPC × EI + CB and its band",
            $"{Enisa}, referred to by {G09} §IV.B",
            _ => true,
            p => FormattableString.Invariant($"ENISA severity {p.Severity.Score} ({BreachProfile.Kebab(p.Severity.Level)}) = DPC {p.Severity.DataProcessingContext} × EI {p.Severity.EaseOfIdentification} + CB {p.Severity.Circumstances}.")),

        // ---- Mitigating facts (explain why a dimension carries no residual risk) ----
        new(
            "data-unintelligible", null,
            "confidentiality at stake, data encrypted or strongly hashed, key/salt safe, no misuse observed",
            $"GDPR Art 34(3)(a); {G09} §II.A.1, §III.D; {G01} Cases 01, 06, 10",
            p => p.ConfidentialityAtStake && p.Unintelligible,
            _ => "State-of-the-art encryption or hashing with the key or salt safe leaves the data unintelligible: no confidentiality risk."),
        new(
            "access-contained", null,
            "confidentiality breach, exposure none (no evidence of access), contained, exfiltration ruled out, no misuse",
            $"{G01} Case 10 (device wiped); {WP250} Annex B (no evidence the flaw was used: recordable, not notifiable); GDPR Art 33(1)",
            p => p.AccessContained,
            _ => "Nobody is known to have accessed the data and they were secured (recovered, wiped or closed off) with exfiltration ruled out: no confidentiality risk."),
        new(
            "recipient-contained", null,
            $"mistaken disclosure to a small circle (a trusted recipient, or ≤ {BreachProfile.SmallCircleRecipients} identified recipients), contained, exfiltration ruled out, no misuse; no Art 9/10 data, vulnerable subjects or large scale; key data (official-id, payment-card, credentials) only with a trusted recipient",
            $"{G01} Case 09 (trusted third party confirmed deletion), Case 13 (misdelivered parcels recalled); {WP250} §IV.B (trusted recipient); GDPR Art 33(1)",
            p => p.RecipientContained,
            p => $"The data reached {p.RecipientsText()} by mistake and deletion or return was confirmed: misuse is unlikely, no confidentiality risk."),
        new(
            "misdirected-minor", null,
            $"mistaken disclosure of simple data only (ENISA DPC 1: contact, identity, education, employment) to a small circle (a trusted recipient, or ≤ {BreachProfile.SmallCircleRecipients} identified recipients); no vulnerable subjects or large scale; exfiltration ruled out; no misuse",
            $"{Enisa} (simple data, known recipients: low); {G01} Case 15 (course list sent to 15 people); {WP250} Annex B (To/Cc list: notify when many people, sensitive data or other high-risk factors)",
            p => p.MinorMisdirection,
            p => $"Only simple data ({p.Names(AllCategories)}) reached {p.RecipientsText()} by mistake, without malice: at most minor inconvenience, no confidentiality risk."),
        new(
            "open-recipient-list", null,
            "an e-mail revealed its recipients' addresses to each other (To/Cc instead of Bcc)",
            $"{WP250} Annex B (direct marketing e-mail with the recipients in To or Cc); GDPR Art 4(12)",
            p => p.Facts.OpenRecipientList,
            p => FormattableString.Invariant($"The e-mail showed {p.Recipients} recipients each other's addresses: what being on the list reveals ({p.Names(AllCategories)}) and how many saw it decide the risk.")),
        new(
            "pseudonymised", null,
            "confidentiality at stake and not otherwise neutralised, data pseudonymised, mapping safe, no misuse",
            $"{G09} §IV.B (pseudonymisation reduces the likelihood of identification but is not unintelligibility); GDPR Art 4(5)",
            p => p.ConfidentialityAtStake && p.PseudonymisedIntact && !p.ConfidentialityNeutralised,
            _ => "Pseudonymised data with the mapping safe: identification is harder, so the high-risk confidentiality rules do not apply, but disclosure is still a risk."),
        new(
            "availability-restored", null,
            "availability breach restored quickly (or without impact)",
            $"{G01} Case 01 (backup restored within hours, no effect on people); {Enisa} availability 0",
            p => p.Facts.BreachTypes.Contains(BreachType.Availability) && !p.AvailabilityHarm,
            p => p.Facts.AvailabilityImpact == AvailabilityImpact.None
                ? "The loss of availability had no effect on people: it carries no risk."
                : "Data restored quickly from backup without effect on people: the loss of availability carries no risk."),
        new(
            "integrity-recovered", null,
            "integrity breach recovered before misuse (or without impact)",
            $"{Enisa} integrity 0 (recovered before misuse)",
            p => p.Facts.BreachTypes.Contains(BreachType.Integrity) && !p.IntegrityHarm,
            p => p.Facts.IntegrityImpact == IntegrityImpact.None
                ? "The alteration had no effect on the data people depend on: it carries no risk."
                : "Altered data were recovered before any use: the loss of integrity carries no risk."),

        // ---- Confidentiality ----
        new(
            "confidentiality-intelligible", RiskLevel.Risk,
            "confidentiality breach not neutralised by unintelligibility, containment or a minor mistake",
            $"GDPR Art 33(1); {G09} §IV.B; {G01} Cases 08, 11, 16; {WP250} Annex B (statement sent to the wrong customer)",
            p => p.HasConfidentiality && !p.ConfidentialityNeutralised,
            p => $"{p.ProtectionText()} were {p.ExposureText()}: a risk to the people concerned that the authority must hear of.",
            _ => HarmDimensions.Confidentiality),
        new(
            "exfiltration-not-ruled-out", RiskLevel.Risk,
            "no confidentiality breach found, but exfiltration cannot be ruled out and the data are intelligible",
            $"{G01} Case 02 (without logs a confidentiality breach cannot be excluded); {G09} (if in doubt, err on the side of caution)",
            p => !p.HasConfidentiality && p.Facts.Exfiltration == Exfiltration.Unknown && !p.Unintelligible,
            _ => "Exfiltration of data that are not unintelligible cannot be ruled out: a possible confidentiality breach is a risk.",
            _ => HarmDimensions.Confidentiality),
        new(
            "hostile-special-category", RiskLevel.High,
            "hostile or unknown party (unknown recipients, confirmed exfiltration or malicious access) + identifiable Art 9/10 data",
            $"GDPR Art 9, Art 10, Recital 75, Recital 85 (discrimination, damage to reputation); {G01} Case 12",
            p => p.Hostile && p.FullyIdentifiable && p.Any(BreachProfile.SpecialCategories),
            p => $"Special-category or criminal data ({p.Names(BreachProfile.SpecialCategories)}) reached {p.HostileParty()}: likely high risk.",
            _ => HarmDimensions.Confidentiality),
        new(
            "hostile-fraud-enabling", RiskLevel.High,
            "hostile or unknown party + identifiable official-id, financial, payment-card or credentials data",
            $"GDPR Recital 85 (identity theft or fraud, financial loss); {G01} Cases 04, 07, 17, 18",
            p => p.Hostile && p.FullyIdentifiable && p.Any(BreachProfile.FraudEnabling),
            p => $"Data enabling identity theft or fraud ({p.Names(BreachProfile.FraudEnabling)}) reached {p.HostileParty()}: likely high risk.",
            _ => HarmDimensions.Confidentiality),
        new(
            "hostile-private-life", RiskLevel.High,
            "hostile or unknown party + identifiable message content or location data",
            $"GDPR Recital 75 (location or movements), Recital 85 (loss of confidentiality); {G01} Case 18",
            p => p.Hostile && p.FullyIdentifiable && p.Any(BreachProfile.PrivateLife),
            p => $"Private-life data ({p.Names(BreachProfile.PrivateLife)}) reached {p.HostileParty()}: likely high risk.",
            _ => HarmDimensions.Confidentiality),
        new(
            "hostile-vulnerable", RiskLevel.High,
            "hostile or unknown party + vulnerable subjects (children, patients)",
            $"GDPR Recital 75 (children, vulnerable natural persons); {G09} §IV.B (special characteristics of the individual); {Enisa} increasing factor",
            p => p.Hostile && p.FullyIdentifiable && p.Facts.VulnerableSubjects,
            p => $"Data about vulnerable people (children, patients) reached {p.HostileParty()}: likely high risk.",
            _ => HarmDimensions.Confidentiality),
        new(
            "hostile-large-scale", RiskLevel.High,
            "hostile or unknown party + ≥ 10,000 data subjects (BreachProfile.LargeScaleSubjects)",
            $"{G09} §IV.B (number of affected individuals); {G01} Case 11 (stolen unencrypted notebook, >100,000 customers)",
            p => p.Hostile && p.FullyIdentifiable && p.Facts.DataSubjects >= BreachProfile.LargeScaleSubjects,
            p => FormattableString.Invariant($"{p.Facts.DataSubjects} people's identifiable data reached {p.HostileParty()}: large scale makes misuse likely, high risk."),
            _ => HarmDimensions.Confidentiality),
        new(
            "hostile-detailed-profile", RiskLevel.High,
            $"hostile or unknown party + ≥ {BreachProfile.DetailedProfileCategories} data categories per person",
            $"{Enisa} (volume of data per person); GDPR Recital 75 (profiles); {G01} Case 05",
            p => p.Hostile && p.FullyIdentifiable && p.Facts.DataCategories.Count >= BreachProfile.DetailedProfileCategories,
            p => FormattableString.Invariant($"A detailed profile ({p.Facts.DataCategories.Count} data categories per person) reached {p.HostileParty()}: enables targeted fraud and phishing, high risk."),
            _ => HarmDimensions.Confidentiality),
        new(
            "misdirected-special-category", RiskLevel.High,
            "mistaken disclosure to identified recipients + identifiable Art 9/10 data (health, other special categories, criminal)",
            $"GDPR Art 9, Art 10, Recital 75, Recital 85 (discrimination, damage to reputation); {WP250} Annex B (To/Cc list of a psychotherapist's clients); {G09} §IV.B (sensitivity)",
            p => p.Misdirected && p.FullyIdentifiable && p.Any(BreachProfile.SpecialCategories),
            p => $"Special-category or criminal data ({p.Names(BreachProfile.SpecialCategories)}) reached {p.RecipientsText()} by mistake: being known is itself the harm (discrimination, reputation), likely high risk even without malice.",
            _ => HarmDimensions.Confidentiality),
        new(
            "misdirected-widely", RiskLevel.High,
            $"mistaken disclosure + identifiable official-id, financial, payment-card, credentials, communications or location data + ≥ {BreachProfile.WideCircleRecipients} recipients or ≥ {BreachProfile.LargeScaleSubjects} data subjects",
            $"{G01} Case 14 (social-security numbers e-mailed to many recipients); {WP250} Annex B (1,000+ recipients; initial passwords in a To/Cc mail); GDPR Recital 85",
            p => p.Misdirected && p.FullyIdentifiable && p.Any(BreachProfile.SpreadHarmful) && (p.WideCircle || p.LargeScale),
            p => FormattableString.Invariant($"Data that enable fraud or expose private life ({p.Names(BreachProfile.SpreadHarmful)}) of {p.Facts.DataSubjects} people reached {p.RecipientsText()} by mistake: {(p.WideCircle ? "too many recipients to rely on deletion" : "large scale")}, so fraud or exposure of private life becomes likely, high risk."),
            _ => HarmDimensions.Confidentiality),

        // ---- Misuse ----
        new(
            "misuse-observed", RiskLevel.Risk,
            "evidence that the data were used",
            $"GDPR Art 33(1), Recital 85; {G01} Case 08 (former employee luring clients)",
            p => p.Facts.MisuseObserved,
            _ => "The data have been misused: harm has materialised, at least a risk.",
            _ => HarmDimensions.Misuse),
        new(
            "misuse-identity-fraud", RiskLevel.High,
            "misuse observed + identity, official-id, financial, payment-card, credentials, communications, location or Art 9/10 data (any number of people, even one)",
            $"GDPR Recital 85 (identity theft or fraud); {G01} Cases 07, 17",
            p => p.Facts.MisuseObserved && p.Any(BreachProfile.MisuseHighImpact),
            p => $"Observed misuse of {p.Names(BreachProfile.MisuseHighImpact)} data amounts to identity theft or fraud: high risk even for a single person.",
            _ => HarmDimensions.Misuse),

        // ---- Availability ----
        new(
            "availability-delayed", RiskLevel.Risk,
            "availability impact delayed (days, minor effects)",
            $"{G01} Case 02 (no proper backup, restored within days); {Enisa} availability +0.25",
            p => p.Facts.AvailabilityImpact == AvailabilityImpact.Delayed,
            _ => "Data were unavailable for days: a risk to the people who depend on them.",
            _ => HarmDimensions.Availability),
        new(
            "availability-severe", RiskLevel.High,
            "availability impact severe (major effects on people)",
            $"{G01} Case 03 (hospital: delayed or cancelled care); GDPR Art 34(1)",
            p => p.Facts.AvailabilityImpact == AvailabilityImpact.Severe,
            _ => "Loss of availability has major effects on people (e.g. cancelled care): high risk.",
            _ => HarmDimensions.Availability),
        new(
            "availability-permanent", RiskLevel.High,
            "availability impact permanent (data lost)",
            $"{Enisa} availability +0.5 (full, unrecoverable); {G09} §I.B.2 (permanent loss), if in doubt err on the side of caution",
            p => p.Facts.AvailabilityImpact == AvailabilityImpact.Permanent,
            _ => "Data are permanently lost: people lose them and whatever depends on them for good, high risk.",
            _ => HarmDimensions.Availability),

        // ---- Integrity ----
        new(
            "integrity-altered", RiskLevel.Risk,
            "integrity impact recoverable or unrecoverable",
            $"GDPR Art 4(12) (alteration); {Enisa} integrity +0.25/+0.5",
            p => p.IntegrityHarm,
            p => $"Personal data were altered ({BreachProfile.Kebab(p.Facts.IntegrityImpact)}) and may have been used in altered form: a risk.",
            _ => HarmDimensions.Integrity),
        new(
            "integrity-unrecoverable-critical", RiskLevel.High,
            "integrity unrecoverable + health, Art 9/10, financial or official-id data, or vulnerable subjects",
            $"{G09} §I.B.3 (consequences of alteration); GDPR Recital 85",
            p => p.Facts.IntegrityImpact == IntegrityImpact.Unrecoverable
                && (p.Any(BreachProfile.IntegrityCritical) || p.Facts.VulnerableSubjects),
            _ => "Critical data were altered beyond recovery: wrong care, financial or legal decisions are likely, high risk.",
            _ => HarmDimensions.Integrity),

        // ---- ENISA cross-check (not applied when every dimension is neutralised) ----
        new(
            "enisa-medium-or-above", RiskLevel.Risk,
            "ENISA SE ≥ 2 and some harm dimension remains",
            $"{Enisa} (medium: significant inconveniences)",
            p => !p.AllClear && p.Severity.Score >= EnisaSeverity.MediumFrom,
            p => $"ENISA severity {BreachProfile.Kebab(p.Severity.Level)} (≥ 2) confirms at least a risk.",
            p => p.Harm),
        new(
            "enisa-very-high", RiskLevel.High,
            "ENISA SE ≥ 4 and some harm dimension remains",
            $"{Enisa} (very high: significant or irreversible consequences)",
            p => !p.AllClear && p.Severity.Score >= EnisaSeverity.VeryHighFrom,
            _ => "ENISA severity very high (≥ 4): significant or irreversible consequences, high risk.",
            p => p.Harm),

        // ---- No residual risk ----
        new(
            "unlikely-to-result-in-risk", null,
            "no harm dimension remains (confidentiality neutralised, availability and integrity without harm, no misuse)",
            $"GDPR Art 33(1) exception; {G01} Cases 01, 06, 09, 10, 13, 15",
            p => p.AllClear,
            _ => "No residual harm in any dimension: unlikely to result in a risk, so no notification to the supervisory authority."),
    ];
}
