namespace BreachNotify.Domain.Risk;

// Member names are part of the wire contract: the Handler serialises them with
// JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower). Do not rename.

/// <summary>Kind of personal data breach (GDPR Art 4(12); WP29 Opinion 03/2014; EDPB 9/2022 §I.B.2).</summary>
public enum BreachType
{
    /// <summary>Unauthorised or accidental disclosure of, or access to, personal data.</summary>
    Confidentiality,
    /// <summary>Unauthorised or accidental alteration of personal data.</summary>
    Integrity,
    /// <summary>Accidental or unauthorised loss of access to, or destruction of, personal data.</summary>
    Availability,
}

/// <summary>Category of personal data involved in the breach.</summary>
public enum DataCategory
{
    /// <summary>Name, e-mail, phone, postal address.</summary>
    Contact,
    /// <summary>Date/place of birth, gender, civil status, family.</summary>
    Identity,
    /// <summary>National id, social-security or tax number, passport.</summary>
    OfficialId,
    /// <summary>Account numbers, income, wages, transactions, premiums, billing.</summary>
    Financial,
    /// <summary>Payment-card data.</summary>
    PaymentCard,
    /// <summary>Passwords, tokens, security answers.</summary>
    Credentials,
    /// <summary>Behaviour, browsing, purchase history.</summary>
    Usage,
    /// <summary>Location data.</summary>
    Location,
    /// <summary>Message or e-mail content.</summary>
    Communications,
    /// <summary>HR and performance data.</summary>
    Employment,
    /// <summary>Education data.</summary>
    Education,
    /// <summary>Health data (Art 9).</summary>
    Health,
    /// <summary>Other special categories of Art 9.</summary>
    SpecialCategory,
    /// <summary>Criminal convictions and offences (Art 10).</summary>
    Criminal,
}

/// <summary>State-of-the-art protection on the affected data.</summary>
public enum Protection
{
    None,
    Encrypted,
    /// <summary>Strong salted hash.</summary>
    Hashed,
    Pseudonymised,
}

/// <summary>Who (may have) accessed the data.</summary>
public enum Exposure
{
    /// <summary>No evidence anyone accessed it (lost or locked data).</summary>
    None,
    /// <summary>Few known recipients bound by confidentiality (e.g. professional secrecy).</summary>
    TrustedRecipient,
    /// <summary>Identified recipients.</summary>
    KnownRecipients,
    /// <summary>Stolen, exfiltrated, published, or an unknown party.</summary>
    UnknownRecipients,
}

public enum Exfiltration
{
    RuledOut,
    Unknown,
    Confirmed,
}

public enum AvailabilityImpact
{
    None,
    /// <summary>Backups, within hours, no effect on people.</summary>
    RestoredQuickly,
    /// <summary>Days, minor effects.</summary>
    Delayed,
    /// <summary>Major effects on people (e.g. cancelled care).</summary>
    Severe,
    /// <summary>Data lost.</summary>
    Permanent,
}

public enum IntegrityImpact
{
    None,
    Recovered,
    Recoverable,
    Unrecoverable,
}

/// <summary>GDPR outcome: Art 33(1) "unlikely to result in a risk", risk, or Art 34(1) "high risk".</summary>
public enum RiskLevel
{
    Unlikely,
    Risk,
    High,
}

/// <summary>ENISA (2013) severity bands.</summary>
public enum SeverityLevel
{
    Low,
    Medium,
    High,
    VeryHigh,
}

/// <summary>Dimensions in which a breach can harm people; used to decide whether an Art 34(3) exemption covers a high risk.</summary>
[Flags]
public enum HarmDimensions
{
    None = 0,
    Confidentiality = 1,
    Integrity = 2,
    Availability = 4,
    /// <summary>Harm that has already materialised (observed misuse); no exemption can cover it.</summary>
    Misuse = 8,
}
