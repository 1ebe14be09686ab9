using System.Globalization;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Notices.Templates;

/// <summary>
/// The words notices use for facts, per language, and how each language writes numbers, dates and times. Formatted
/// here, not by the platform's culture data, so a notice renders byte-for-byte the same on every machine (its hash is
/// evidence). Sources of the local forms:
/// <list type="bullet">
/// <item>French: a narrow no-break space (U+202F) before <c>: ; ? !</c> and as the thousands separator, "1er" for the
/// first day of a month, hours as "9 h 05" (Imprimerie nationale, Lexique des règles typographiques; summarised at
/// https://sophieviguiercorrectrice.com/pages/mes-orthotrucs/ponctuation/ponctuation-et-espaces.html).</item>
/// <item>Dutch: times as "8.17 uur" (Nederlandse Taalunie, https://taaladvies.net/taal/advies/vraag/1177/);
/// salutation "Geachte …," with "Hoogachtend," in formal letters (EU Interinstitutional Style Guide, Annex C,
/// https://publications.europa.eu/code/nl/nl-5020100.htm). "Datalek" is the Dutch authority's word
/// (https://autoriteitpersoonsgegevens.nl/nl/privacyverklaring-datalek-melden), "gegevenslek" the Belgian one's
/// (https://www.gegevensbeschermingsautoriteit.be/melding-van-gegevenslekken).</item>
/// <item>German: "1. Dezember 2026, 09:05 Uhr" (DIN 5008 style), decimal comma.</item>
/// </list>
/// </summary>
public sealed record NoticeLexicon
{
    /// <summary>Narrow no-break space: French punctuation spacing and thousands separator.</summary>
    public const string NarrowNoBreakSpace = "\u202F";

    private const string NoBreakSpace = "\u00A0";

    public required string Language { get; init; }
    public required string[] Months { get; init; }
    public required string GroupSeparator { get; init; }
    public required string DecimalSeparator { get; init; }
    public required IReadOnlyDictionary<BreachType, string> BreachTypes { get; init; }

    /// <summary>Categories in plain words, as data subjects and the public read them (no article numbers).</summary>
    public required IReadOnlyDictionary<DataCategory, string> DataCategories { get; init; }

    /// <summary>The legal reference professional notices add to a category (Art 9 and 10 data).</summary>
    public required IReadOnlyDictionary<DataCategory, string> CategoryLaw { get; init; }

    public required IReadOnlyDictionary<RiskLevel, string> RiskLevels { get; init; }
    public required IReadOnlyDictionary<SeverityLevel, string> SeverityLevels { get; init; }
    public required IReadOnlyDictionary<NoticePhase, string> Phases { get; init; }

    /// <summary>The Art 34(3) exemptions (<see cref="Art34Exemptions"/> codes), each as the sentence that names it.</summary>
    public required IReadOnlyDictionary<string, string> Exemptions { get; init; }

    public required string NotYetKnown { get; init; }
    public required string SalutationNamed { get; init; }
    public required string SalutationGeneric { get; init; }

    /// <summary>The contact point's title when <c>Organisation:Dpo:Title:{language}</c> does not set one.</summary>
    public required string ContactTitle { get; init; }

    /// <summary>"About {0} people are affected." for 2 or more; <see cref="OnePerson"/> and <see cref="NobodyKnown"/> otherwise.</summary>
    public required string PeopleAffected { get; init; }
    public required string OnePerson { get; init; }
    public required string NobodyKnown { get; init; }

    /// <summary>The everyday word for a personal data breach where a language has one per country (Dutch), else null.</summary>
    public string? BreachWord { get; init; }
    public string? BreachWordBelgium { get; init; }

    public string Number(long value)
    {
        var digits = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var groups = new List<string>();
        for (var end = digits.Length; end > 0; end -= 3) groups.Insert(0, digits[Math.Max(0, end - 3)..end]);
        return (value < 0 ? "-" : "") + string.Join(GroupSeparator, groups);
    }

    /// <summary>A decimal with at most two places and the language's separator: "2.5" in English, "2,5" elsewhere.</summary>
    public string Decimal(decimal value)
        => value.ToString("0.##", CultureInfo.InvariantCulture).Replace(".", DecimalSeparator, StringComparison.Ordinal);

    /// <summary>The ENISA severity in words, e.g. "2,5 (mittel)".</summary>
    public string Severity(SeverityScore severity) => Decimal(severity.Score) + " (" + SeverityLevels[severity.Level] + ")";

    /// <summary>How many people are affected, as a sentence that reads right for 0 (not known), 1 and more.</summary>
    public string People(long count) => count switch
    {
        <= 0 => NobodyKnown,
        1 => OnePerson,
        _ => string.Format(CultureInfo.InvariantCulture, PeopleAffected, Number(count)),
    };

    /// <summary>A category as professional notices list it: with its legal reference (e.g. "health data (Art 9 GDPR)").</summary>
    public string CategoryWithLaw(DataCategory category)
        => CategoryLaw.TryGetValue(category, out var law) ? DataCategories[category] + " (" + law + ")" : DataCategories[category];

    /// <summary>The calendar date in the organisation's zone, e.g. "1 December 2026", "1er décembre 2026", "1. Dezember 2026".</summary>
    public string Date(DateTimeOffset instant, TimeZoneInfo zone) => DateOf(TimeZoneInfo.ConvertTime(instant, zone));

    /// <summary>
    /// Date, time and zone for professional readers, e.g. "27 March 2026, 10:15 (Europe/Amsterdam, UTC+01:00)",
    /// "27 maart 2026, 10.15 uur (…)", "27 mars 2026 à 10 h 15 (…)", "27. März 2026, 10:15 Uhr (…)".
    /// </summary>
    public string Instant(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        var at = Language switch
        {
            NoticeLanguages.French => $"{DateOf(local)} à {TimeOf(local)}",
            _ => $"{DateOf(local)}, {TimeOf(local)}",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{at} ({zone.Id}, UTC{sign}{abs.Hours:00}:{abs.Minutes:00})");
    }

    private string DateOf(DateTimeOffset local)
    {
        var month = Months[local.Month - 1];
        return Language switch
        {
            NoticeLanguages.French => string.Create(CultureInfo.InvariantCulture, $"{(local.Day == 1 ? "1er" : local.Day.ToString(CultureInfo.InvariantCulture))} {month} {local.Year}"),
            NoticeLanguages.German => string.Create(CultureInfo.InvariantCulture, $"{local.Day}. {month} {local.Year}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{local.Day} {month} {local.Year}"),
        };
    }

    private string TimeOf(DateTimeOffset local) => Language switch
    {
        NoticeLanguages.French => string.Create(CultureInfo.InvariantCulture, $"{local.Hour}{NoBreakSpace}h{NoBreakSpace}{local.Minute:00}"),
        NoticeLanguages.Dutch => string.Create(CultureInfo.InvariantCulture, $"{local.Hour:00}.{local.Minute:00}{NoBreakSpace}uur"),
        NoticeLanguages.German => string.Create(CultureInfo.InvariantCulture, $"{local.Hour:00}:{local.Minute:00}{NoBreakSpace}Uhr"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{local.Hour:00}:{local.Minute:00}"),
    };

    public string Salutation(string? name) => string.IsNullOrWhiteSpace(name) ? SalutationGeneric : string.Format(CultureInfo.InvariantCulture, SalutationNamed, name.Trim());

    /// <summary>The everyday word for the breach for readers in <paramref name="country"/> (Dutch: "gegevenslek" in Belgium).</summary>
    public string? BreachWordFor(string? country) => country == "BE" && BreachWordBelgium is not null ? BreachWordBelgium : BreachWord;

    public static NoticeLexicon For(NoticeLanguage language) => For(language.ToWire());

    public static NoticeLexicon For(string language) => language switch
    {
        NoticeLanguages.English => English,
        NoticeLanguages.Dutch => Dutch,
        NoticeLanguages.French => French,
        NoticeLanguages.German => German,
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "No notice language."),
    };

    public static readonly NoticeLexicon English = new()
    {
        Language = NoticeLanguages.English,
        Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        GroupSeparator = ",",
        DecimalSeparator = ".",
        BreachTypes = new Dictionary<BreachType, string>
        {
            [BreachType.Confidentiality] = "unauthorised disclosure of, or access to, personal data (confidentiality)",
            [BreachType.Integrity] = "unauthorised or accidental alteration of personal data (integrity)",
            [BreachType.Availability] = "loss of access to, or destruction of, personal data (availability)",
        },
        DataCategories = new Dictionary<DataCategory, string>
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
            [DataCategory.Health] = "health data",
            [DataCategory.SpecialCategory] = "other sensitive data (such as ethnic origin, religion, political opinions, sexual orientation, genetic or biometric data)",
            [DataCategory.Criminal] = "data on criminal convictions and offences",
        },
        CategoryLaw = new Dictionary<DataCategory, string>
        {
            [DataCategory.Health] = "Art 9 GDPR",
            [DataCategory.SpecialCategory] = "special categories, Art 9 GDPR",
            [DataCategory.Criminal] = "Art 10 GDPR",
        },
        RiskLevels = new Dictionary<RiskLevel, string>
        {
            [RiskLevel.Unlikely] = "is unlikely to result in a risk",
            [RiskLevel.Risk] = "is likely to result in a risk",
            [RiskLevel.High] = "is likely to result in a high risk",
        },
        SeverityLevels = new Dictionary<SeverityLevel, string>
        {
            [SeverityLevel.Low] = "low", [SeverityLevel.Medium] = "medium", [SeverityLevel.High] = "high", [SeverityLevel.VeryHigh] = "very high",
        },
        Phases = new Dictionary<NoticePhase, string> { [NoticePhase.Initial] = "initial notification", [NoticePhase.FollowUp] = "follow-up notification", [NoticePhase.Final] = "final notification" },
        Exemptions = new Dictionary<string, string>
        {
            [Art34Exemptions.Unintelligible] = "Article 34(3)(a) applies: the personal data affected were unintelligible to any person not authorised to access them (for example, encrypted with the key kept safe).",
            [Art34Exemptions.SubsequentMeasures] = "Article 34(3)(b) applies: measures taken since ensure that the high risk to the rights and freedoms of the data subjects is no longer likely to materialise.",
            [Art34Exemptions.DisproportionateEffort] = "Article 34(3)(c) applies: communicating with each data subject individually would involve disproportionate effort; a public communication informs them instead.",
        },
        NotYetKnown = "not yet known; we will provide it as soon as it is (Art 33(4) GDPR)",
        SalutationNamed = "Dear {0},",
        SalutationGeneric = "Dear Sir or Madam,",
        ContactTitle = "Data protection officer",
        PeopleAffected = "About {0} people are affected.",
        OnePerson = "One person is affected.",
        NobodyKnown = "The number of people affected is not yet known.",
    };

    public static readonly NoticeLexicon Dutch = new()
    {
        Language = NoticeLanguages.Dutch,
        Months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
        GroupSeparator = ".",
        DecimalSeparator = ",",
        BreachTypes = new Dictionary<BreachType, string>
        {
            [BreachType.Confidentiality] = "onbevoegde inzage in of verstrekking van persoonsgegevens (vertrouwelijkheid)",
            [BreachType.Integrity] = "onbevoegde of onbedoelde wijziging van persoonsgegevens (integriteit)",
            [BreachType.Availability] = "verlies van toegang tot of vernietiging van persoonsgegevens (beschikbaarheid)",
        },
        DataCategories = new Dictionary<DataCategory, string>
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
            [DataCategory.Health] = "gezondheidsgegevens",
            [DataCategory.SpecialCategory] = "andere gevoelige gegevens (zoals etnische afkomst, godsdienst, politieke opvattingen, seksuele gerichtheid, genetische of biometrische gegevens)",
            [DataCategory.Criminal] = "strafrechtelijke gegevens",
        },
        CategoryLaw = new Dictionary<DataCategory, string>
        {
            [DataCategory.Health] = "art. 9 AVG",
            [DataCategory.SpecialCategory] = "bijzondere categorieën, art. 9 AVG",
            [DataCategory.Criminal] = "art. 10 AVG",
        },
        RiskLevels = new Dictionary<RiskLevel, string>
        {
            [RiskLevel.Unlikely] = "leidt waarschijnlijk niet tot een risico",
            [RiskLevel.Risk] = "leidt waarschijnlijk tot een risico",
            [RiskLevel.High] = "leidt waarschijnlijk tot een hoog risico",
        },
        SeverityLevels = new Dictionary<SeverityLevel, string>
        {
            [SeverityLevel.Low] = "laag", [SeverityLevel.Medium] = "gemiddeld", [SeverityLevel.High] = "hoog", [SeverityLevel.VeryHigh] = "zeer hoog",
        },
        Phases = new Dictionary<NoticePhase, string> { [NoticePhase.Initial] = "eerste melding", [NoticePhase.FollowUp] = "aanvullende melding", [NoticePhase.Final] = "definitieve melding" },
        Exemptions = new Dictionary<string, string>
        {
            [Art34Exemptions.Unintelligible] = "Artikel 34 lid 3 sub a AVG is van toepassing: de getroffen persoonsgegevens zijn onbegrijpelijk voor onbevoegden (bijvoorbeeld versleuteld, met de sleutel veilig bewaard).",
            [Art34Exemptions.SubsequentMeasures] = "Artikel 34 lid 3 sub b AVG is van toepassing: door de sindsdien genomen maatregelen zal het hoge risico voor de rechten en vrijheden van de betrokkenen zich waarschijnlijk niet meer voordoen.",
            [Art34Exemptions.DisproportionateEffort] = "Artikel 34 lid 3 sub c AVG is van toepassing: iedere betrokkene afzonderlijk informeren zou een onevenredige inspanning vergen; een openbare mededeling informeert hen in plaats daarvan.",
        },
        NotYetKnown = "nog niet bekend; wij verstrekken dit zodra het bekend is (art. 33 lid 4 AVG)",
        SalutationNamed = "Geachte {0},",
        SalutationGeneric = "Geachte heer, mevrouw,",
        ContactTitle = "Functionaris voor gegevensbescherming",
        PeopleAffected = "Het gaat om ongeveer {0} personen.",
        OnePerson = "Het gaat om één persoon.",
        NobodyKnown = "Het aantal getroffen personen is nog niet bekend.",
        BreachWord = "datalek",
        BreachWordBelgium = "gegevenslek",
    };

    public static readonly NoticeLexicon French = new()
    {
        Language = NoticeLanguages.French,
        Months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
        GroupSeparator = NarrowNoBreakSpace,
        DecimalSeparator = ",",
        BreachTypes = new Dictionary<BreachType, string>
        {
            [BreachType.Confidentiality] = "divulgation non autorisée de données personnelles ou accès non autorisé à celles-ci (confidentialité)",
            [BreachType.Integrity] = "altération non autorisée ou accidentelle de données personnelles (intégrité)",
            [BreachType.Availability] = "perte d'accès à des données personnelles ou destruction de celles-ci (disponibilité)",
        },
        DataCategories = new Dictionary<DataCategory, string>
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
            [DataCategory.Health] = "données de santé",
            [DataCategory.SpecialCategory] = "autres données sensibles (origine ethnique, religion, opinions politiques, orientation sexuelle, données génétiques ou biométriques, par exemple)",
            [DataCategory.Criminal] = "données relatives aux condamnations pénales et aux infractions",
        },
        CategoryLaw = new Dictionary<DataCategory, string>
        {
            [DataCategory.Health] = "art. 9 RGPD",
            [DataCategory.SpecialCategory] = "catégories particulières, art. 9 RGPD",
            [DataCategory.Criminal] = "art. 10 RGPD",
        },
        RiskLevels = new Dictionary<RiskLevel, string>
        {
            [RiskLevel.Unlikely] = "n'est pas susceptible d'engendrer un risque",
            [RiskLevel.Risk] = "est susceptible d'engendrer un risque",
            [RiskLevel.High] = "est susceptible d'engendrer un risque élevé",
        },
        SeverityLevels = new Dictionary<SeverityLevel, string>
        {
            [SeverityLevel.Low] = "faible", [SeverityLevel.Medium] = "moyenne", [SeverityLevel.High] = "élevée", [SeverityLevel.VeryHigh] = "très élevée",
        },
        Phases = new Dictionary<NoticePhase, string> { [NoticePhase.Initial] = "notification initiale", [NoticePhase.FollowUp] = "notification complémentaire", [NoticePhase.Final] = "notification finale" },
        Exemptions = new Dictionary<string, string>
        {
            [Art34Exemptions.Unintelligible] = "L'article 34, paragraphe 3, point a), du RGPD s'applique\u202F: les données personnelles concernées étaient incompréhensibles pour toute personne non autorisée à y avoir accès (chiffrées, par exemple, la clé étant conservée en lieu sûr).",
            [Art34Exemptions.SubsequentMeasures] = "L'article 34, paragraphe 3, point b), du RGPD s'applique\u202F: les mesures prises depuis garantissent que le risque élevé pour les droits et libertés des personnes concernées n'est plus susceptible de se matérialiser.",
            [Art34Exemptions.DisproportionateEffort] = "L'article 34, paragraphe 3, point c), du RGPD s'applique\u202F: informer individuellement chaque personne concernée exigerait des efforts disproportionnés\u202F; une communication publique les informe à la place.",
        },
        NotYetKnown = "pas encore connu\u202F; nous le communiquerons dès que possible (art. 33, paragraphe 4, RGPD)",
        SalutationNamed = "Bonjour {0},",
        SalutationGeneric = "Bonjour,",
        ContactTitle = "Délégué à la protection des données",
        PeopleAffected = "Environ {0} personnes sont concernées.",
        OnePerson = "Une personne est concernée.",
        NobodyKnown = "Le nombre de personnes concernées n'est pas encore connu.",
    };

    public static readonly NoticeLexicon German = new()
    {
        Language = NoticeLanguages.German,
        Months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
        GroupSeparator = ".",
        DecimalSeparator = ",",
        BreachTypes = new Dictionary<BreachType, string>
        {
            [BreachType.Confidentiality] = "unbefugte Offenlegung von oder unbefugter Zugang zu personenbezogenen Daten (Vertraulichkeit)",
            [BreachType.Integrity] = "unbefugte oder unbeabsichtigte Veränderung personenbezogener Daten (Integrität)",
            [BreachType.Availability] = "Verlust des Zugangs zu oder Vernichtung von personenbezogenen Daten (Verfügbarkeit)",
        },
        DataCategories = new Dictionary<DataCategory, string>
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
            [DataCategory.Health] = "Gesundheitsdaten",
            [DataCategory.SpecialCategory] = "andere sensible Daten (etwa ethnische Herkunft, Religion, politische Meinungen, sexuelle Orientierung, genetische oder biometrische Daten)",
            [DataCategory.Criminal] = "Daten über strafrechtliche Verurteilungen und Straftaten",
        },
        CategoryLaw = new Dictionary<DataCategory, string>
        {
            [DataCategory.Health] = "Art. 9 DSGVO",
            [DataCategory.SpecialCategory] = "besondere Kategorien, Art. 9 DSGVO",
            [DataCategory.Criminal] = "Art. 10 DSGVO",
        },
        RiskLevels = new Dictionary<RiskLevel, string>
        {
            [RiskLevel.Unlikely] = "führt voraussichtlich nicht zu einem Risiko",
            [RiskLevel.Risk] = "führt voraussichtlich zu einem Risiko",
            [RiskLevel.High] = "führt voraussichtlich zu einem hohen Risiko",
        },
        SeverityLevels = new Dictionary<SeverityLevel, string>
        {
            [SeverityLevel.Low] = "niedrig", [SeverityLevel.Medium] = "mittel", [SeverityLevel.High] = "hoch", [SeverityLevel.VeryHigh] = "sehr hoch",
        },
        Phases = new Dictionary<NoticePhase, string> { [NoticePhase.Initial] = "Erstmeldung", [NoticePhase.FollowUp] = "Folgemeldung", [NoticePhase.Final] = "abschließende Meldung" },
        Exemptions = new Dictionary<string, string>
        {
            [Art34Exemptions.Unintelligible] = "Artikel 34 Absatz 3 Buchstabe a DSGVO greift: Die betroffenen personenbezogenen Daten waren für alle nicht zugangsbefugten Personen unzugänglich (etwa verschlüsselt, der Schlüssel sicher verwahrt).",
            [Art34Exemptions.SubsequentMeasures] = "Artikel 34 Absatz 3 Buchstabe b DSGVO greift: Durch seither ergriffene Maßnahmen besteht das hohe Risiko für die Rechte und Freiheiten der betroffenen Personen aller Wahrscheinlichkeit nach nicht mehr.",
            [Art34Exemptions.DisproportionateEffort] = "Artikel 34 Absatz 3 Buchstabe c DSGVO greift: Jede betroffene Person einzeln zu benachrichtigen, wäre mit einem unverhältnismäßigen Aufwand verbunden; stattdessen informiert eine öffentliche Bekanntmachung.",
        },
        NotYetKnown = "noch nicht bekannt; wir reichen die Angabe nach, sobald sie vorliegt (Art. 33 Abs. 4 DSGVO)",
        SalutationNamed = "Guten Tag {0},",
        SalutationGeneric = "Guten Tag,",
        ContactTitle = "Datenschutzbeauftragte(r)",
        PeopleAffected = "Betroffen sind etwa {0} Personen.",
        OnePerson = "Betroffen ist eine Person.",
        NobodyKnown = "Die Zahl der betroffenen Personen ist noch nicht bekannt.",
    };
}
