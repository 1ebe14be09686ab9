using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Risk;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Tests.Deadlines;

internal static class DeadlineTestSupport
{
    public static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
    public static readonly Actor Dpo = new("dana", "dpo");
    public static readonly Actor Reporter = new("sam", "reporter");

    /// <summary>The example: aware Friday 2026-03-27 10:15 Amsterdam (09:15 UTC); DST starts Sunday 29 March.</summary>
    public static readonly DateTimeOffset AwareAt = new(2026, 3, 27, 10, 15, 0, TimeSpan.FromHours(1));

    public static DeadlineRules Rules(params string[] regimes) => Rules(o => o.EnabledRegimes = [.. regimes]);

    public static DeadlineRules Rules(Action<DeadlineOptions> configure)
    {
        var o = new DeadlineOptions();
        configure(o);
        return o.BuildRules(Amsterdam);
    }

    public static Incident Confirmed(DateTimeOffset? awareAt = null, ProcessingRole role = ProcessingRole.Controller, DateTimeOffset? now = null)
    {
        var aware = awareAt ?? AwareAt;
        return Incident.Report("inc-1", new IncidentDraft
        {
            Title = "CRM export on a public share",
            AwareAt = aware,
            Role = role,
            ControllerCustomer = role == ProcessingRole.Processor ? "Acme BV" : null,
            Owner = "owner@example.com",
        }, Reporter, now ?? aware.AddMinutes(5));
    }

    public static BreachFacts LeakFacts(Protection protection = Protection.None) => new()
    {
        BreachTypes = [BreachType.Confidentiality],
        DataCategories = [DataCategory.Contact, DataCategory.Financial],
        DataSubjects = 5000,
        Protection = protection,
        Exposure = Exposure.UnknownRecipients,
        Exfiltration = Exfiltration.Confirmed,
        MaliciousIntent = true,
    };

    /// <summary>Facts the engine judges unlikely to result in a risk (EDPB 01/2021 case 01 shape).</summary>
    public static BreachFacts NoRiskFacts() => new()
    {
        BreachTypes = [BreachType.Availability],
        DataCategories = [DataCategory.Contact],
        DataSubjects = 30,
        Protection = Protection.Encrypted,
        AvailabilityImpact = AvailabilityImpact.None,
        Contained = true,
    };

    public static void Assess(Incident i, BreachFacts facts, DateTimeOffset now)
    {
        var a = RiskAssessor.Assess(facts);
        i.RecordAssessment(facts, a, RiskAssessor.Snapshot(facts, a), Reporter, now);
    }

    public static void Decide(Incident i, bool authority, bool subjects, DateTimeOffset now)
        => i.RecordDecision(authority, subjects, false, "Reviewed with legal.", RiskAssessor.DecisionSnapshot, Dpo, now);

    public static Deadline Find(IReadOnlyList<Deadline> list, string regime, string obligation)
        => list.Single(d => d.Regime == regime && d.Obligation == obligation);
}
