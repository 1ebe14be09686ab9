using System.Net;
using BreachNotify.Application.Storage;
using BreachNotify.Application.Webhooks;
using BreachNotify.Application.Webhooks.Intake;
using BreachNotify.Tests.Shared.Webhooks;
using static BreachNotify.FunctionApp.Tests.Features.Webhooks.WebhookTestClient;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Webhooks;

/// <summary>From stored alerts to incidents: dedupe, lifecycle, order, races, crash repair, context.</summary>
public sealed class WebhookMappingTests : IDisposable
{
    private readonly WebhookTestClient _hooks = new();

    public void Dispose() => _hooks.Dispose();

    private static string PagerDuty(string eventId, string type, string occurredAt, string status) =>
        VendorSamples.PagerDutyIncident(eventId, type, occurredAt, status);

    private static string Generic(string eventId, string status, string occurredAt = "2026-05-20T13:00:00Z", string externalId = "dlp-17", string severity = "high") =>
        $$$"""{"eventId":"{{{eventId}}}","externalId":"{{{externalId}}}","title":"Customer table exported","severity":"{{{severity}}}","status":"{{{status}}}","occurredAt":"{{{occurredAt}}}","context":{"system":"crm"}}""";

    [Fact]
    public async Task Redelivery_is_202_and_changes_nothing()
    {
        var first = await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered));
        var before = await _hooks.IncidentAsync("pagerduty", "PGR0VU2");

        var again = await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered));

        Assert.Equal((1, 0), (first.GetProperty("accepted").GetInt32(), first.GetProperty("duplicates").GetInt32()));
        Assert.Equal((0, 1), (again.GetProperty("accepted").GetInt32(), again.GetProperty("duplicates").GetInt32()));
        Assert.Equal(1, await _hooks.CountIncidentsAsync());
        var after = await _hooks.IncidentAsync("pagerduty", "PGR0VU2");
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.Equal(before.GetProperty("updatedAt").GetString(), after.GetProperty("updatedAt").GetString());
    }

    [Fact]
    public async Task Triggered_acknowledged_resolved_updates_one_incident_and_deletes_nothing()
    {
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", PagerDuty("evt-1", "incident.triggered", "2020-04-09T15:16:28Z", "triggered")));
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", PagerDuty("evt-2", "incident.acknowledged", "2020-04-09T15:20:00Z", "acknowledged")));
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", PagerDuty("evt-3", "incident.resolved", "2020-04-09T16:02:41Z", "resolved")));

        Assert.Equal(1, await _hooks.CountIncidentsAsync());
        var incident = await _hooks.IncidentAsync("pagerduty", "PGR0VU2");
        Assert.Equal([">triggered", "triggered>acknowledged", "acknowledged>resolved"], MonitorStatuses(incident));
        Assert.Equal("suspected", incident.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, incident.GetProperty("awareAt").ValueKind);
        var resolved = Entries(incident, "monitor-update").Last();
        Assert.Contains("resolved", resolved.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal("monitor", resolved.GetProperty("actorRole").GetString());
        Assert.Equal(AlertStatus.Resolved, (await _hooks.LinkAsync("pagerduty", "PGR0VU2"))!.Status);
    }

    [Fact]
    public async Task Out_of_order_with_event_times_opens_one_incident_and_never_regresses()
    {
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", PagerDuty("evt-3", "incident.resolved", "2020-04-09T16:02:41Z", "resolved")));
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", PagerDuty("evt-1", "incident.triggered", "2020-04-09T15:16:28Z", "triggered")));
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", PagerDuty("evt-2", "incident.acknowledged", "2020-04-09T15:20:00Z", "acknowledged")));

        Assert.Equal(1, await _hooks.CountIncidentsAsync());
        var link = (await _hooks.LinkAsync("pagerduty", "PGR0VU2"))!;
        Assert.Equal(AlertStatus.Resolved, link.Status);
        var incident = await _hooks.IncidentAsync("pagerduty", "PGR0VU2");
        Assert.Equal([">resolved", "-", "-"], MonitorStatuses(incident));
        Assert.All(Entries(incident, "monitor-update").Skip(1), e =>
            Assert.StartsWith("Arrived out of order", e.GetProperty("note").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Out_of_order_without_event_times_moves_forward_only()
    {
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e3", "resolved")));
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e1", "triggered")));
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e2", "acknowledged")));

        Assert.Equal(1, await _hooks.CountIncidentsAsync());
        Assert.Equal(AlertStatus.Resolved, (await _hooks.LinkAsync("generic", "dlp-17"))!.Status);
        Assert.Equal([">resolved", "-", "-"], MonitorStatuses(await _hooks.IncidentAsync("generic", "dlp-17")));
    }

    [Fact]
    public async Task Update_moves_the_severity_and_keeps_the_monitor_status()
    {
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e1", "acknowledged")));
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e2", "updated", severity: "critical")));

        var incident = await _hooks.IncidentAsync("generic", "dlp-17");
        Assert.Equal("critical", incident.GetProperty("source").GetProperty("severity").GetString());
        Assert.Equal(AlertStatus.Acknowledged, (await _hooks.LinkAsync("generic", "dlp-17"))!.Status);
        var update = Entries(incident, "monitor-update").Last();
        Assert.Contains(update.GetProperty("changes").EnumerateArray(), c =>
            c.GetProperty("field").GetString() == "severity" && c.GetProperty("newValue").GetString() == "critical");
    }

    [Fact]
    public async Task Refire_after_resolve_on_a_dismissed_incident_opens_a_new_one()
    {
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e1", "triggered")));
        var first = (await _hooks.LinkAsync("generic", "dlp-17"))!.IncidentId;
        await Body(await _hooks.Factory.Dpo().PostJson($"/api/incidents/{first}/dismiss", """{"reason":"Test export by the CRM team"}"""), HttpStatusCode.OK);
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e2", "resolved")));
        _hooks.Factory.Clock.Advance(TimeSpan.FromDays(3));

        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e3", "triggered", occurredAt: "2026-05-23T09:00:00Z")));

        var link = (await _hooks.LinkAsync("generic", "dlp-17"))!;
        Assert.NotEqual(first, link.IncidentId);
        Assert.Equal(first, link.PreviousIncidentId);
        Assert.Equal(2, await _hooks.CountIncidentsAsync());
        var old = await Body(await _hooks.Factory.Dpo().GetAsync("/api/incidents/" + first), HttpStatusCode.OK);
        Assert.Equal("dismissed", old.GetProperty("status").GetString());
        Assert.Contains(link.IncidentId, Entries(old, "monitor-update").Last().GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_a_new_external_alert_open_one_incident()
    {
        var requests = Enumerable.Range(1, 12).Select(i => _hooks.Signed("generic", Generic("race-" + i, "triggered"))).ToList();

        var answers = await Task.WhenAll(requests.Select(r => _hooks.Anonymous.SendAsync(r)));
        await _hooks.IdleAsync();

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        Assert.Equal(1, await _hooks.CountIncidentsAsync());
        var incident = await _hooks.IncidentAsync("generic", "dlp-17");
        Assert.Equal(12, Entries(incident, "monitor-update").Count());
    }

    [Fact]
    public async Task Mapping_the_same_new_alert_concurrently_opens_one_incident()
    {
        var store = _hooks.Service<WebhookDeliveryStore>();
        var mapper = _hooks.Service<MonitorIncidentMapper>();
        var alerts = Enumerable.Range(1, 8).Select(i => Alert("race-" + i)).ToList();
        var accepted = (await store.AcceptAsync("generic", alerts, 100)).Accepted;

        var outcomes = await Task.WhenAll(accepted.Select(a => Task.Run(() => mapper.MapAsync(a))));

        Assert.Equal(1, outcomes.Count(o => o == MapOutcome.Opened));
        Assert.Equal(1, await _hooks.CountIncidentsAsync());
        Assert.Equal(8, Entries(await _hooks.IncidentAsync("generic", "dlp-17"), "monitor-update").Count());
    }

    [Fact]
    public async Task Alert_stored_before_a_crash_is_mapped_by_the_repair_sweep_once_it_is_due()
    {
        var store = _hooks.Service<WebhookDeliveryStore>();
        await store.AcceptAsync("generic", [Alert("lost-1")], 100); // stored, never queued: the process "died"
        // The timer function, run as the Functions host's admin API would (dpo key).
        var dpo = _hooks.Factory.Dpo();
        async Task RepairAsync() => Assert.Equal(System.Net.HttpStatusCode.Accepted,
            (await dpo.PostAsync("/admin/functions/WebhookRepair", new StringContent("""{"input":""}""", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        _hooks.Factory.Clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromTicks(1));
        await RepairAsync();
        Assert.Null(await _hooks.LinkAsync("generic", "dlp-17"));

        _hooks.Factory.Clock.Advance(TimeSpan.FromTicks(1));
        await RepairAsync();

        var incident = await _hooks.IncidentAsync("generic", "dlp-17");
        Assert.Equal("suspected", incident.GetProperty("status").GetString());
        await RepairAsync();
        Assert.Equal(1, await _hooks.CountIncidentsAsync());
        Assert.Equal(incident.GetProperty("timeline").GetArrayLength(), (await _hooks.IncidentAsync("generic", "dlp-17")).GetProperty("timeline").GetArrayLength());
    }

    [Theory]
    [InlineData("1970-01-01T00:00:00Z")] // a sender's placeholder (Unix epoch)
    [InlineData("1999-12-31T23:59:59.9999999Z")]
    public async Task A_detection_time_before_2000_opens_the_incident_at_receipt(string occurredAt)
    {
        // Incidents refuse instants before 2000; a monitor's placeholder must not leave its alert unmapped forever.
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e1", "triggered", occurredAt: occurredAt)));
        var incident = await _hooks.IncidentAsync("generic", "dlp-17");
        Assert.Equal(WebhookTestClient.Now, incident.GetProperty("detectedAt").GetDateTimeOffset());
        Assert.Equal("suspected", incident.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Link_claimed_before_a_crash_is_completed_with_the_claimed_id()
    {
        var store = _hooks.Service<WebhookDeliveryStore>();
        var tables = _hooks.Service<ITableStore>();
        var alert = StoredMonitorAlert.From(Alert("claim-1"), Now);
        var accepted = (await store.AcceptAsync("generic", [Alert("claim-1")], 100)).Accepted.Single();
        // What the mapper writes first, then "crashes": the link names an incident that does not exist yet.
        await tables.AddAsync(MonitorIncidentMapper.LinkTable, new TableEntity("generic", alert.ExternalKeyHash)
        {
            ["IncidentId"] = "inc-claimed-before-crash",
            ["ExternalKey"] = alert.ExternalKey,
            ["Status"] = "triggered",
            ["Severity"] = alert.Severity,
            ["DetectedAt"] = alert.DetectedAt,
            ["CreatedFrom"] = alert.DeliveryKey,
            ["LastDelivery"] = alert.DeliveryKey,
        });

        var outcome = await _hooks.Service<MonitorIncidentMapper>().MapAsync(accepted, repair: true);

        Assert.Equal(MapOutcome.Opened, outcome);
        var incident = await _hooks.IncidentAsync("generic", "dlp-17");
        Assert.Equal("inc-claimed-before-crash", incident.GetProperty("id").GetString());
        Assert.Equal([">triggered"], MonitorStatuses(incident));
    }

    [Fact]
    public async Task Repeated_repair_of_an_update_already_on_the_timeline_records_nothing_twice()
    {
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e1", "triggered")));
        await _hooks.DeliverAsync(_hooks.Signed("generic", Generic("e2", "acknowledged")));
        var before = (await _hooks.IncidentAsync("generic", "dlp-17")).GetProperty("timeline").GetArrayLength();
        // The crash came after the timeline entry but before the alert was marked mapped.
        var tables = _hooks.Service<ITableStore>();
        var key = StoredMonitorAlert.KeyOf("e2");
        await tables.MergeAsync(WebhookDeliveryStore.Table, new TableEntity("generic", "a-" + key) { ["Mapped"] = false }, "*");

        var outcome = await _hooks.Service<MonitorIncidentMapper>().MapAsync(new AlertRef("generic", key), repair: true);

        Assert.Equal(MapOutcome.AlreadyMapped, outcome);
        Assert.Equal(before, (await _hooks.IncidentAsync("generic", "dlp-17")).GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public async Task GitHub_secret_scanning_shows_repository_and_secret_type()
    {
        await _hooks.DeliverAsync(_hooks.Signed("github", VendorSamples.GitHubSecretScanningCreated));

        var incident = await _hooks.IncidentAsync("github", "Codertocat/Hello-World#191");
        Assert.Equal("Secret scanning alert #191: Adafruit IO Key exposed in Codertocat/Hello-World", incident.GetProperty("title").GetString());
        var description = incident.GetProperty("description").GetString()!;
        Assert.Contains("repository: Codertocat/Hello-World", description, StringComparison.Ordinal);
        Assert.Contains("secret_type: adafruit_io_key", description, StringComparison.Ordinal);
        Assert.Contains("validity: active", description, StringComparison.Ordinal);
        Assert.Equal("https://github.com/Codertocat/Hello-World/security/secret-scanning/191", incident.GetProperty("source").GetProperty("link").GetString());
    }

    [Fact]
    public async Task Azure_monitor_and_sentinel_show_the_resource_and_incident_concerned()
    {
        await _hooks.DeliverAsync(_hooks.Signed("azure-monitor", VendorSamples.AzureMonitorMetricResolved));
        await _hooks.DeliverAsync(_hooks.Signed("sentinel", VendorSamples.SentinelIncidentCreated));

        var azure = (await _hooks.IncidentAsync("azure-monitor", VendorSamples.AzureMonitorAlertId)).GetProperty("description").GetString()!;
        Assert.Contains("alertTargetIDs: /subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/pipelinealertrg/providers/microsoft.compute/virtualmachines/wcus-r2-gen2", azure, StringComparison.Ordinal);
        Assert.Contains("alertRule: WCUS-R2-Gen2", azure, StringComparison.Ordinal);
        var sentinel = (await _hooks.IncidentAsync("sentinel", VendorSamples.SentinelIncidentId)).GetProperty("description").GetString()!;
        Assert.StartsWith("This is a demo incident", sentinel, StringComparison.Ordinal);
        Assert.Contains("incidentNumber: 3177", sentinel, StringComparison.Ordinal);
        Assert.Contains("alertProductNames: Azure Sentinel", sentinel, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grafana_group_opens_one_incident_per_alert()
    {
        await _hooks.DeliverAsync(_hooks.Signed("grafana", VendorSamples.GrafanaTwoFiring));

        Assert.Equal(2, await _hooks.CountIncidentsAsync());
        Assert.Equal("High CPU usage", (await _hooks.IncidentAsync("grafana", "bc97ff14869b13e3")).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Timeline_keeps_status_and_context_but_no_payload()
    {
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered));

        var details = Entries(await _hooks.IncidentAsync("pagerduty", "PGR0VU2"), "monitor-update").Single().GetProperty("details");
        Assert.Equal("triggered", details.GetProperty("status").GetString());
        Assert.Equal("API Service", details.GetProperty("context").GetProperty("service").GetString());
        Assert.DoesNotContain("conference_number", details.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Tenex Engineer", details.ToString(), StringComparison.Ordinal);
    }

    private static MonitorAlert Alert(string deliveryId) => new(
        "generic", deliveryId, "dlp-17", AlertStatus.Triggered, "Customer table exported", null, "high",
        new DateTimeOffset(2026, 5, 20, 13, 0, 0, TimeSpan.Zero), null, new Dictionary<string, string>());
}
