using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Email;
using BreachNotify.Application.Organisation;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using static BreachNotify.Application.Tests.Deadlines.DeadlineTestSupport;

namespace BreachNotify.Application.Tests.Deadlines;

/// <summary>Reminder e-mails link to the incident's page in the dashboard (Organisation:DashboardUrl), not to an API path.</summary>
public sealed class ReminderLinkTests
{
    [Theory]
    [InlineData("https://breaches.example.org/api/ui/", "https://breaches.example.org/api/ui/#/incident/inc-1")]
    [InlineData("https://breaches.example.org/api/ui", "https://breaches.example.org/api/ui/#/incident/inc-1")]
    [InlineData(" http://localhost:7071/api/ui/ ", "http://localhost:7071/api/ui/#/incident/inc-1")]
    [InlineData("https://proxy.example.org/breaches/api/ui/", "https://proxy.example.org/breaches/api/ui/#/incident/inc-1")]
    public void The_incident_page_is_the_dashboard_with_the_incident_route(string setting, string expected)
        => Assert.Equal(expected, new OrganisationOptions { DashboardUrl = setting }.IncidentPageUrl("inc-1"));

    [Fact]
    public void The_default_is_the_standalone_app_on_this_machine()
        => Assert.Equal("http://localhost:7071/api/ui/#/incident/inc-1", new OrganisationOptions().IncidentPageUrl("inc-1"));

    [Fact]
    public void An_incident_id_is_escaped_in_the_route()
        => Assert.Equal("http://localhost:7071/api/ui/#/incident/inc%20%2F1", new OrganisationOptions().IncidentPageUrl("inc /1"));

    [Theory]
    [InlineData("")]
    [InlineData("/api/ui/")]
    [InlineData("breaches.example.org/api/ui/")]
    [InlineData("ftp://breaches.example.org/api/ui/")]
    [InlineData("https://breaches.example.org/api/ui/?x=1")]
    [InlineData("https://breaches.example.org/api/ui/#/incidents")]
    [InlineData("https://user:secret@breaches.example.org/api/ui/")]
    public void Anything_but_an_absolute_http_url_without_query_or_fragment_is_refused(string setting)
    {
        var options = new OrganisationOptions { DashboardUrl = setting };
        Assert.False(options.TryResolveDashboardUrl(out _));
        Assert.Throws<InvalidOperationException>(() => options.IncidentPageUrl("inc-1"));
    }

    /// <summary>One reminder of each kind: the suspected incident unconfirmed, a threshold reminder and an escalation.</summary>
    private static (IncidentState State, PlannedReminder Reminder)[] OneOfEachKind()
    {
        var rules = Rules("gdpr");
        var policy = new ReminderPolicy(ReminderPolicy.DefaultThresholds, TimeSpan.FromHours(24));
        var suspected = Incident.Report("inc-s", new IncidentDraft { Title = "Odd logins", DetectedAt = AwareAt }, Reporter, AwareAt).State;
        var confirmed = Confirmed().State;
        var due = AwareAt.AddHours(72);
        PlannedReminder First(IncidentState s, DateTimeOffset now) => ReminderPlanner.Plan(s, DeadlineCalculator.Compute(s, rules, now), policy, now)[0];
        return [(suspected, First(suspected, AwareAt.AddHours(25))), (confirmed, First(confirmed, due.AddHours(-5))), (confirmed, First(confirmed, due.AddHours(1)))];
    }

    [Fact]
    public void Each_kind_of_reminder_links_the_incident_page_and_names_no_api_path()
    {
        var planned = OneOfEachKind();
        Assert.Equal([ReminderKind.Unconfirmed, ReminderKind.Reminder, ReminderKind.Escalation], planned.Select(p => p.Reminder.Kind));
        var organisation = new OrganisationOptions { DashboardUrl = "https://breaches.example.org/api/ui/" };
        foreach (var (state, reminder) in planned)
        {
            var page = organisation.IncidentPageUrl(state.Id);
            var m = ReminderMessages.Create(state, reminder, ["dpo@example.com"], new EmailAddress("breachnotify@example.com"), Amsterdam, AwareAt, page);
            Assert.Contains($"Open the incident in BreachNotify: https://breaches.example.org/api/ui/#/incident/{state.Id}\n", m.TextBody);
            Assert.Contains($"<a href=\"https://breaches.example.org/api/ui/#/incident/{state.Id}\">Open incident {state.Id} in BreachNotify</a>", m.HtmlBody);
            Assert.DoesNotContain("/api/incidents", m.TextBody);
            Assert.DoesNotContain("/api/incidents", m.HtmlBody);
            Assert.DoesNotContain("GET ", m.TextBody);
            Assert.DoesNotContain("POST ", m.TextBody);
        }
    }

    [Fact]
    public void The_log_says_what_each_reminder_is()
        => Assert.Equal(
            ["Reminder that the suspected incident is still unconfirmed after 24h", "Reminder of the deadline gdpr/notify-authority, 6h or less left", "Escalation of the missed deadline gdpr/notify-authority"],
            OneOfEachKind().Select(p => DeadlineWatch.Describe(p.Reminder)));
}
