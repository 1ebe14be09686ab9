using BreachNotify.Domain.Common;

namespace BreachNotify.Application.Notices;

/// <summary>Who a notice is for (GDPR Art 33(1), 33(2), 34(1), 34(3)(c)). Wire names are kebab-case (<see cref="NoticeKinds"/>).</summary>
public enum NoticeKind
{
    /// <summary>The supervisory authority (Art 33(1), content Art 33(3)).</summary>
    Authority,

    /// <summary>The data subjects (Art 34(1), content Art 34(2)).</summary>
    DataSubjects,

    /// <summary>Our controller-customers when we act as processor (Art 33(2)).</summary>
    Controllers,

    /// <summary>A public communication instead of individual notices (Art 34(3)(c)).</summary>
    Public,
}

/// <summary>Art 33(4): information may be provided in phases.</summary>
public enum NoticePhase
{
    Initial,
    FollowUp,
    Final,
}

/// <summary>The notice languages, in the order lists show them. Every kind has a template in each.</summary>
public enum NoticeLanguage
{
    Nl,
    En,
    Fr,
    De,
}

/// <summary>What an uploaded recipient is: a data subject (Art 34) or a controller-customer (Art 33(2)).</summary>
public enum RecipientKind
{
    DataSubject,
    Controller,
}

/// <summary>The wire names of <see cref="NoticeKind"/>.</summary>
public static class NoticeKinds
{
    public const string Authority = "authority";
    public const string DataSubjects = "data-subjects";
    public const string Controllers = "controllers";
    public const string Public = "public";

    public static readonly IReadOnlyList<string> All = [Authority, DataSubjects, Controllers, Public];
}

/// <summary>The wire names of <see cref="NoticePhase"/>.</summary>
public static class NoticePhases
{
    public const string Initial = "initial";
    public const string FollowUp = "follow-up";
    public const string Final = "final";

    public static readonly IReadOnlyList<string> All = [Initial, FollowUp, Final];
}

/// <summary>The wire names of <see cref="RecipientKind"/>.</summary>
public static class RecipientKinds
{
    public const string DataSubject = "data-subject";
    public const string Controller = "controller";

    public static readonly IReadOnlyList<string> All = [DataSubject, Controller];
}

/// <summary>The wire names (ISO 639-1) of <see cref="NoticeLanguage"/>.</summary>
public static class NoticeLanguages
{
    public const string Dutch = "nl";
    public const string English = "en";
    public const string French = "fr";
    public const string German = "de";

    public static readonly IReadOnlyList<string> All = [Dutch, English, French, German];
}

/// <summary>
/// Parsing (once, where a value enters) and wire names of the notice vocabulary. A value that is not known is a
/// validation error naming the field.
/// </summary>
public static class NoticeVocabulary
{
    public static readonly IReadOnlyList<NoticeKind> Kinds = Enum.GetValues<NoticeKind>();
    public static readonly IReadOnlyList<NoticePhase> Phases = Enum.GetValues<NoticePhase>();
    public static readonly IReadOnlyList<NoticeLanguage> Languages = Enum.GetValues<NoticeLanguage>();
    public static readonly IReadOnlyList<RecipientKind> RecipientKindValues = Enum.GetValues<RecipientKind>();

    public static string ToWire(this NoticeKind kind) => kind switch
    {
        NoticeKind.Authority => NoticeKinds.Authority,
        NoticeKind.DataSubjects => NoticeKinds.DataSubjects,
        NoticeKind.Controllers => NoticeKinds.Controllers,
        NoticeKind.Public => NoticeKinds.Public,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string ToWire(this NoticePhase phase) => phase switch
    {
        NoticePhase.Initial => NoticePhases.Initial,
        NoticePhase.FollowUp => NoticePhases.FollowUp,
        NoticePhase.Final => NoticePhases.Final,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    public static string ToWire(this NoticeLanguage language) => language switch
    {
        NoticeLanguage.Nl => NoticeLanguages.Dutch,
        NoticeLanguage.En => NoticeLanguages.English,
        NoticeLanguage.Fr => NoticeLanguages.French,
        NoticeLanguage.De => NoticeLanguages.German,
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, null),
    };

    public static string ToWire(this RecipientKind kind) => kind switch
    {
        RecipientKind.DataSubject => RecipientKinds.DataSubject,
        RecipientKind.Controller => RecipientKinds.Controller,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParseKind(string? value, out NoticeKind kind) => TryParse(value, Kinds, ToWire, out kind);

    public static bool TryParsePhase(string? value, out NoticePhase phase) => TryParse(value, Phases, ToWire, out phase);

    public static bool TryParseLanguage(string? value, out NoticeLanguage language) => TryParse(value, Languages, ToWire, out language);

    public static bool TryParseRecipientKind(string? value, out RecipientKind kind) => TryParse(value, RecipientKindValues, ToWire, out kind);

    /// <summary>Parses a notice kind; otherwise adds an error for <paramref name="field"/> and returns null.</summary>
    public static NoticeKind? ParseKind(string? value, string field, FieldErrors errors)
    {
        if (TryParseKind(value, out var kind)) return kind;
        errors.Add(field, "Use authority, data-subjects, controllers or public.");
        return null;
    }

    /// <summary>Parses a phase (absent: <paramref name="absent"/>); otherwise adds an error for <paramref name="field"/>.</summary>
    public static NoticePhase? ParsePhase(string? value, string field, FieldErrors errors, NoticePhase? absent = NoticePhase.Initial)
    {
        if (value is null && absent is not null) return absent;
        if (TryParsePhase(value, out var phase)) return phase;
        errors.Add(field, "Use initial, follow-up or final.");
        return null;
    }

    /// <summary>Parses a language; otherwise adds an error for <paramref name="field"/> and returns null.</summary>
    public static NoticeLanguage? ParseLanguage(string? value, string field, FieldErrors errors)
    {
        if (TryParseLanguage(value, out var language)) return language;
        errors.Add(field, "Use nl, en, fr or de.");
        return null;
    }

    /// <summary>Parses a value read back from storage, where an unknown value means corrupt data.</summary>
    public static T Stored<T>(string? value, TryParser<T> parse, string what) where T : struct
        => parse(value, out var result) ? result : throw new Storage.StorageException($"Stored {what} '{value}' is not known.");

    public delegate bool TryParser<T>(string? value, out T result);

    /// <summary>The recipient kind uploaded for this notice kind, or null when the notice goes to a configured address.</summary>
    public static RecipientKind? RecipientKindFor(this NoticeKind kind) => kind switch
    {
        NoticeKind.DataSubjects => RecipientKind.DataSubject,
        NoticeKind.Controllers => RecipientKind.Controller,
        _ => null,
    };

    /// <summary>
    /// Countries where more than one of our notice languages is official: a recipient there has no default language (a
    /// Belgian may read French, not Dutch), so the upload must say. Source: the countries' official languages, e.g.
    /// https://en.wikipedia.org/wiki/List_of_official_languages_by_country_and_territory.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<NoticeLanguage>> MultilingualCountries = new Dictionary<string, IReadOnlyList<NoticeLanguage>>(StringComparer.Ordinal)
    {
        ["BE"] = [NoticeLanguage.Nl, NoticeLanguage.Fr, NoticeLanguage.De],
        ["CH"] = [NoticeLanguage.De, NoticeLanguage.Fr],
        ["LU"] = [NoticeLanguage.Fr, NoticeLanguage.De],
        ["CA"] = [NoticeLanguage.En, NoticeLanguage.Fr],
        ["CM"] = [NoticeLanguage.Fr, NoticeLanguage.En],
        ["RW"] = [NoticeLanguage.En, NoticeLanguage.Fr],
        ["SC"] = [NoticeLanguage.En, NoticeLanguage.Fr],
        ["VU"] = [NoticeLanguage.En, NoticeLanguage.Fr],
        ["BI"] = [NoticeLanguage.Fr, NoticeLanguage.En],
    };

    /// <summary>
    /// Default language for a recipient's country when the upload does not say: the country's language where it is one
    /// of ours, English elsewhere; null where several of ours are official (<see cref="MultilingualCountries"/>).
    /// </summary>
    public static NoticeLanguage? LanguageForCountry(string? country) => country switch
    {
        not null when MultilingualCountries.ContainsKey(country) => null,
        "NL" or "SR" or "AW" or "CW" or "SX" or "BQ" => NoticeLanguage.Nl,
        "DE" or "AT" or "LI" => NoticeLanguage.De,
        "FR" or "MC" or "GP" or "MQ" or "GF" or "RE" or "YT" or "PM" or "BL" or "MF" or "NC" or "PF" or "WF" => NoticeLanguage.Fr,
        _ => NoticeLanguage.En,
    };

    /// <summary>The countries whose readers of one of our languages get a regional variant of its wording.</summary>
    public static readonly IReadOnlyList<string> VariantCountries = ["BE"];

    /// <summary>
    /// The regional variant of <paramref name="language"/> a reader in <paramref name="country"/> gets, or null: Dutch in
    /// Belgium ("gegevenslek", the Belgian authority's word, where the Dutch one says "datalek").
    /// </summary>
    public static string? VariantCountry(NoticeLanguage language, string? country)
        => language == NoticeLanguage.Nl && country == "BE" ? "BE" : null;

    /// <summary>
    /// Reads a language as an upload gives it: one of ours, also with a region (<c>nl-BE</c>, <c>fr_CA</c>, any case);
    /// <paramref name="other"/> is true for a well-formed tag of a language we have no notice text for (<c>es</c>,
    /// <c>pt-BR</c>), false for text that is no language tag at all.
    /// </summary>
    public static NoticeLanguage? ParseLanguageTag(string text, out bool other)
    {
        var primary = text.Trim().Replace('_', '-').Split('-')[0].ToLowerInvariant();
        other = false;
        if (TryParseLanguage(primary, out var language)) return language;
        other = primary.Length is 2 or 3 && primary.All(char.IsAsciiLetterLower) && text.Trim().Length <= 35;
        return null;
    }

    private static bool TryParse<T>(string? value, IReadOnlyList<T> all, Func<T, string> wire, out T result) where T : struct
    {
        if (value is not null)
        {
            foreach (var v in all)
            {
                if (string.Equals(wire(v), value, StringComparison.Ordinal)) { result = v; return true; }
            }
        }
        result = default;
        return false;
    }
}
