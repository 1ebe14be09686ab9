using System.Globalization;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Notices.Templates;

/// <summary>
/// The words notices use for facts, per language. Dates and numbers are formatted here, not by the platform's
/// culture data, so a notice renders byte-for-byte the same on every machine (its hash is evidence).
/// </summary>
public sealed record NoticeLexicon(
    string Language,
    string[] Months,
    string GroupSeparator,
    IReadOnlyDictionary<BreachType, string> BreachTypes,
    IReadOnlyDictionary<DataCategory, string> DataCategories,
    IReadOnlyDictionary<RiskLevel, string> RiskLevels,
    IReadOnlyDictionary<string, string> Phases,
    string NotYetKnown,
    string Yes,
    string No,
    string SalutationNamed,
    string SalutationGeneric)
{
    public string Number(long value)
    {
        var digits = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var groups = new List<string>();
        for (var end = digits.Length; end > 0; end -= 3) groups.Insert(0, digits[Math.Max(0, end - 3)..end]);
        return (value < 0 ? "-" : "") + string.Join(GroupSeparator, groups);
    }

    /// <summary>E.g. "27 March 2026, 11:15 (Europe/Amsterdam, UTC+01:00)".</summary>
    public string Instant(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"{local.Day} {Months[local.Month - 1]} {local.Year}, {local.Hour:00}:{local.Minute:00} ({zone.Id}, UTC{sign}{abs.Hours:00}:{abs.Minutes:00})");
    }

    public string Salutation(string? name) => string.IsNullOrWhiteSpace(name) ? SalutationGeneric : string.Format(CultureInfo.InvariantCulture, SalutationNamed, name.Trim());

    public static NoticeLexicon For(string language) => language switch
    {
        NoticeLanguages.English => English,
        NoticeLanguages.Dutch => Dutch,
        NoticeLanguages.French => French,
        NoticeLanguages.German => German,
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "No notice language."),
    };

    public static readonly NoticeLexicon English = new(
        "en",
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        ",",
        new Dictionary<BreachType, string>
        {
            [BreachType.Confidentiality] = "unauthorised disclosure of, or access to, personal data (confidentiality)",
            [BreachType.Integrity] = "unauthorised or accidental alteration of personal data (integrity)",
            [BreachType.Availability] = "loss of access to, or destruction of, personal data (availability)",
        },
        new Dictionary<DataCategory, string>
        {
            [DataCategory.Contact] = "contact details (name, e-mail address, phone number, postal address)",
            [DataCategory.Identity] = "identity details (date and place of birth, gender, family situation)",
            [DataCategory.OfficialId] = "official identification numbers (national ID, social security or tax number, passport)",
            [DataCategory.Financial] = "financial data (account numbers, income, transactions, billing)",
            [DataCategory.PaymentCard] = "payment card data",
            [DataCategory.Credentials] = "passwords or other login credentials",
            [DataCategory.Usage] = "usage and behavioural data (browsing, purchase history)",
            [DataCategory.Location] = "location data",
            [DataCategory.Communications] = "content of messages or e-mails",
            [DataCategory.Employment] = "employment data (HR records, performance)",
            [DataCategory.Education] = "education data",
            [DataCategory.Health] = "health data (Art 9 GDPR)",
            [DataCategory.SpecialCategory] = "other special categories of personal data (Art 9 GDPR)",
            [DataCategory.Criminal] = "data on criminal convictions and offences (Art 10 GDPR)",
        },
        new Dictionary<RiskLevel, string>
        {
            [RiskLevel.Unlikely] = "is unlikely to result in a risk",
            [RiskLevel.Risk] = "is likely to result in a risk",
            [RiskLevel.High] = "is likely to result in a high risk",
        },
        new Dictionary<string, string> { [NoticePhases.Initial] = "initial notification", [NoticePhases.FollowUp] = "follow-up notification", [NoticePhases.Final] = "final notification" },
        "not yet known; we will provide it as soon as it is (Art 33(4) GDPR)",
        "yes", "no",
        "Dear {0},", "Dear Sir or Madam,");

    public static readonly NoticeLexicon Dutch = new(
        "nl",
        ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
        ".",
        new Dictionary<BreachType, string>
        {
            [BreachType.Confidentiality] = "onbevoegde inzage in of verstrekking van persoonsgegevens (vertrouwelijkheid)",
            [BreachType.Integrity] = "onbevoegde of onbedoelde wijziging van persoonsgegevens (integriteit)",
            [BreachType.Availability] = "verlies van toegang tot of vernietiging van persoonsgegevens (beschikbaarheid)",
        },
        new Dictionary<DataCategory, string>
        {
            [DataCategory.Contact] = "contactgegevens (naam, e-mailadres, telefoonnummer, postadres)",
            [DataCategory.Identity] = "identiteitsgegevens (geboortedatum en -plaats, geslacht, gezinssituatie)",
            [DataCategory.OfficialId] = "officiële identificatienummers (burgerservicenummer of ander nationaal nummer, fiscaal nummer, paspoort)",
            [DataCategory.Financial] = "financiële gegevens (rekeningnummers, inkomen, transacties, facturen)",
            [DataCategory.PaymentCard] = "betaalkaartgegevens",
            [DataCategory.Credentials] = "wachtwoorden of andere inloggegevens",
            [DataCategory.Usage] = "gebruiks- en gedragsgegevens (surfgedrag, aankoopgeschiedenis)",
            [DataCategory.Location] = "locatiegegevens",
            [DataCategory.Communications] = "inhoud van berichten of e-mails",
            [DataCategory.Employment] = "arbeidsgegevens (personeelsdossier, beoordelingen)",
            [DataCategory.Education] = "onderwijsgegevens",
            [DataCategory.Health] = "gezondheidsgegevens (art. 9 AVG)",
            [DataCategory.SpecialCategory] = "andere bijzondere categorieën van persoonsgegevens (art. 9 AVG)",
            [DataCategory.Criminal] = "strafrechtelijke gegevens (art. 10 AVG)",
        },
        new Dictionary<RiskLevel, string>
        {
            [RiskLevel.Unlikely] = "leidt waarschijnlijk niet tot een risico",
            [RiskLevel.Risk] = "leidt waarschijnlijk tot een risico",
            [RiskLevel.High] = "leidt waarschijnlijk tot een hoog risico",
        },
        new Dictionary<string, string> { [NoticePhases.Initial] = "eerste melding", [NoticePhases.FollowUp] = "aanvullende melding", [NoticePhases.Final] = "definitieve melding" },
        "nog niet bekend; wij verstrekken dit zodra het bekend is (art. 33 lid 4 AVG)",
        "ja", "nee",
        "Beste {0},", "Geachte heer, mevrouw,");

    public static readonly NoticeLexicon French = new(
        "fr",
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
        "\u202F",
        new Dictionary<BreachType, string>
        {
            [BreachType.Confidentiality] = "divulgation non autorisée de données personnelles ou accès non autorisé à celles-ci (confidentialité)",
            [BreachType.Integrity] = "altération non autorisée ou accidentelle de données personnelles (intégrité)",
            [BreachType.Availability] = "perte d'accès à des données personnelles ou destruction de celles-ci (disponibilité)",
        },
        new Dictionary<DataCategory, string>
        {
            [DataCategory.Contact] = "coordonnées (nom, adresse e-mail, numéro de téléphone, adresse postale)",
            [DataCategory.Identity] = "données d'identité (date et lieu de naissance, sexe, situation familiale)",
            [DataCategory.OfficialId] = "numéros d'identification officiels (numéro national, de sécurité sociale ou fiscal, passeport)",
            [DataCategory.Financial] = "données financières (numéros de compte, revenus, transactions, facturation)",
            [DataCategory.PaymentCard] = "données de carte de paiement",
            [DataCategory.Credentials] = "mots de passe ou autres identifiants de connexion",
            [DataCategory.Usage] = "données d'utilisation et de comportement (navigation, historique d'achats)",
            [DataCategory.Location] = "données de localisation",
            [DataCategory.Communications] = "contenu de messages ou d'e-mails",
            [DataCategory.Employment] = "données professionnelles (dossier RH, évaluations)",
            [DataCategory.Education] = "données relatives à l'éducation",
            [DataCategory.Health] = "données de santé (art. 9 RGPD)",
            [DataCategory.SpecialCategory] = "autres catégories particulières de données personnelles (art. 9 RGPD)",
            [DataCategory.Criminal] = "données relatives aux condamnations pénales et aux infractions (art. 10 RGPD)",
        },
        new Dictionary<RiskLevel, string>
        {
            [RiskLevel.Unlikely] = "n'est pas susceptible d'engendrer un risque",
            [RiskLevel.Risk] = "est susceptible d'engendrer un risque",
            [RiskLevel.High] = "est susceptible d'engendrer un risque élevé",
        },
        new Dictionary<string, string> { [NoticePhases.Initial] = "notification initiale", [NoticePhases.FollowUp] = "notification complémentaire", [NoticePhases.Final] = "notification finale" },
        "pas encore connu ; nous le communiquerons dès que possible (art. 33, paragraphe 4, RGPD)",
        "oui", "non",
        "Bonjour {0},", "Madame, Monsieur,");

    public static readonly NoticeLexicon German = new(
        "de",
        ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
        ".",
        new Dictionary<BreachType, string>
        {
            [BreachType.Confidentiality] = "unbefugte Offenlegung von oder unbefugter Zugang zu personenbezogenen Daten (Vertraulichkeit)",
            [BreachType.Integrity] = "unbefugte oder unbeabsichtigte Veränderung personenbezogener Daten (Integrität)",
            [BreachType.Availability] = "Verlust des Zugangs zu oder Vernichtung von personenbezogenen Daten (Verfügbarkeit)",
        },
        new Dictionary<DataCategory, string>
        {
            [DataCategory.Contact] = "Kontaktdaten (Name, E-Mail-Adresse, Telefonnummer, Postanschrift)",
            [DataCategory.Identity] = "Identitätsdaten (Geburtsdatum und -ort, Geschlecht, Familienstand)",
            [DataCategory.OfficialId] = "amtliche Kennnummern (Personalausweis-, Sozialversicherungs- oder Steuernummer, Reisepass)",
            [DataCategory.Financial] = "Finanzdaten (Kontonummern, Einkommen, Transaktionen, Abrechnungen)",
            [DataCategory.PaymentCard] = "Zahlungskartendaten",
            [DataCategory.Credentials] = "Passwörter oder andere Zugangsdaten",
            [DataCategory.Usage] = "Nutzungs- und Verhaltensdaten (Surfverhalten, Kaufhistorie)",
            [DataCategory.Location] = "Standortdaten",
            [DataCategory.Communications] = "Inhalte von Nachrichten oder E-Mails",
            [DataCategory.Employment] = "Beschäftigtendaten (Personalakte, Leistungsbeurteilungen)",
            [DataCategory.Education] = "Bildungsdaten",
            [DataCategory.Health] = "Gesundheitsdaten (Art. 9 DSGVO)",
            [DataCategory.SpecialCategory] = "andere besondere Kategorien personenbezogener Daten (Art. 9 DSGVO)",
            [DataCategory.Criminal] = "Daten über strafrechtliche Verurteilungen und Straftaten (Art. 10 DSGVO)",
        },
        new Dictionary<RiskLevel, string>
        {
            [RiskLevel.Unlikely] = "führt voraussichtlich nicht zu einem Risiko",
            [RiskLevel.Risk] = "führt voraussichtlich zu einem Risiko",
            [RiskLevel.High] = "führt voraussichtlich zu einem hohen Risiko",
        },
        new Dictionary<string, string> { [NoticePhases.Initial] = "Erstmeldung", [NoticePhases.FollowUp] = "Folgemeldung", [NoticePhases.Final] = "abschließende Meldung" },
        "noch nicht bekannt; wir reichen die Angabe nach, sobald sie vorliegt (Art. 33 Abs. 4 DSGVO)",
        "ja", "nein",
        "Guten Tag {0},", "Sehr geehrte Damen und Herren,");
}
