using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Domain.Tests.Incidents;

public sealed class MonitorUpdateTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly Actor Monitor = new("monitor:pagerduty", "monitor");
    private static readonly IncidentSource Source = new("pagerduty", "PGR0VU2", "https://acme.pagerduty.com/incidents/PGR0VU2", "high");

    private static Incident FromMonitor() => Incident.Report("inc-1", new IncidentDraft
    {
        Title = "A little bump in the road",
        Source = Source,
        DetectedAt = Now.AddHours(-1),
    }, Monitor, Now);

    [Fact]
    public void Update_follows_the_monitor_severity_and_records_it_without_touching_status_or_awareness()
    {
        var incident = FromMonitor();

        var entry = incident.RecordMonitorUpdate(Source with { Severity = "critical" },
            [new FieldChange("monitorStatus", "triggered", "acknowledged")], null, "{\"deliveryKey\":\"k\"}", Monitor, Now.AddMinutes(5));

        Assert.Equal("monitor-update", entry.Action);
        Assert.Equal(2, entry.Sequence);
        Assert.Equal([new FieldChange("monitorStatus", "triggered", "acknowledged"), new FieldChange("severity", "high", "critical")], entry.Changes);
        Assert.Equal("critical", incident.State.Source.Severity);
        Assert.Equal(IncidentStatus.Suspected, incident.Status);
        Assert.Null(incident.State.AwareAt);
        Assert.Equal(Now.AddMinutes(5), incident.State.UpdatedAt);
    }

    [Fact]
    public void Without_a_source_only_the_entry_is_added()
    {
        var incident = FromMonitor();

        incident.RecordMonitorUpdate(null, [], "Arrived out of order", null, Monitor, Now);

        Assert.Equal(Source, incident.State.Source);
        Assert.Equal("Arrived out of order", incident.NewEntries[^1].Note);
        Assert.Empty(incident.NewEntries[^1].Changes);
    }

    [Fact]
    public void A_dismissed_incident_still_records_monitor_news()
    {
        var incident = FromMonitor();
        incident.Dismiss("Test alert", new Actor("dana", "dpo"), Now);

        incident.RecordMonitorUpdate(null, [new FieldChange("monitorStatus", "triggered", "resolved")], null, null, Monitor, Now);

        Assert.Equal(IncidentStatus.Dismissed, incident.Status);
        Assert.Equal("monitor-update", incident.NewEntries[^1].Action);
    }

    [Fact]
    public void Another_source_or_external_id_is_refused()
    {
        var incident = FromMonitor();

        Assert.Throws<ArgumentException>(() => incident.RecordMonitorUpdate(Source with { ExternalId = "OTHER" }, [], null, null, Monitor, Now));
        Assert.Throws<ArgumentException>(() => incident.RecordMonitorUpdate(Source with { Kind = "grafana" }, [], null, null, Monitor, Now));
        Assert.Single(incident.NewEntries);
    }
}
