using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Domain.Tests.Incidents;

public sealed class IncidentTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly Actor Reporter = new("sam", "reporter");
    private static readonly Actor Dpo = new("dana", "dpo");

    private static Incident Suspected(DateTimeOffset? detected = null) => Incident.Report("inc-1", new IncidentDraft
    {
        Title = "Odd logins on CRM",
        DetectedAt = detected ?? Now.AddHours(-2),
    }, Reporter, Now);

    [Fact]
    public void Report_without_awareness_is_suspected_and_records_creation()
    {
        var i = Suspected();
        Assert.Equal(IncidentStatus.Suspected, i.Status);
        Assert.Null(i.State.AwareAt);
        var entry = Assert.Single(i.NewEntries);
        Assert.Equal(1, entry.Sequence);
        Assert.Equal("created", entry.Action);
        Assert.Equal("sam", entry.Actor);
        Assert.Equal(Now, entry.At);
        Assert.Contains(entry.Changes, c => c.Field == "status" && c.NewValue == "suspected");
    }

    [Fact]
    public void Report_with_awareness_is_confirmed_and_detection_defaults_to_awareness()
    {
        var aware = new DateTimeOffset(2026, 3, 27, 10, 15, 0, TimeSpan.FromHours(1));
        var i = Incident.Report("inc-2", new IncidentDraft { Title = "Laptop stolen", AwareAt = aware }, Reporter, Now);
        Assert.Equal(IncidentStatus.Confirmed, i.Status);
        Assert.Equal(aware, i.State.AwareAt);
        Assert.Equal(TimeSpan.Zero, i.State.AwareAt!.Value.Offset);
        Assert.Equal(i.State.AwareAt, i.State.DetectedAt);
    }

    [Fact]
    public void Report_collects_every_invalid_field()
    {
        var ex = Assert.Throws<DomainValidationException>(() => Incident.Report("inc-3", new IncidentDraft
        {
            Title = "  ",
            AwareAt = Now.AddMinutes(1),
            Countries = ["NL", "XX"],
            Role = ProcessingRole.Processor,
        }, Reporter, Now));
        var fields = ex.Errors.Select(e => e.Field).ToHashSet();
        // detectedAt was not sent (it defaults to awareAt): only the field the client sent is named.
        Assert.Equal(new HashSet<string> { "title", "awareAt", "countries", "controllerCustomer" }, fields);
    }

    [Fact]
    public void Awareness_cannot_precede_detection_nor_occurrence_follow_it()
    {
        var ex = Assert.Throws<DomainValidationException>(() => Incident.Report("inc-4", new IncidentDraft
        {
            Title = "t",
            DetectedAt = Now.AddHours(-1),
            AwareAt = Now.AddHours(-2),
            OccurredAt = Now.AddMinutes(-30),
        }, Reporter, Now));
        Assert.Contains(ex.Errors, e => e.Field == "awareAt");
        Assert.Contains(ex.Errors, e => e.Field == "occurredAt");
    }

    [Fact]
    public void Boundary_awareness_equal_to_now_and_to_detection_is_valid()
    {
        var i = Incident.Report("inc-5", new IncidentDraft { Title = "t", DetectedAt = Now, AwareAt = Now }, Reporter, Now);
        Assert.Equal(Now, i.State.AwareAt);
        Assert.Throws<DomainValidationException>(() =>
            Incident.Report("inc-6", new IncidentDraft { Title = "t", AwareAt = Now.AddTicks(1) }, Reporter, Now));
    }

    [Fact]
    public void Confirm_starts_the_clock_and_appends_to_timeline()
    {
        var i = Suspected();
        var aware = Now.AddHours(-1);
        i.Confirm(aware, "Logs show exfiltration", Reporter, Now);
        Assert.Equal(IncidentStatus.Confirmed, i.Status);
        Assert.Equal(aware, i.State.AwareAt);
        var entry = i.NewEntries[^1];
        Assert.Equal(2, entry.Sequence);
        Assert.Equal("confirmed", entry.Action);
        Assert.Equal("Logs show exfiltration", entry.Note);
        Assert.Equal(2, i.State.TimelineCount);
    }

    [Fact]
    public void Confirm_twice_is_refused()
    {
        var i = Suspected();
        i.Confirm(Now.AddHours(-1), null, Reporter, Now);
        Assert.Throws<InvalidStateException>(() => i.Confirm(Now, null, Reporter, Now));
    }

    [Fact]
    public void Changing_awareness_after_it_was_set_requires_a_reason_and_is_audited()
    {
        var i = Suspected();
        i.Confirm(Now.AddHours(-1), null, Reporter, Now);
        var ex = Assert.Throws<DomainValidationException>(() => i.Update(new IncidentChanges { AwareAt = Optional<DateTimeOffset>.Of(Now.AddMinutes(-90)) }, Dpo, Now));
        Assert.Equal("awareAtChangeReason", ex.Field);
        Assert.Equal(Now.AddHours(-1), i.State.AwareAt);

        i.Update(new IncidentChanges { AwareAt = Optional<DateTimeOffset>.Of(Now.AddMinutes(-90)), AwareAtChangeReason = "Alert e-mail found earlier" }, Dpo, Now);
        var entry = i.NewEntries[^1];
        Assert.Equal("aware-at-changed", entry.Action);
        Assert.Equal("Alert e-mail found earlier", entry.Note);
        Assert.Equal(new FieldChange("awareAt", "2026-03-27T11:00:00Z", "2026-03-27T10:30:00Z"), Assert.Single(entry.Changes));
    }

    [Fact]
    public void Awareness_is_first_set_by_confirming_not_by_patch()
    {
        var i = Suspected();
        var ex = Assert.Throws<DomainValidationException>(() => i.Update(new IncidentChanges { AwareAt = Optional<DateTimeOffset>.Of(Now) }, Reporter, Now));
        Assert.Equal("awareAt", ex.Field);
    }

    [Fact]
    public void Update_records_old_and_new_values_and_skips_no_ops()
    {
        var i = Suspected();
        i.Update(new IncidentChanges { Title = Optional<string>.Of("Odd logins on CRM") }, Reporter, Now);
        Assert.Single(i.NewEntries);
        i.Update(new IncidentChanges { Title = Optional<string>.Of("CRM account takeover"), Countries = Optional<IReadOnlyList<string>>.Of(["de", "NL", "DE"]) }, Reporter, Now);
        var entry = i.NewEntries[^1];
        Assert.Equal("updated", entry.Action);
        Assert.Contains(new FieldChange("title", "Odd logins on CRM", "CRM account takeover"), entry.Changes);
        Assert.Contains(new FieldChange("countries", "", "DE,NL"), entry.Changes);
        Assert.Equal(["DE", "NL"], i.State.Countries);
    }

    [Fact]
    public void Processor_role_requires_the_controller_customer()
    {
        var i = Suspected();
        var ex = Assert.Throws<DomainValidationException>(() => i.Update(new IncidentChanges { Role = Optional<ProcessingRole>.Of(ProcessingRole.Processor) }, Reporter, Now));
        Assert.Equal("controllerCustomer", ex.Field);
        i.Update(new IncidentChanges { Role = Optional<ProcessingRole>.Of(ProcessingRole.Processor), ControllerCustomer = Optional<string?>.Of("Acme BV") }, Reporter, Now);
        Assert.Equal("Acme BV", i.State.ControllerCustomer);
        // Back to controller clears the customer.
        i.Update(new IncidentChanges { Role = Optional<ProcessingRole>.Of(ProcessingRole.Controller) }, Reporter, Now);
        Assert.Null(i.State.ControllerCustomer);
    }

    [Fact]
    public void Dismiss_requires_a_reason_and_ends_the_incident()
    {
        var i = Suspected();
        Assert.Equal("reason", Assert.Throws<DomainValidationException>(() => i.Dismiss(" ", Dpo, Now)).Field);
        i.Dismiss("Test data only, no real persons", Dpo, Now);
        Assert.Equal(IncidentStatus.Dismissed, i.Status);
        Assert.Equal("Test data only, no real persons", i.State.DismissalReason);
        Assert.Equal(Now, i.State.ClosedAt);
        Assert.Throws<InvalidStateException>(() => i.Update(new IncidentChanges { Title = Optional<string>.Of("x") }, Dpo, Now));
        Assert.Throws<InvalidStateException>(() => i.Confirm(Now, null, Dpo, Now));
    }

    [Fact]
    public void Close_only_after_confirmation()
    {
        var i = Suspected();
        Assert.Throws<InvalidStateException>(() => i.Close(null, Dpo, Now));
        i.Confirm(Now.AddMinutes(-5), null, Reporter, Now);
        i.Close("Remediated", Dpo, Now);
        Assert.Equal(IncidentStatus.Closed, i.Status);
        Assert.False(i.Status.IsOpen());
    }

    [Fact]
    public void Timeline_sequence_continues_after_reload()
    {
        var i = Suspected();
        i.Confirm(Now.AddMinutes(-5), null, Reporter, Now);
        var reloaded = Incident.Load(i.State);
        Assert.Empty(reloaded.NewEntries);
        reloaded.Record("note", [], "Called the hosting provider", null, Dpo, Now);
        Assert.Equal(3, reloaded.NewEntries[0].Sequence);
    }

    [Theory]
    [InlineData("suspected", IncidentStatus.Suspected)]
    [InlineData("confirmed", IncidentStatus.Confirmed)]
    [InlineData("notified", IncidentStatus.Notified)]
    [InlineData("closed", IncidentStatus.Closed)]
    [InlineData("dismissed", IncidentStatus.Dismissed)]
    public void Status_wire_names_round_trip(string wire, IncidentStatus status)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.True(IncidentStatusExtensions.TryParse(wire, out var parsed));
        Assert.Equal(status, parsed);
    }
}
