using BreachNotify.Tests.Shared.Webhooks;
using BreachNotify.Application.Webhooks;
using static BreachNotify.Application.Tests.Webhooks.WebhookTestSupport;

using BreachNotify.Tests.Shared;

namespace BreachNotify.Application.Tests.Webhooks;

public class ParsingTests
{
    private static IReadOnlyList<MonitorAlert> Parse(string source, string json, Func<string, string?>? headers = null) =>
        Source(source, new WebhookOptions()).Parse(Utf8(json), headers ?? WebhookHeaders.None);

    private static Func<string, string?> GitHubHeaders(string @event = "secret_scanning_alert") =>
        Headers(("X-GitHub-Event", @event), ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"));

    private static void AssertContext(MonitorAlert alert, params (string Key, string Value)[] expected) =>
        Assert.Equal(
            expected.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"),
            alert.Context.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));

    [Fact]
    public void PagerDuty_incident_triggered()
    {
        var alert = Assert.Single(Parse("pagerduty", VendorSamples.PagerDutyTriggered));

        Assert.Equal("pagerduty", alert.Source);
        Assert.Equal("5ac64822-4adc-4fda-ade0-410becf0de4f", alert.DeliveryId);
        Assert.Equal("PGR0VU2", alert.ExternalIncidentKey);
        Assert.Equal(AlertStatus.Triggered, alert.Status);
        Assert.Equal("A little bump in the road", alert.Title);
        Assert.Null(alert.Description);
        Assert.Equal("critical", alert.Severity);
        Assert.Equal(new DateTimeOffset(2020, 4, 9, 15, 16, 27, TimeSpan.Zero), alert.DetectedAt);
        Assert.Equal(new Uri("https://acme.pagerduty.com/incidents/PGR0VU2"), alert.Link);
        AssertContext(alert,
            ("service", "API Service"), ("urgency", "high"), ("priority", "P1"), ("incident_number", "2"), ("event_type", "incident.triggered"));
    }

    [Fact]
    public void PagerDuty_incident_lifecycle_keeps_its_key_and_detection_time()
    {
        var triggered = Assert.Single(Parse("pagerduty", VendorSamples.PagerDutyIncident("evt-1", "incident.triggered", "2020-04-09T15:16:28Z", "triggered")));
        var acknowledged = Assert.Single(Parse("pagerduty", VendorSamples.PagerDutyIncident("evt-2", "incident.acknowledged", "2020-04-09T15:20:00Z", "acknowledged")));
        var resolved = Assert.Single(Parse("pagerduty", VendorSamples.PagerDutyIncident("evt-3", "incident.resolved", "2020-04-09T16:02:41Z", "resolved")));

        Assert.Equal(
            [AlertStatus.Triggered, AlertStatus.Acknowledged, AlertStatus.Resolved],
            new[] { triggered.Status, acknowledged.Status, resolved.Status });
        Assert.Equal(["evt-1", "evt-2", "evt-3"], new[] { triggered.DeliveryId, acknowledged.DeliveryId, resolved.DeliveryId });
        Assert.All(new[] { triggered, acknowledged, resolved }, a =>
        {
            Assert.Equal("PGR0VU2", a.ExternalIncidentKey);
            Assert.Equal(new DateTimeOffset(2020, 4, 9, 15, 16, 27, TimeSpan.Zero), a.DetectedAt);
        });
    }

    [Theory]
    [InlineData("incident.reopened", AlertStatus.Triggered)]
    [InlineData("incident.unacknowledged", AlertStatus.Triggered)]
    [InlineData("incident.priority_updated", AlertStatus.Updated)]
    [InlineData("incident.escalated", AlertStatus.Updated)]
    public void PagerDuty_other_incident_events(string eventType, AlertStatus expected) =>
        Assert.Equal(expected, Assert.Single(Parse("pagerduty", VendorSamples.PagerDutyIncident("e", eventType, "2020-10-02T18:45:22.169Z", "triggered"))).Status);

    [Fact]
    public void PagerDuty_without_priority_takes_severity_from_urgency()
    {
        var json = Without(VendorSamples.PagerDutyTriggered, "event.data.priority");

        Assert.Equal("high", Assert.Single(Parse("pagerduty", json)).Severity);
        Assert.Equal("low", Assert.Single(Parse("pagerduty", With(json, "event.data.urgency", "low"))).Severity);
    }

    [Fact]
    public void PagerDuty_event_without_an_incident_gives_no_alert() =>
        Assert.Empty(Parse("pagerduty", VendorSamples.PagerDutyServiceUpdated));

    [Fact]
    public void Grafana_group_gives_one_alert_per_entry()
    {
        var alerts = Parse("grafana", VendorSamples.GrafanaTwoFiring);

        Assert.Equal(2, alerts.Count);
        var first = alerts[0];
        Assert.Equal("grafana", first.Source);
        Assert.Equal("{}:{}|c6eadffa33fcdf37|firing|2021-10-12T07:51:03.1570760Z", first.DeliveryId);
        Assert.Equal("c6eadffa33fcdf37", first.ExternalIncidentKey);
        Assert.Equal(AlertStatus.Triggered, first.Status);
        Assert.Equal("High memory usage", first.Title);
        Assert.Equal("The system has high memory usage", first.Description);
        Assert.Equal("medium", first.Severity);
        Assert.Equal(new DateTimeOffset(2021, 10, 12, 9, 51, 3, TimeSpan.FromHours(2)).AddTicks(1_570_760), first.DetectedAt);
        Assert.Equal(new Uri("https://play.grafana.org/alerting/1afz29v7z/edit"), first.Link);
        AssertContext(first, ("alertname", "High memory usage"), ("labels", "alertname=High memory usage, team=blue, zone=us-1"));

        var second = alerts[1];
        Assert.Equal("{}:{}|bc97ff14869b13e3|firing|2021-10-12T07:56:03.1570760Z", second.DeliveryId);
        Assert.Equal("bc97ff14869b13e3", second.ExternalIncidentKey);
        Assert.Equal("High CPU usage", second.Title);
        Assert.Equal(new Uri("https://play.grafana.org/alerting/d1rdpdv7k/edit"), second.Link);
    }

    [Fact]
    public void Alertmanager_group_with_firing_and_resolved_alerts()
    {
        var alerts = Parse("alertmanager", VendorSamples.AlertmanagerFiringAndResolved);

        Assert.Equal(2, alerts.Count);
        var firing = alerts[0];
        Assert.Equal("alertmanager", firing.Source);
        Assert.Equal("{}/{team=\"crm\"}:{alertname=\"CustomerExportSpike\"}|5f0c8b1d3e2a4c67|firing|2026-05-20T13:52:10.1230000Z", firing.DeliveryId);
        Assert.Equal("5f0c8b1d3e2a4c67", firing.ExternalIncidentKey);
        Assert.Equal(AlertStatus.Triggered, firing.Status);
        Assert.Equal("CustomerExportSpike", firing.Title);
        Assert.Equal("crm-api-1 exported 48210 customer rows in 5m (baseline 300).", firing.Description);
        Assert.Equal("critical", firing.Severity);
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 13, 52, 10, 123, TimeSpan.Zero), firing.DetectedAt);
        Assert.Equal(
            new Uri("http://prometheus.example.org:9090/graph?g0.expr=rate%28crm_rows_exported_total%5B5m%5D%29+%3E+100&g0.tab=1"),
            firing.Link);
        AssertContext(firing,
            ("alertname", "CustomerExportSpike"), ("instance", "crm-api-1:8080"), ("job", "crm-api"),
            ("labels", "alertname=CustomerExportSpike, instance=crm-api-1:8080, job=crm-api, severity=critical, team=crm"));

        var resolved = alerts[1];
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal("9a1e7c2b4d6f8031", resolved.ExternalIncidentKey);
        Assert.Equal("{}/{team=\"crm\"}:{alertname=\"CustomerExportSpike\"}|9a1e7c2b4d6f8031|resolved|2026-05-20T13:40:00.0000000Z", resolved.DeliveryId);
        Assert.Equal("Customer records exported far above baseline", resolved.Description);
        Assert.Equal("medium", resolved.Severity);
    }

    [Fact]
    public void Alertmanager_refire_after_resolve_is_a_new_delivery_but_the_same_alert()
    {
        var first = Parse("alertmanager", VendorSamples.AlertmanagerFiringAndResolved)[0];
        var refired = Parse("alertmanager", With(VendorSamples.AlertmanagerFiringAndResolved, "alerts[0].startsAt", "2026-05-20T15:00:00Z"))[0];

        Assert.NotEqual(first.DeliveryId, refired.DeliveryId);
        Assert.Equal(first.ExternalIncidentKey, refired.ExternalIncidentKey);
    }

    [Fact]
    public void Azure_monitor_metric_alert_resolved()
    {
        var alert = Assert.Single(Parse("azure-monitor", VendorSamples.AzureMonitorMetricResolved));

        Assert.Equal("azure-monitor", alert.Source);
        Assert.Equal(VendorSamples.AzureMonitorAlertId + "|Resolved", alert.DeliveryId);
        Assert.Equal(VendorSamples.AzureMonitorAlertId, alert.ExternalIncidentKey);
        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal("WCUS-R2-Gen2", alert.Title);
        Assert.Null(alert.Description);
        Assert.Equal("low", alert.Severity);
        Assert.Equal(new DateTimeOffset(2019, 3, 22, 13, 58, 24, TimeSpan.Zero).AddTicks(3_713_213), alert.DetectedAt);
        Assert.Null(alert.Link);
        AssertContext(alert,
            ("alertRule", "WCUS-R2-Gen2"),
            ("alertTargetIDs", "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/pipelinealertrg/providers/microsoft.compute/virtualmachines/wcus-r2-gen2"),
            ("configurationItems", "wcus-r2-gen2"),
            ("monitoringService", "Platform"),
            ("signalType", "Metric"));
    }

    [Theory]
    [InlineData("Sev0", "critical")]
    [InlineData("Sev1", "high")]
    [InlineData("Sev2", "medium")]
    [InlineData("Sev4", "info")]
    public void Azure_monitor_severity_scale(string sev, string expected) =>
        Assert.Equal(expected, Assert.Single(Parse("azure-monitor", With(VendorSamples.AzureMonitorMetricResolved, "data.essentials.severity", sev))).Severity);

    [Fact]
    public void Azure_monitor_fired_with_investigation_link()
    {
        const string link = "https://portal.azure.com/#view/Microsoft_Azure_Monitoring_Alerts/Investigation.ReactView/alertId/%2fsubscriptions%2f1";
        var json = With(With(VendorSamples.AzureMonitorMetricResolved, "data.essentials.monitorCondition", "Fired"), "data.essentials.investigationLink", link);

        var alert = Assert.Single(Parse("azure-monitor", json));

        Assert.Equal(AlertStatus.Triggered, alert.Status);
        Assert.Equal(VendorSamples.AzureMonitorAlertId + "|Fired", alert.DeliveryId);
        Assert.Equal(new Uri(link), alert.Link);
    }

    [Fact]
    public void GitHub_secret_scanning_alert_created()
    {
        var alert = Assert.Single(Parse("github", VendorSamples.GitHubSecretScanningCreated, GitHubHeaders()));

        Assert.Equal("github", alert.Source);
        Assert.Equal("Codertocat/Hello-World#191|created|2026-05-20T13:45:12.0000000Z", alert.DeliveryId);
        Assert.Equal("Codertocat/Hello-World#191", alert.ExternalIncidentKey);
        Assert.Equal(AlertStatus.Triggered, alert.Status);
        Assert.Equal("Secret scanning alert #191: Adafruit IO Key exposed in Codertocat/Hello-World", alert.Title);
        Assert.Null(alert.Description);
        Assert.Equal("critical", alert.Severity);
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 13, 45, 12, TimeSpan.Zero), alert.DetectedAt);
        Assert.Equal(new Uri("https://github.com/Codertocat/Hello-World/security/secret-scanning/191"), alert.Link);
        AssertContext(alert,
            ("repository", "Codertocat/Hello-World"),
            ("secret_type", "adafruit_io_key"),
            ("secret_type_display_name", "Adafruit IO Key"),
            ("validity", "active"),
            ("action", "created"),
            ("alert_url", "https://github.com/Codertocat/Hello-World/security/secret-scanning/191"));
    }

    [Fact]
    public void GitHub_resolved_and_inactive_secret()
    {
        var json = With(With(With(VendorSamples.GitHubSecretScanningCreated, "action", "resolved"), "alert.resolution", "revoked"), "alert.validity", "inactive");

        var alert = Assert.Single(Parse("github", json, GitHubHeaders()));

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal("Resolution: revoked", alert.Description);
        Assert.Equal("high", alert.Severity);
    }

    [Fact]
    public void GitHub_validated_is_an_update() =>
        Assert.Equal(
            AlertStatus.Updated,
            Assert.Single(Parse("github", With(VendorSamples.GitHubSecretScanningCreated, "action", "validated"), GitHubHeaders())).Status);

    [Theory]
    [InlineData("ping")]
    [InlineData("push")]
    public void GitHub_other_events_give_no_alert(string @event) =>
        Assert.Empty(Parse("github", """{"zen":"Keep it logically awesome.","hook_id":1}""", GitHubHeaders(@event)));

    [Fact]
    public void Sentinel_incident_from_a_logic_app()
    {
        var alert = Assert.Single(Parse("sentinel", VendorSamples.SentinelIncidentCreated));

        Assert.Equal("sentinel", alert.Source);
        Assert.Equal(VendorSamples.SentinelIncidentId + "|New|2019-01-01T13:15:30Z", alert.DeliveryId);
        Assert.Equal(VendorSamples.SentinelIncidentId, alert.ExternalIncidentKey);
        Assert.Equal(AlertStatus.Triggered, alert.Status);
        Assert.Equal("My incident", alert.Title);
        Assert.Equal("This is a demo incident", alert.Description);
        Assert.Equal("high", alert.Severity);
        Assert.Equal(new DateTimeOffset(2019, 1, 1, 13, 15, 30, TimeSpan.Zero), alert.DetectedAt);
        Assert.Equal(
            new Uri("https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident" + VendorSamples.SentinelIncidentId),
            alert.Link);
        AssertContext(alert,
            ("incidentNumber", "3177"), ("severity", "High"), ("status", "New"),
            ("providerName", "Azure Sentinel"), ("alertProductNames", "Azure Sentinel"));
    }

    [Theory]
    [InlineData("Active", AlertStatus.Acknowledged)]
    [InlineData("Closed", AlertStatus.Resolved)]
    public void Sentinel_status_changes(string status, AlertStatus expected)
    {
        var alert = Assert.Single(Parse("sentinel", With(VendorSamples.SentinelIncidentCreated, "object.properties.status", status)));

        Assert.Equal(expected, alert.Status);
        Assert.Equal($"{VendorSamples.SentinelIncidentId}|{status}|2019-01-01T13:15:30Z", alert.DeliveryId);
    }

    [Fact]
    public void Sentinel_bare_incident_object_is_accepted()
    {
        using var wrapper = System.Text.Json.JsonDocument.Parse(VendorSamples.SentinelIncidentCreated);
        var bare = wrapper.RootElement.GetProperty("object").GetRawText();

        Assert.Equal(VendorSamples.SentinelIncidentId, Assert.Single(Parse("sentinel", bare)).ExternalIncidentKey);
    }

    [Fact]
    public void Generic_payload()
    {
        var alert = Assert.Single(Parse("generic", VendorSamples.GenericTriggered));

        Assert.Equal("generic", alert.Source);
        Assert.Equal("evt-20260520-0001", alert.DeliveryId);
        Assert.Equal("dlp-rule-17", alert.ExternalIncidentKey);
        Assert.Equal(AlertStatus.Triggered, alert.Status);
        Assert.Equal("Customer table exported to an unknown host", alert.Title);
        Assert.Equal("DLP rule 17 matched an outbound transfer of the customers table.", alert.Description);
        Assert.Equal("high", alert.Severity);
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 15, 58, 0, TimeSpan.FromHours(2)), alert.DetectedAt);
        Assert.Equal(new Uri("https://dlp.example.org/events/0001"), alert.Link);
        AssertContext(alert, ("system", "crm"), ("environment", "production"));
    }

    [Fact]
    public void Event_time_orders_deliveries_where_the_payload_carries_one()
    {
        Assert.Equal(new DateTimeOffset(2020, 10, 2, 18, 45, 22, 169, TimeSpan.Zero), Assert.Single(Parse("pagerduty", VendorSamples.PagerDutyTriggered)).ChangedAt);

        var alertmanager = Parse("alertmanager", VendorSamples.AlertmanagerFiringAndResolved);
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 13, 52, 10, 123, TimeSpan.Zero), alertmanager[0].ChangedAt); // firing: startsAt
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 13, 55, 0, TimeSpan.Zero), alertmanager[1].ChangedAt); // resolved: endsAt

        Assert.Equal(new DateTimeOffset(2019, 3, 22, 14, 3, 16, TimeSpan.Zero).AddTicks(2_246_313),
            Assert.Single(Parse("azure-monitor", VendorSamples.AzureMonitorMetricResolved)).ChangedAt); // resolvedDateTime

        Assert.Equal(new DateTimeOffset(2026, 5, 20, 13, 45, 12, TimeSpan.Zero),
            Assert.Single(Parse("github", VendorSamples.GitHubSecretScanningCreated, GitHubHeaders())).ChangedAt); // updated_at
        var githubResolved = With(With(VendorSamples.GitHubSecretScanningCreated, "action", "resolved"), "alert.resolved_at", "2026-05-21T08:00:00Z");
        Assert.Equal(new DateTimeOffset(2026, 5, 21, 8, 0, 0, TimeSpan.Zero), Assert.Single(Parse("github", githubResolved, GitHubHeaders())).ChangedAt);

        Assert.Equal(new DateTimeOffset(2019, 1, 1, 13, 15, 30, TimeSpan.Zero), Assert.Single(Parse("sentinel", VendorSamples.SentinelIncidentCreated)).ChangedAt);

        Assert.Null(Assert.Single(Parse("generic", VendorSamples.GenericTriggered)).ChangedAt);
    }

    [Fact]
    public void Generic_minimal_payload_defaults()
    {
        const string json = """{"eventId":"e1","externalId":"x1","title":"t","status":"resolved","occurredAt":"2026-05-20T12:00:00Z"}""";

        var alert = Assert.Single(Parse("generic", json));

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal("medium", alert.Severity);
        Assert.Null(alert.Description);
        Assert.Null(alert.Link);
        Assert.Empty(alert.Context);
    }

    public static TheoryData<string> AllSources => new(WebhookSourceNames.All);

    [Theory]
    [MemberData(nameof(AllSources))]
    public void Malformed_json_names_the_body(string source)
    {
        var headers = source == "github" ? GitHubHeaders() : null;

        Assert.Equal("(body)", Assert.Throws<WebhookPayloadException>(() => Parse(source, "{\"event\": ", headers)).Field);
        Assert.Equal("(body)", Assert.Throws<WebhookPayloadException>(() => Parse(source, "[]", headers)).Field);
    }

    public static TheoryData<string, string, string> MissingFields => new()
    {
        { "pagerduty", Without(VendorSamples.PagerDutyTriggered, "event.id"), "event.id" },
        { "pagerduty", Without(VendorSamples.PagerDutyTriggered, "event.event_type"), "event.event_type" },
        { "pagerduty", Without(VendorSamples.PagerDutyTriggered, "event.data.title"), "event.data.title" },
        { "pagerduty", Without(VendorSamples.PagerDutyTriggered, "event.data.id"), "event.data.id" },
        { "pagerduty", With(VendorSamples.PagerDutyTriggered, "event.occurred_at", "yesterday"), "event.occurred_at" },
        { "grafana", Without(VendorSamples.GrafanaTwoFiring, "alerts[1].fingerprint"), "alerts[1].fingerprint" },
        { "grafana", Without(VendorSamples.GrafanaTwoFiring, "groupKey"), "groupKey" },
        { "grafana", Without(VendorSamples.GrafanaTwoFiring, "alerts"), "alerts" },
        { "grafana", With(VendorSamples.GrafanaTwoFiring, "alerts[0].status", "pending"), "alerts[0].status" },
        { "alertmanager", Without(VendorSamples.AlertmanagerFiringAndResolved, "alerts[0].startsAt"), "alerts[0].startsAt" },
        { "alertmanager", Without(Without(VendorSamples.AlertmanagerFiringAndResolved, "alerts[1].labels"), "alerts[1].annotations"), "alerts[1].labels.alertname" },
        { "azure-monitor", With(VendorSamples.AzureMonitorMetricResolved, "schemaId", "Microsoft.Insights/activityLogs"), "schemaId" },
        { "azure-monitor", Without(VendorSamples.AzureMonitorMetricResolved, "data.essentials.alertRule"), "data.essentials.alertRule" },
        { "azure-monitor", Without(VendorSamples.AzureMonitorMetricResolved, "data.essentials"), "data.essentials" },
        { "azure-monitor", With(VendorSamples.AzureMonitorMetricResolved, "data.essentials.monitorCondition", "Unknown"), "data.essentials.monitorCondition" },
        { "github", Without(VendorSamples.GitHubSecretScanningCreated, "repository"), "repository" },
        { "github", Without(VendorSamples.GitHubSecretScanningCreated, "repository.full_name"), "repository.full_name" },
        { "github", Without(VendorSamples.GitHubSecretScanningCreated, "alert.number"), "alert.number" },
        { "sentinel", Without(VendorSamples.SentinelIncidentCreated, "object.properties.createdTimeUtc"), "object.properties.createdTimeUtc" },
        { "sentinel", Without(VendorSamples.SentinelIncidentCreated, "object.id"), "object.id" },
        { "sentinel", With(VendorSamples.SentinelIncidentCreated, "object.properties.status", "Open"), "object.properties.status" },
        { "generic", Without(VendorSamples.GenericTriggered, "eventId"), "eventId" },
        { "generic", Without(VendorSamples.GenericTriggered, "externalId"), "externalId" },
        { "generic", With(VendorSamples.GenericTriggered, "title", "   "), "title" },
        { "generic", With(VendorSamples.GenericTriggered, "status", "open"), "status" },
        { "generic", With(VendorSamples.GenericTriggered, "occurredAt", "2026-05-20T15:58:00"), "occurredAt" },
        { "generic", With(VendorSamples.GenericTriggered, "links", "https://not-an-array.example"), "links" },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public void Missing_or_invalid_field_is_named(string source, string json, string field)
    {
        var ex = Assert.Throws<WebhookPayloadException>(() => Parse(source, json, source == "github" ? GitHubHeaders() : null));

        Assert.Equal(field, ex.Field);
        Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GitHub_missing_event_header_is_named()
        => Assert.Equal("X-GitHub-Event", Assert.Throws<WebhookPayloadException>(
            () => Parse("github", VendorSamples.GitHubSecretScanningCreated, Headers(("X-GitHub-Delivery", "d-1")))).Field);

    /// <summary>Issue 13 point 10: X-GitHub-Delivery is not signed, so it cannot tell a replay from a new event.</summary>
    [Fact]
    public void GitHub_dedupe_key_comes_from_the_signed_body_not_the_delivery_header()
    {
        var first = Assert.Single(Parse("github", VendorSamples.GitHubSecretScanningCreated, Headers(("X-GitHub-Event", "secret_scanning_alert"), ("X-GitHub-Delivery", "d-1"))));
        var replay = Assert.Single(Parse("github", VendorSamples.GitHubSecretScanningCreated, Headers(("X-GitHub-Event", "secret_scanning_alert"), ("X-GitHub-Delivery", "d-2"))));
        var unsaid = Assert.Single(Parse("github", VendorSamples.GitHubSecretScanningCreated, Headers(("X-GitHub-Event", "secret_scanning_alert"))));
        var later = Assert.Single(Parse("github", With(VendorSamples.GitHubSecretScanningCreated, "alert.updated_at", "2026-05-20T13:50:00Z"), GitHubHeaders()));
        var withoutUpdate = Assert.Single(Parse("github", Without(VendorSamples.GitHubSecretScanningCreated, "alert.updated_at"), GitHubHeaders()));

        Assert.Equal(first.DeliveryId, replay.DeliveryId);
        Assert.Equal(first.DeliveryId, unsaid.DeliveryId);
        Assert.NotEqual(first.DeliveryId, later.DeliveryId);
        Assert.StartsWith("sha256:", withoutUpdate.DeliveryId, StringComparison.Ordinal);
    }

    /// <summary>GitHub's default content type: the JSON is the form field "payload" (percent-encoded, '+' for space).</summary>
    [Fact]
    public void GitHub_form_encoded_delivery_reads_as_its_json()
    {
        var form = "payload=" + Uri.EscapeDataString(VendorSamples.GitHubSecretScanningCreated).Replace("%20", "+", StringComparison.Ordinal);
        var headers = Headers(("X-GitHub-Event", "secret_scanning_alert"), ("Content-Type", "application/x-www-form-urlencoded"));

        var fromForm = Assert.Single(Parse("github", form, headers));
        var fromJson = Assert.Single(Parse("github", VendorSamples.GitHubSecretScanningCreated, GitHubHeaders()));

        Assert.Equal(fromJson.DeliveryId, fromForm.DeliveryId);
        Assert.Equal(fromJson.Title, fromForm.Title);
        Assert.Equal("payload", Assert.Throws<WebhookPayloadException>(() => Parse("github", "other=1", headers)).Field);
    }

    /// <summary>GitHub's schema guarantees only action, alert and repository: the rest falls back instead of failing.</summary>
    [Fact]
    public void GitHub_fields_it_does_not_guarantee_fall_back()
    {
        var noCreated = Without(VendorSamples.GitHubSecretScanningCreated, "alert.created_at");
        var noTimes = Without(Without(Without(noCreated, "alert.updated_at"), "alert.secret_type"), "alert.secret_type_display_name");

        Assert.Equal(new DateTimeOffset(2026, 5, 20, 13, 45, 12, TimeSpan.Zero), Assert.Single(Parse("github", noCreated, GitHubHeaders())).DetectedAt);
        var bare = Assert.Single(Parse("github", noTimes, GitHubHeaders()));
        Assert.Equal(Now, bare.DetectedAt); // the time of receipt
        Assert.Equal("Secret scanning alert #191: secret exposed in Codertocat/Hello-World", bare.Title);
        Assert.Equal("alert.number", Assert.Throws<WebhookPayloadException>(() => Parse("github", Without(noCreated, "alert.number"), GitHubHeaders())).Field);
    }

    /// <summary>Issue 13 point 6: a verified payload is held to the API's JSON rules too; a 400 names the field, never a 500.</summary>
    [Theory]
    [InlineData("\"title\": \"Customer", "\"title\": \"\\ud800 Customer", "title")]
    [InlineData("\"system\": \"crm\",", "\"system\": \"crm\", \"system\": \"erp\",", "context.system")]
    public void Duplicate_fields_and_lone_surrogates_are_named(string find, string replace, string field)
    {
        var json = VendorSamples.GenericTriggered.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(VendorSamples.GenericTriggered, json);

        var ex = Assert.Throws<WebhookPayloadException>(() => Parse("generic", json, WebhookHeaders.None));

        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void Body_over_the_size_limit_is_refused()
    {
        var source = Source("generic", new WebhookOptions { MaxBodyBytes = 64 });

        var ex = Assert.Throws<WebhookPayloadException>(() => source.Parse(Utf8(VendorSamples.GenericTriggered), WebhookHeaders.None));

        Assert.Equal("(body)", ex.Field);
    }

    [Fact]
    public void Error_messages_and_logs_carry_no_payload_values()
    {
        var logger = new CapturingLogger();
        var source = Source("generic", new WebhookOptions(), new FakeTimeProvider(Now), logger);
        var json = With(Without(VendorSamples.GenericTriggered, "eventId"), "title", "Anna Example anna@example.org");

        var ex = Assert.Throws<WebhookPayloadException>(() => source.Parse(Utf8(json), WebhookHeaders.None));
        source.Parse(Utf8(With(VendorSamples.GenericTriggered, "title", "Anna Example anna@example.org")), WebhookHeaders.None);

        Assert.DoesNotContain("anna", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["Webhook from generic malformed at field eventId", "Webhook from generic parsed into 1 alert(s)"], logger.Lines);
    }

    [Theory]
    [InlineData("CRITICAL", "critical")]
    [InlineData("warning", "medium")]
    [InlineData("error", "high")]
    [InlineData("P4", "low")]
    [InlineData("Informational", "info")]
    [InlineData("whatever", "medium")]
    [InlineData(null, "medium")]
    public void Severity_normalisation(string? raw, string expected) =>
        Assert.Equal(expected, AlertSeverity.Normalize(raw));
}
