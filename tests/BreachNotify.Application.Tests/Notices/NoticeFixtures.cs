using BreachNotify.Application.Organisation;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Authorities;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Tests.Notices;

/// <summary>A complete incident and organisation, so every template can render; tests remove one fact at a time.</summary>
public static class NoticeFixtures
{
    public static readonly DateTimeOffset Aware = new(2026, 3, 27, 10, 15, 0, TimeSpan.FromHours(1));

    public static OrganisationOptions Org() => new()
    {
        Name = "Acme B.V.",
        Dpo = new DpoOptions { Name = "Dana Privacy", Email = "dpo@acme.example", Phone = "+31 20 123 4567" },
        LeadAuthority = "NL",
        TimeZone = "Europe/Amsterdam",
        AuthorityNoticeEmail = "dpo@acme.example",
    };

    public static BreachFacts Facts(long? records = 5000) => new()
    {
        BreachTypes = [BreachType.Confidentiality],
        DataCategories = [DataCategory.Contact, DataCategory.Identity],
        DataSubjects = 1200,
        Records = records,
        Protection = Protection.None,
        Exposure = Exposure.UnknownRecipients,
        Exfiltration = Exfiltration.Unknown,
        MaliciousIntent = true,
    };

    /// <summary>An ENISA score with a decimal, so the local decimal separator shows.</summary>
    public static readonly SeverityScore Severity = new(2.5m, SeverityLevel.Medium, 2, 1, 0.5m);

    public static IncidentState Incident(BreachFacts? facts = null, bool withDecision = true)
    {
        facts ??= Facts();
        var assessment = Application.Risk.RiskAssessor.Assess(facts) with { Severity = Severity };
        return new IncidentState
        {
            Id = "inc-0123456789abcdef",
            Title = "Laptop stolen",
            Source = IncidentSource.Manual,
            Reporter = "sam",
            DetectedAt = Aware.AddHours(-1),
            AwareAt = Aware,
            OccurredAt = Aware.AddDays(-2),
            Countries = ["NL", "BE"],
            Status = IncidentStatus.Confirmed,
            CreatedAt = Aware,
            UpdatedAt = Aware,
            Facts = facts,
            Assessment = assessment,
            AssessedAt = Aware,
            Decision = withDecision ? new NotificationDecision(true, true, false, "High risk", "dana", Aware, assessment.Risk, assessment.EngineVersion, false, []) : null,
            Role = ProcessingRole.Processor,
            ControllerCustomer = "Customer Co",
        };
    }

    public static NoticeTexts Texts(string language) => new(
        $"[{language}] An unencrypted laptop with a customer export was stolen from a car.",
        $"[{language}] Phishing e-mails that look like ours; identity fraud.",
        $"[{language}] We reported the theft to the police and blocked the laptop's accounts.",
        $"[{language}] Be wary of e-mails asking for your password.");

    public static AuthorityTexts AuthorityTexts(string language) => new(
        $"[{language}] A laptop holding an export of the customer database was stolen from an employee's car.",
        $"[{language}] The customers may receive phishing e-mails; identity fraud is possible.",
        $"[{language}] The theft was reported to the police; the laptop's accounts were blocked.");

    /// <summary>Every text in every language, for both audiences, and the authority's case reference.</summary>
    public static NoticeContent AllTexts(string? authorityReference = "AP-2026-0042")
        => new(NoticeLanguages.All.ToDictionary(l => l, Texts), NoticeLanguages.All.ToDictionary(l => l, AuthorityTexts), authorityReference);

    /// <summary><see cref="AllTexts"/> with one language's texts for the people concerned changed (null: removed).</summary>
    public static NoticeContent WithPeople(string language, Func<NoticeTexts, NoticeTexts?> change)
    {
        var all = AllTexts();
        return all with { People = Changed(all.People, language, change) };
    }

    /// <summary><see cref="AllTexts"/> with one language's authority texts changed (null: removed).</summary>
    public static NoticeContent WithAuthority(string language, Func<AuthorityTexts, AuthorityTexts?> change)
    {
        var all = AllTexts();
        return all with { Authority = Changed(all.Authority, language, change) };
    }

    private static Dictionary<string, T> Changed<T>(IReadOnlyDictionary<string, T> texts, string language, Func<T, T?> change) where T : class
    {
        var copy = texts.ToDictionary();
        if (change(copy[language]) is { } changed) copy[language] = changed;
        else copy.Remove(language);
        return copy;
    }

    public static NoticeComposer Composer(OrganisationOptions? organisation = null)
        => new(organisation ?? Org(), SupervisoryAuthorityRegistry.Default, NoticeTemplateCatalog.Default);
}
