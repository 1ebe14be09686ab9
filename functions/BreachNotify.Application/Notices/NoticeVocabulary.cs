namespace BreachNotify.Application.Notices;

/// <summary>Who a notice is for (GDPR Art 33(1), 33(2), 34(1), 34(3)(c)). Wire names are kebab-case.</summary>
public static class NoticeKinds
{
    /// <summary>The supervisory authority (Art 33(1), content Art 33(3)).</summary>
    public const string Authority = "authority";

    /// <summary>The data subjects (Art 34(1), content Art 34(2)).</summary>
    public const string DataSubjects = "data-subjects";

    /// <summary>Our controller-customers when we act as processor (Art 33(2)).</summary>
    public const string Controllers = "controllers";

    /// <summary>A public communication instead of individual notices (Art 34(3)(c)).</summary>
    public const string Public = "public";

    public static readonly IReadOnlyList<string> All = [Authority, DataSubjects, Controllers, Public];

    public static bool IsKnown(string? kind) => kind is Authority or DataSubjects or Controllers or Public;

    /// <summary>The recipient kind uploaded for this notice kind, or null when the notice goes to a configured address.</summary>
    public static string? RecipientKindFor(string kind) => kind switch
    {
        DataSubjects => RecipientKinds.DataSubject,
        Controllers => RecipientKinds.Controller,
        _ => null,
    };
}

/// <summary>Art 33(4): information may be provided in phases.</summary>
public static class NoticePhases
{
    public const string Initial = "initial";
    public const string FollowUp = "follow-up";
    public const string Final = "final";

    public static readonly IReadOnlyList<string> All = [Initial, FollowUp, Final];

    public static bool IsKnown(string? phase) => phase is Initial or FollowUp or Final;
}

public static class RecipientKinds
{
    public const string DataSubject = "data-subject";
    public const string Controller = "controller";

    public static readonly IReadOnlyList<string> All = [DataSubject, Controller];

    public static bool IsKnown(string? kind) => kind is DataSubject or Controller;
}

/// <summary>The notice languages. Every kind has a template in each.</summary>
public static class NoticeLanguages
{
    public const string Dutch = "nl";
    public const string English = "en";
    public const string French = "fr";
    public const string German = "de";

    public static readonly IReadOnlyList<string> All = [Dutch, English, French, German];

    public static bool IsKnown(string? language) => language is Dutch or English or French or German;

    /// <summary>
    /// Default language for a recipient's country when the upload does not say. Countries with several official
    /// languages get the majority one among ours (BE: nl, CH: de, LU: fr); everything else English.
    /// </summary>
    public static string ForCountry(string? country) => country switch
    {
        "NL" or "BE" or "SR" or "AW" or "CW" or "SX" or "BQ" => Dutch,
        "DE" or "AT" or "CH" or "LI" => German,
        "FR" or "LU" or "MC" or "GP" or "MQ" or "GF" or "RE" or "YT" or "PM" or "BL" or "MF" or "NC" or "PF" or "WF" => French,
        _ => English,
    };
}
