using BreachNotify.Application.Notices;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using Incident_ = BreachNotify.Domain.Incidents.Incident;
using static BreachNotify.Application.Tests.Notices.NoticeFixtures;

namespace BreachNotify.Application.Tests.Notices;

public sealed class NoticeObligationsTests
{
    // The app's implementation on the shipped default regimes (GDPR).
    private readonly DeadlineNoticeObligations _obligations = new(new BreachNotify.Application.Deadlines.DeadlineService(
        Microsoft.Extensions.Options.Options.Create(new BreachNotify.Application.Deadlines.DeadlineOptions()),
        Microsoft.Extensions.Options.Options.Create(new BreachNotify.Application.Organisation.OrganisationOptions())));
    private static readonly DateTimeOffset Due = Aware.ToUniversalTime().AddHours(72);

    [Fact]
    public void The_authority_deadline_is_72_hours_of_elapsed_time_after_awareness()
        => Assert.Equal(new DateTimeOffset(2026, 3, 30, 9, 15, 0, TimeSpan.Zero), _obligations.AuthorityDueAt(Incident(), Due));

    [Fact]
    public void At_the_deadline_exactly_no_reasons_are_needed()
        => _obligations.EnsureReasonsForDelay(Incident(), NoticeKind.Authority, NoticePhase.Initial, Due, null);

    [Fact]
    public void One_tick_after_the_deadline_reasons_are_required()
    {
        var ex = Assert.Throws<DomainValidationException>(() => _obligations.EnsureReasonsForDelay(Incident(), NoticeKind.Authority, NoticePhase.Initial, Due.AddTicks(1), "  "));
        Assert.Equal("reasonsForDelay", ex.Field);
        _obligations.EnsureReasonsForDelay(Incident(), NoticeKind.Authority, NoticePhase.Initial, Due.AddTicks(1), "Forensics took four days.");
    }

    [Theory]
    [InlineData(NoticeKind.DataSubjects, NoticePhase.Initial)]
    [InlineData(NoticeKind.Controllers, NoticePhase.Initial)]
    [InlineData(NoticeKind.Public, NoticePhase.Initial)]
    [InlineData(NoticeKind.Authority, NoticePhase.FollowUp)]
    [InlineData(NoticeKind.Authority, NoticePhase.Final)]
    public void Only_the_initial_authority_notice_has_the_72_hour_deadline(NoticeKind kind, NoticePhase phase)
    {
        // Later phases follow an initial notice already given (Art 33(4)): record it first, in time.
        var incident = Incident_.Load(Incident());
        _obligations.MarkSent(incident, NoticeKind.Authority, Due, "AP-1", new Actor("dana", "dpo"), Due);
        var state = kind == NoticeKind.Authority ? incident.State : Incident();
        _obligations.EnsureReasonsForDelay(state, kind, phase, Due.AddDays(10), null);
    }

    [Fact]
    public void Marking_sent_appends_a_notice_sent_entry()
    {
        var incident = Incident_.Load(Incident());
        _obligations.MarkSent(incident, NoticeKind.Authority, Due, "AP-123", new Actor("dana", "dpo"), Due.AddMinutes(1));
        var entry = Assert.Single(incident.NewEntries, e => e.Action == "notice-sent");
        Assert.Equal("notice-sent", entry.Action);
        Assert.Equal("notice.authority", entry.Changes[0].Field);
        Assert.Equal("2026-03-30T09:15:00Z", entry.Changes[0].NewValue);
        Assert.Contains("AP-123", entry.Note);
    }

    [Fact]
    public void The_incident_is_notified_when_the_last_notice_it_requires_is_sent_not_the_first()
    {
        // The decision requires the authority and the data subjects; as processor we also tell the controller.
        var incident = Incident_.Load(Incident());
        _obligations.MarkSent(incident, NoticeKind.DataSubjects, Due.AddHours(-10), "ntf-1", Actor.System, Due.AddHours(-10));
        _obligations.MarkSent(incident, NoticeKind.Authority, Due, "AP-1", new Actor("dana", "dpo"), Due);
        Assert.Equal(IncidentStatus.Confirmed, incident.Status);
        Assert.Equal(BreachNotify.Domain.Deadlines.RecipientKind.Controllers, Assert.Single(incident.Notices.Outstanding).Recipient);

        _obligations.MarkSent(incident, NoticeKind.Controllers, Due, "ntf-2", Actor.System, Due);

        Assert.Equal(IncidentStatus.Notified, incident.Status);
        // Each notice meets its obligations, then is recorded; the status change follows the last one.
        Assert.Equal(["obligations-met", "notice-sent", "obligations-met", "notice-sent", "obligations-met", "notice-sent", "status-changed"],
            incident.NewEntries.Select(e => e.Action).ToArray());
    }
}
