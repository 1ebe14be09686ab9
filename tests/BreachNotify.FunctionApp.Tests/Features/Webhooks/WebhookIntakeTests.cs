using System.Net;
using System.Text;
using BreachNotify.Tests.Shared.Webhooks;
using static BreachNotify.FunctionApp.Tests.Features.Webhooks.WebhookTestClient;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Webhooks;

/// <summary>POST /api/webhooks/{source}: credentials on the raw body, limits, answers; each sender's documented sample.</summary>
public sealed class WebhookIntakeTests : IDisposable
{
    private readonly WebhookTestClient _hooks = new();

    public void Dispose() => _hooks.Dispose();

    private const string GenericBody = """{"eventId":"evt-1","externalId":"dlp-17","title":"Customer table exported","severity":"high","status":"triggered","occurredAt":"2026-05-20T13:55:00Z","context":{"system":"crm"}}""";

    /// <summary>Each sender's sample, the external key it must be linked under, and the severity it maps to.</summary>
    public static TheoryData<string, string, string, string> Samples => new()
    {
        { "pagerduty", VendorSamples.PagerDutyTriggered, "PGR0VU2", "critical" },
        { "grafana", VendorSamples.GrafanaTwoFiring, "c6eadffa33fcdf37", "medium" },
        { "alertmanager", VendorSamples.AlertmanagerFiringAndResolved, "5f0c8b1d3e2a4c67", "critical" },
        { "azure-monitor", VendorSamples.AzureMonitorMetricResolved, VendorSamples.AzureMonitorAlertId, "low" },
        { "github", VendorSamples.GitHubSecretScanningCreated, "Codertocat/Hello-World#191", "critical" },
        { "sentinel", VendorSamples.SentinelIncidentCreated, VendorSamples.SentinelIncidentId, "high" },
        { "generic", VendorSamples.GenericTriggered, "dlp-rule-17", "high" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Signed_vendor_sample_is_accepted_and_opens_a_suspected_incident(string source, string body, string externalKey, string severity)
    {
        var answer = await _hooks.DeliverAsync(_hooks.Signed(source, body));

        Assert.StartsWith("whd-", answer.GetProperty("deliveryId").GetString());
        Assert.True(answer.GetProperty("accepted").GetInt32() >= 1);
        var incident = await _hooks.IncidentAsync(source, externalKey);
        Assert.Equal("suspected", incident.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, incident.GetProperty("awareAt").ValueKind);
        var src = incident.GetProperty("source");
        Assert.Equal(source, src.GetProperty("kind").GetString());
        Assert.Equal(externalKey, src.GetProperty("externalId").GetString());
        Assert.Equal(severity, src.GetProperty("severity").GetString());
        Assert.Equal("monitor:" + source, incident.GetProperty("reporter").GetString());
        Assert.Equal(["created", "monitor-update"], incident.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Incident_carries_the_alert_fields()
    {
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered));

        var incident = await _hooks.IncidentAsync("pagerduty", "PGR0VU2");
        Assert.Equal("A little bump in the road", incident.GetProperty("title").GetString());
        Assert.Equal("2020-04-09T15:16:27Z", incident.GetProperty("detectedAt").GetString());
        Assert.Equal("https://acme.pagerduty.com/incidents/PGR0VU2", incident.GetProperty("source").GetProperty("link").GetString());
        Assert.Equal([">triggered"], MonitorStatuses(incident));
    }

    [Fact]
    public async Task Detection_reported_ahead_of_our_clock_is_recorded_as_now()
    {
        var ahead = GenericBody.Replace("2026-05-20T13:55:00Z", "2026-05-20T14:03:00Z", StringComparison.Ordinal);

        await _hooks.DeliverAsync(_hooks.Signed("generic", ahead));

        Assert.Equal("2026-05-20T14:00:00Z", (await _hooks.IncidentAsync("generic", "dlp-17")).GetProperty("detectedAt").GetString());
    }

    [Fact]
    public async Task Second_secret_of_a_rotation_is_accepted()
    {
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered, PagerDutyOldSecret));
        await _hooks.DeliverAsync(_hooks.Signed("generic", GenericBody, GenericOldSecret));

        Assert.NotNull(await _hooks.LinkAsync("pagerduty", "PGR0VU2"));
        Assert.NotNull(await _hooks.LinkAsync("generic", "dlp-17"));
    }

    public static TheoryData<string, string> AllSourcesWithBody => new()
    {
        { "pagerduty", VendorSamples.PagerDutyTriggered },
        { "grafana", VendorSamples.GrafanaTwoFiring },
        { "alertmanager", VendorSamples.AlertmanagerFiringAndResolved },
        { "azure-monitor", VendorSamples.AzureMonitorMetricResolved },
        { "github", VendorSamples.GitHubSecretScanningCreated },
        { "sentinel", VendorSamples.SentinelIncidentCreated },
        { "generic", GenericBody },
    };

    [Theory]
    [MemberData(nameof(AllSourcesWithBody))]
    public async Task Wrong_secret_or_token_is_401_without_detail_and_changes_nothing(string source, string body)
    {
        var problem = await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed(source, body, "not-the-credential")), HttpStatusCode.Unauthorized);

        Assert.Equal("The webhook could not be authenticated.", problem.GetProperty("detail").GetString());
        await _hooks.IdleAsync();
        Assert.Equal(0, await _hooks.CountIncidentsAsync());
    }

    [Theory]
    [InlineData("pagerduty")]
    [InlineData("github")]
    [InlineData("grafana")]
    [InlineData("generic")]
    public async Task Tampered_body_is_401(string source)
    {
        var body = source switch
        {
            "pagerduty" => VendorSamples.PagerDutyTriggered,
            "github" => VendorSamples.GitHubSecretScanningCreated,
            "grafana" => VendorSamples.GrafanaTwoFiring,
            _ => GenericBody,
        };
        var request = _hooks.Signed(source, body);
        request.Content = JsonContent(body.Replace("a", "b", StringComparison.Ordinal));

        await Problem(await _hooks.Anonymous.SendAsync(request), HttpStatusCode.Unauthorized);
        Assert.Equal(0, await _hooks.CountIncidentsAsync());
    }

    [Theory]
    [MemberData(nameof(AllSourcesWithBody))]
    public async Task Missing_credentials_are_401(string source, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/" + source) { Content = JsonContent(body) };
        request.Headers.Add("X-GitHub-Event", "secret_scanning_alert");
        request.Headers.Add("X-GitHub-Delivery", "d-1");

        var problem = await Problem(await _hooks.Anonymous.SendAsync(request), HttpStatusCode.Unauthorized);

        Assert.Equal("The webhook could not be authenticated.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Signed_timestamp_at_the_replay_window_edge_is_accepted_and_one_second_past_is_401()
    {
        var now = Now.ToUnixTimeSeconds();
        var stale = await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", GenericBody, unixTime: now - 301)), HttpStatusCode.Unauthorized);
        await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", GenericBody, unixTime: now + 301)), HttpStatusCode.Unauthorized);
        await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("grafana", VendorSamples.GrafanaTwoFiring, unixTime: now - 301)), HttpStatusCode.Unauthorized);

        Assert.Equal("The webhook could not be authenticated.", stale.GetProperty("detail").GetString());
        await _hooks.DeliverAsync(_hooks.Signed("generic", GenericBody, unixTime: now - 300));
        Assert.NotNull(await _hooks.LinkAsync("generic", "dlp-17"));
    }

    [Fact]
    public async Task Azure_monitor_token_in_the_url_is_accepted_and_a_wrong_one_is_401()
    {
        var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/azure-monitor?token=nope") { Content = JsonContent(VendorSamples.AzureMonitorMetricResolved) };
        await Problem(await _hooks.Anonymous.SendAsync(wrong), HttpStatusCode.Unauthorized);

        var right = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/azure-monitor?code=function-key&token=" + AzureMonitorToken) { Content = JsonContent(VendorSamples.AzureMonitorMetricResolved) };
        await _hooks.DeliverAsync(right);

        Assert.NotNull(await _hooks.LinkAsync("azure-monitor", VendorSamples.AzureMonitorAlertId));
    }

    [Fact]
    public async Task Api_keys_are_not_credentials_for_webhooks()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = JsonContent(GenericBody) };
        request.Headers.Add("X-Api-Key", Infrastructure.BreachNotifyFactory.DpoKey);

        await Problem(await _hooks.Anonymous.SendAsync(request), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Malformed_json_after_a_valid_signature_is_400_naming_the_body()
    {
        var problem = await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", "{\"eventId\":")), HttpStatusCode.BadRequest, "(body)");

        Assert.DoesNotContain("eventId", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Verification comes first: the same malformed body unsigned is a 401, not a 400.
        await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", "{\"eventId\":", "wrong")), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("generic", """{"eventId":"e","title":"t","status":"triggered","occurredAt":"2026-05-20T13:00:00Z"}""", "externalId")]
    [InlineData("generic", """{"eventId":"e","externalId":"x","title":"t","status":"firing","occurredAt":"2026-05-20T13:00:00Z"}""", "status")]
    [InlineData("pagerduty", """{"event":{"id":"e","event_type":"incident.triggered","occurred_at":"2026-05-20T13:00:00Z","data":{"type":"incident","title":"t"}}}""", "event.data.id")]
    [InlineData("azure-monitor", """{"schemaId":"azureMonitorCommonAlertSchema","data":{}}""", "data.essentials")]
    public async Task Missing_or_invalid_field_is_400_naming_it(string source, string body, string field)
    {
        await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed(source, body)), HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await _hooks.CountIncidentsAsync());
    }

    [Fact]
    public async Task GitHub_event_without_an_alert_is_accepted_and_opens_nothing()
    {
        var answer = await _hooks.DeliverAsync(_hooks.Signed("github", """{"zen":"Design for failure.","hook_id":1}""", githubEvent: "ping"));

        Assert.Equal(0, answer.GetProperty("alerts").GetInt32());
        Assert.Equal(0, await _hooks.CountIncidentsAsync());
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_before_reading_when_declared()
    {
        var big = "{\"pad\":\"" + new string('x', MaxBodyBytes) + "\"}";

        var problem = await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", big)), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Equal(0, (await _hooks.DeliveriesAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Body_over_the_limit_is_cut_off_when_not_declared()
    {
        var big = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', MaxBodyBytes) + "\"}");
        var request = _hooks.Signed("generic", "{}");
        request.Content = new StreamContent(new UnknownLengthStream(big));
        request.Content.Headers.ContentType = new("application/json");

        await Problem(await _hooks.Factory.Server.CreateClient().SendAsync(request), HttpStatusCode.RequestEntityTooLarge); // no buffering handler: the length stays undeclared
    }

    [Fact]
    public async Task Body_at_the_limit_is_read()
    {
        var head = GenericBody[..^1] + ",\"pad\":\"";
        var padded = head + new string('x', MaxBodyBytes - Encoding.UTF8.GetByteCount(head) - 2) + "\"}";
        Assert.Equal(MaxBodyBytes, Encoding.UTF8.GetByteCount(padded));

        await _hooks.DeliverAsync(_hooks.Signed("generic", padded));
    }

    [Theory]
    [InlineData("/api/webhooks/splunk")]
    [InlineData("/api/webhooks/azuremonitor")]
    [InlineData("/api/webhooks/deliveries")]
    public async Task Unknown_source_is_404_problem(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent(GenericBody) };

        await Problem(await _hooks.Anonymous.SendAsync(request), HttpStatusCode.NotFound);
    }

    /// <summary>A body whose length is not known up front, so it is sent chunked.</summary>
    /// <summary>Issue 13 point 7: credentials the headers already condemn are refused before the body is read (a body
    /// over the limit would otherwise be read up to it and answered 413).</summary>
    [Theory]
    [InlineData("generic", false)]     // configured, no signature
    [InlineData("pagerduty", true)]    // configured, a signature that is not hex
    [InlineData("alertmanager", true)] // a wrong token: fully decided by the header
    public async Task Unauthenticated_body_is_not_read(string source, bool withWrongCredential)
    {
        var big = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 4 * MaxBodyBytes) + "\"}");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/" + source) { Content = new StreamContent(new UnknownLengthStream(big)) };
        request.Content.Headers.ContentType = new("application/json");
        if (withWrongCredential && source == "pagerduty") request.Headers.Add("X-PagerDuty-Signature", "v1=not-hex");
        if (withWrongCredential && source == "alertmanager") request.Headers.Authorization = new("Bearer", "wrong-token");

        // The test server's own client: the factory's buffers a request body and declares its length (then 413 comes first).
        await Problem(await _hooks.Factory.Server.CreateClient().SendAsync(request), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_source_that_is_not_configured_reads_no_body()
    {
        using var hooks = new WebhookTestClient(s => s.Remove("Webhooks:github:Secrets:0"));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/github") { Content = new StreamContent(new UnknownLengthStream(new byte[4 * MaxBodyBytes])) };
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));

        await Problem(await hooks.Factory.Server.CreateClient().SendAsync(request), HttpStatusCode.Unauthorized);
        var logged = Assert.Single((await hooks.DeliveriesAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal("not-configured", logged.GetProperty("verification").GetString());
    }

    /// <summary>Issue 13 point 10: a captured signed body re-sent with new delivery ids is one event, not several.</summary>
    [Fact]
    public async Task GitHub_replay_with_new_delivery_ids_adds_nothing()
    {
        var first = await _hooks.DeliverAsync(_hooks.Signed("github", VendorSamples.GitHubSecretScanningCreated, githubDelivery: "11111111-0000-0000-0000-000000000001"));
        var incident = await _hooks.IncidentAsync("github", "Codertocat/Hello-World#191");
        for (var i = 2; i <= 4; i++)
        {
            var replay = await _hooks.DeliverAsync(_hooks.Signed("github", VendorSamples.GitHubSecretScanningCreated, githubDelivery: $"11111111-0000-0000-0000-00000000000{i}"));
            Assert.Equal(0, replay.GetProperty("accepted").GetInt32());
            Assert.Equal(1, replay.GetProperty("duplicates").GetInt32());
        }

        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        var after = await _hooks.IncidentAsync("github", "Codertocat/Hello-World#191");
        Assert.Equal(incident.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.Equal(incident.GetProperty("eTag").GetString(), after.GetProperty("eTag").GetString());
    }

    /// <summary>GitHub's default content type: verified on the raw form bytes, then its payload field is read.</summary>
    [Fact]
    public async Task GitHub_form_encoded_delivery_is_accepted()
    {
        var form = "payload=" + Uri.EscapeDataString(VendorSamples.GitHubSecretScanningCreated);
        var request = _hooks.Signed("github", form);
        request.Content = new StringContent(form, Encoding.UTF8);
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");

        var answer = await _hooks.DeliverAsync(request);

        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        Assert.NotNull(await _hooks.LinkAsync("github", "Codertocat/Hello-World#191"));
    }

    /// <summary>An action group's webhook URI with basic auth: https://monitor:{token}@host/api/webhooks/azure-monitor.</summary>
    [Fact]
    public async Task Azure_monitor_basic_auth_in_the_uri_is_accepted()
    {
        static HttpRequestMessage Post(string password, string query = "")
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/azure-monitor" + query) { Content = JsonContent(VendorSamples.AzureMonitorMetricResolved) };
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("monitor:" + password)));
            return request;
        }

        await Problem(await _hooks.Anonymous.SendAsync(Post("wrong")), HttpStatusCode.Unauthorized);
        await _hooks.DeliverAsync(Post(AzureMonitorToken));
        // A basic header that is not ours does not hide a valid ?token=.
        var again = await _hooks.DeliverAsync(Post("proxy-password", "?token=" + AzureMonitorToken));

        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
        Assert.NotNull(await _hooks.LinkAsync("azure-monitor", VendorSamples.AzureMonitorAlertId));
    }

    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
