using BreachNotify.Domain.Common;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Domain.Tests.Incidents;

/// <summary>The status word <c>notified</c> is true: it follows the notices the decision requires, not the first notice sent.</summary>
public sealed class NoticeProgressTests
{
    private static readonly DateTimeOffset Aware = new(2026, 3, 27, 9, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Aware.AddHours(2);
    private static readonly Actor Dpo = new("dana", "dpo");
    private static readonly Actor System = new("system", "system");

    private static readonly BreachFacts Leak = new()
    {
        BreachTypes = [BreachType.Confidentiality],
        DataCategories = [DataCategory.Contact, DataCategory.Financial],
        DataSubjects = 5000,
        Protection = Protection.None,
        Exposure = Exposure.UnknownRecipients,
        Exfiltration = Exfiltration.Confirmed,
        MaliciousIntent = true,
    };

    private static Incident Confirmed(ProcessingRole role = ProcessingRole.Controller)
    {
        var i = Incident.Report("inc-1", new IncidentDraft
        {
            Title = "CRM export on a public share",
            AwareAt = Aware,
            Role = role,
            ControllerCustomer = role == ProcessingRole.Processor ? "Acme BV" : null,
        }, Dpo, Now);
        var a = RiskEngine.Assess(Leak);
        i.RecordAssessment(Leak, a, "{}", Dpo, Now);
        return i;
    }

    private static void Decide(Incident i, bool authority, bool subjects, bool publicCommunication = false, DateTimeOffset? at = null)
        => i.RecordDecision(authority, subjects, publicCommunication, "Reviewed with legal.", (_, _) => "{}", Dpo, at ?? Now);

    private static TimelineEntry LastStatusChange(Incident i) => i.NewEntries.Last(e => e.Action == "status-changed");

    [Fact]
    public void The_authority_alone_does_not_make_notified_when_the_decision_also_requires_the_data_subjects()
    {
        var i = Confirmed();
        Decide(i, authority: true, subjects: true);

        i.RecordNoticeGiven(RecipientKind.Authority, Now.AddHours(1), "AP-2026-0042", Dpo, Now.AddHours(1));

        Assert.Equal(IncidentStatus.Confirmed, i.Status);
        var outstanding = Assert.Single(i.Notices.Outstanding);
        Assert.Equal(RecipientKind.DataSubjects, outstanding.Recipient);
        Assert.StartsWith("Art 34(1)", outstanding.Basis, StringComparison.Ordinal);
        Assert.Equal("Still to make: the notice to the data subjects. Made: the authority notice.", i.Notices.Describe());
        Assert.DoesNotContain(i.NewEntries, e => e.Action == "status-changed");

        i.RecordNoticeGiven(RecipientKind.DataSubjects, Now.AddHours(3), "ntf-1", System, Now.AddHours(3));

        Assert.Equal(IncidentStatus.Notified, i.Status);
        Assert.True(i.Notices.Complete);
        Assert.Empty(i.Notices.Outstanding);
        var change = LastStatusChange(i);
        Assert.Equal(("confirmed", "notified"), (change.Changes[0].OldValue, change.Changes[0].NewValue));
        Assert.Equal("Every notice the decision requires is made: the authority notice, the notice to the data subjects.", change.Note);
        Assert.Equal(Now.AddHours(3), change.At);
        var authority = i.Notices.Required.Single(r => r.Recipient == RecipientKind.Authority);
        Assert.Equal((Now.AddHours(1), "AP-2026-0042"), (authority.MadeAt!.Value, authority.Reference));
    }

    [Fact]
    public void Without_a_decision_a_notice_sent_does_not_make_notified()
    {
        var i = Confirmed();
        i.RecordNoticeGiven(RecipientKind.DataSubjects, Now, "ntf-1", System, Now);
        Assert.Equal(IncidentStatus.Confirmed, i.Status);
        Assert.False(i.Notices.Decided);
        Assert.StartsWith("No decision on notices recorded yet", i.Notices.Describe(), StringComparison.Ordinal);

        // The decision, recorded later, finds the notice already made.
        Decide(i, authority: false, subjects: true, at: Now.AddHours(1));
        Assert.Equal(IncidentStatus.Notified, i.Status);
        Assert.Equal("dana", LastStatusChange(i).Actor);
    }

    [Fact]
    public void A_decision_that_requires_no_notice_leaves_the_incident_confirmed()
    {
        var i = Confirmed();
        Decide(i, authority: false, subjects: false);
        Assert.Equal(IncidentStatus.Confirmed, i.Status);
        Assert.Empty(i.Notices.Required);
        Assert.False(i.Notices.Complete);
        Assert.Equal("The decision requires no notice.", i.Notices.Describe());
    }

    [Fact]
    public void A_public_communication_the_decision_calls_for_is_required_too()
    {
        var i = Confirmed();
        Decide(i, authority: true, subjects: false, publicCommunication: true);
        i.RecordNoticeGiven(RecipientKind.Authority, Now, "AP-1", Dpo, Now);
        Assert.Equal(IncidentStatus.Confirmed, i.Status);
        Assert.Equal(RecipientKind.Public, Assert.Single(i.Notices.Outstanding).Recipient);
        i.RecordNoticeGiven(RecipientKind.Public, Now, "ntf-p", System, Now);
        Assert.Equal(IncidentStatus.Notified, i.Status);
    }

    [Fact]
    public void As_processor_the_controller_notice_is_required_whatever_the_decision()
    {
        var i = Confirmed(ProcessingRole.Processor);
        Decide(i, authority: false, subjects: false);
        var controller = Assert.Single(i.Notices.Outstanding);
        Assert.Equal(RecipientKind.Controllers, controller.Recipient);
        Assert.Contains("Acme BV", controller.Basis, StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Confirmed, i.Status);

        i.RecordNoticeGiven(RecipientKind.Controllers, Now, "ntf-c", System, Now);
        Assert.Equal(IncidentStatus.Notified, i.Status);
        i.Close("Remediated.", Dpo, Now);
        Assert.Equal(IncidentStatus.Closed, i.Status);
    }

    [Fact]
    public void A_new_decision_that_requires_more_takes_notified_back_with_the_reason()
    {
        var i = Confirmed();
        Decide(i, authority: true, subjects: false);
        i.RecordNoticeGiven(RecipientKind.Authority, Now, "AP-1", Dpo, Now);
        Assert.Equal(IncidentStatus.Notified, i.Status);

        Decide(i, authority: true, subjects: true, at: Now.AddDays(1));

        Assert.Equal(IncidentStatus.Confirmed, i.Status);
        var change = LastStatusChange(i);
        Assert.Equal(("notified", "confirmed"), (change.Changes[0].OldValue, change.Changes[0].NewValue));
        Assert.Equal("Still to make: the notice to the data subjects. Made: the authority notice.", change.Note);
    }

    [Fact]
    public void Becoming_the_processor_adds_the_controller_notice_and_becoming_controller_removes_it()
    {
        var i = Confirmed();
        Decide(i, authority: true, subjects: false);
        i.RecordNoticeGiven(RecipientKind.Authority, Now, "AP-1", Dpo, Now);
        Assert.Equal(IncidentStatus.Notified, i.Status);

        i.Update(new IncidentChanges { Role = Optional<ProcessingRole>.Of(ProcessingRole.Processor), ControllerCustomer = Optional<string?>.Of("Acme BV") }, Dpo, Now);
        Assert.Equal(IncidentStatus.Confirmed, i.Status);
        Assert.Equal(RecipientKind.Controllers, Assert.Single(i.Notices.Outstanding).Recipient);

        i.Update(new IncidentChanges { Role = Optional<ProcessingRole>.Of(ProcessingRole.Controller), ControllerCustomer = Optional<string?>.Of(null) }, Dpo, Now);
        Assert.Equal(IncidentStatus.Notified, i.Status);
    }

    [Fact]
    public void The_same_notice_twice_is_one_notice_and_both_are_on_the_timeline()
    {
        var i = Confirmed();
        i.RecordNoticeGiven(RecipientKind.Authority, Now, "AP-1", Dpo, Now);
        i.RecordNoticeGiven(RecipientKind.Authority, Now, "AP-1", Dpo, Now);
        Assert.Single(i.State.NoticesGiven);
        var sent = i.NewEntries.Where(e => e.Action == Incident.NoticeSentAction).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal("notice.authority", sent[0].Changes[0].Field);
        Assert.Equal("Reference: AP-1", sent[0].Note);
        i.RecordNoticeGiven(RecipientKind.DataSubjects, Now, "ntf-1", System, Now);
        Assert.Equal("notice.data-subjects", i.NewEntries.Last(e => e.Action == Incident.NoticeSentAction).Changes[0].Field);
    }

    [Fact]
    public void A_notice_needs_a_reference()
    {
        var i = Confirmed();
        var ex = Assert.Throws<DomainValidationException>(() => i.RecordNoticeGiven(RecipientKind.Authority, Now, "  ", Dpo, Now));
        Assert.Equal("reference", Assert.Single(ex.Errors).Field);
        Assert.Empty(i.State.NoticesGiven);
    }

    [Fact]
    public void An_incident_stored_before_notices_were_kept_counts_its_obligations_met()
    {
        var i = Confirmed();
        Decide(i, authority: true, subjects: false);
        var legacy = Incident.Load(i.State with
        {
            Status = IncidentStatus.Notified,
            ObligationsMet = [new ObligationMet("gdpr", "notify-authority", RecipientKind.Authority, Now, "AP-1", "dana")],
        });
        Assert.True(legacy.Notices.Complete);
        Assert.Equal("AP-1", legacy.Notices.Required[0].Reference);

        // Re-deciding the same keeps it notified (no status noise); asking for more takes it back.
        Decide(legacy, authority: true, subjects: false, at: Now.AddHours(1));
        Assert.Equal(IncidentStatus.Notified, legacy.Status);
        Decide(legacy, authority: true, subjects: true, at: Now.AddHours(2));
        Assert.Equal(IncidentStatus.Confirmed, legacy.Status);
    }

    [Fact]
    public void A_suspected_or_dismissed_incident_requires_no_notice()
    {
        var suspected = Incident.Report("inc-s", new IncidentDraft { Title = "Odd logins", DetectedAt = Aware }, Dpo, Now);
        Assert.Empty(suspected.Notices.Required);
        var dismissed = Confirmed(ProcessingRole.Processor);
        dismissed.Dismiss("Test data only.", Dpo, Now);
        Assert.Empty(dismissed.Notices.Required);
    }

    [Fact]
    public void A_notice_sent_after_closing_is_recorded_and_the_status_stays_closed()
    {
        var i = Confirmed();
        Decide(i, authority: false, subjects: true);
        i.Close("Handled.", Dpo, Now);
        i.RecordNoticeGiven(RecipientKind.DataSubjects, Now.AddHours(1), "ntf-1", System, Now.AddHours(1));
        Assert.Equal(IncidentStatus.Closed, i.Status);
        Assert.Single(i.State.NoticesGiven);
        Assert.True(i.Notices.Complete);
    }
}
