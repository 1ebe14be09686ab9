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

    public static IncidentState Incident(BreachFacts? facts = null, bool withDecision = true)
    {
        facts ??= Facts();
        var assessment = Application.Risk.RiskAssessor.Assess(facts);
        return new IncidentState
        {
            Id = "inc-0123456789abcdef",
            Title = "Laptop stolen",
            Source = IncidentSource.Manual,
            Reporter = "sam",
            DetectedAt = Aware.AddHours(-1),
            AwareAt = Aware,
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

    public static Dictionary<string, NoticeTexts> AllTexts() => NoticeLanguages.All.ToDictionary(l => l, Texts);

    public static NoticeComposer Composer(OrganisationOptions? organisation = null)
        => new(organisation ?? Org(), SupervisoryAuthorityRegistry.Default, NoticeTemplateCatalog.Default);
}
