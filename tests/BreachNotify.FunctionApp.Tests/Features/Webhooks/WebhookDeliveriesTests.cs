using System.Net;
using System.Text.Json;
using BreachNotify.Application.Webhooks;
using BreachNotify.FunctionApp.Composition;
using BreachNotify.Tests.Shared.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static BreachNotify.FunctionApp.Tests.Features.Webhooks.WebhookTestClient;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Webhooks;

/// <summary>GET /api/webhooks/deliveries and the bounded record of failed attempts; configuration keys.</summary>
public sealed class WebhookDeliveriesTests : IDisposable
{
    private readonly WebhookTestClient _hooks = new(s => s["Webhooks:FailedAttemptsLoggedPerMinute"] = "2");

    public void Dispose() => _hooks.Dispose();

    private const string GenericBody = """{"eventId":"evt-1","externalId":"dlp-17","title":"Customer table exported","status":"triggered","occurredAt":"2026-05-20T13:55:00Z"}""";

    [Fact]
    public async Task Only_the_dpo_may_list_deliveries()
    {
        await Problem(await _hooks.Anonymous.GetAsync("/api/webhooks/deliveries"), HttpStatusCode.Unauthorized);
        await Problem(await _hooks.Factory.Viewer().GetAsync("/api/webhooks/deliveries"), HttpStatusCode.Forbidden);
        await Problem(await _hooks.Factory.Reporter().GetAsync("/api/webhooks/deliveries"), HttpStatusCode.Forbidden);
        await Body(await _hooks.Factory.Dpo().GetAsync("/api/webhooks/deliveries"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Lists_newest_first_with_outcome_and_alerts_and_keeps_no_body_of_failed_ones()
    {
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered));
        _hooks.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", GenericBody, "wrong-secret")), HttpStatusCode.Unauthorized);
        _hooks.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", "{\"eventId\":")), HttpStatusCode.BadRequest);
        _hooks.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered));

        var items = (await _hooks.DeliveriesAsync()).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(
            ["pagerduty valid 202", "generic valid 400", "generic invalid 401", "pagerduty valid 202"],
            items.Select(i => $"{i.GetProperty("source").GetString()} {i.GetProperty("verification").GetString()} {i.GetProperty("status").GetInt32()}"));
        var duplicate = items[0];
        Assert.Equal((1, 0, 1), (duplicate.GetProperty("alertCount").GetInt32(), duplicate.GetProperty("accepted").GetInt32(), duplicate.GetProperty("duplicates").GetInt32()));
        var alert = items[3].GetProperty("alerts").EnumerateArray().Single();
        Assert.Equal("5ac64822-4adc-4fda-ade0-410becf0de4f", alert.GetProperty("deliveryId").GetString());
        Assert.Equal("PGR0VU2", alert.GetProperty("externalKey").GetString());
        Assert.True(alert.GetProperty("mapped").GetBoolean());
        Assert.Equal((await _hooks.LinkAsync("pagerduty", "PGR0VU2"))!.IncidentId, alert.GetProperty("incidentId").GetString());
        Assert.Equal("(body)", items[1].GetProperty("errorField").GetString());
        var failed = items[2];
        Assert.Empty(failed.GetProperty("alerts").EnumerateArray());
        Assert.True(failed.GetProperty("bodyBytes").GetInt64() > 0);
        Assert.DoesNotContain("Customer table", failed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("dlp-17", failed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_by_source_and_pages()
    {
        for (var i = 1; i <= 3; i++)
        {
            await _hooks.DeliverAsync(_hooks.Signed("generic", GenericBody.Replace("evt-1", "evt-" + i, StringComparison.Ordinal)));
            _hooks.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered));

        var page1 = await _hooks.DeliveriesAsync("?source=generic&pageSize=2");
        var page2 = await _hooks.DeliveriesAsync("?source=generic&pageSize=2&page=2");

        Assert.Equal(["evt-3", "evt-2"], page1.GetProperty("items").EnumerateArray().Select(AlertId));
        Assert.Equal("/api/webhooks/deliveries?page=2&pageSize=2&source=generic", page1.GetProperty("next").GetString());
        Assert.Equal(["evt-1"], page2.GetProperty("items").EnumerateArray().Select(AlertId));
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("next").ValueKind);
        Assert.Equal(4, (await _hooks.DeliveriesAsync()).GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("?source=splunk", "source")]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=201", "pageSize")]
    public async Task Bad_query_is_400_naming_the_parameter(string query, string field) =>
        await Problem(await _hooks.Factory.Dpo().GetAsync("/api/webhooks/deliveries" + query), HttpStatusCode.BadRequest, field);

    /// <summary>The store itself, not only the endpoint's bounds: a page far past the end is empty, never an overflow.</summary>
    [Fact]
    public async Task A_page_number_at_the_edge_of_int_gives_an_empty_page()
    {
        await _hooks.DeliverAsync(_hooks.Signed("pagerduty", VendorSamples.PagerDutyTriggered));
        var page = await _hooks.Service<BreachNotify.Application.Webhooks.Intake.WebhookDeliveryStore>().ListAsync(null, int.MaxValue, 200);
        Assert.Empty(page.Items);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Failed_attempts_are_recorded_up_to_the_limit_per_minute_and_the_rest_counted()
    {
        for (var i = 0; i < 5; i++)
            await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", GenericBody, "wrong")), HttpStatusCode.Unauthorized);
        Assert.Equal(2, (await _hooks.DeliveriesAsync()).GetProperty("items").GetArrayLength());

        _hooks.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("generic", GenericBody, "wrong")), HttpStatusCode.Unauthorized);

        var items = (await _hooks.DeliveriesAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.Equal(3, items[0].GetProperty("suppressedBefore").GetInt64());
        // Another source has its own allowance; valid deliveries are never capped.
        await Problem(await _hooks.Anonymous.SendAsync(_hooks.Signed("github", VendorSamples.GitHubSecretScanningCreated, "wrong")), HttpStatusCode.Unauthorized);
        await _hooks.DeliverAsync(_hooks.Signed("generic", GenericBody));
        Assert.Equal(5, (await _hooks.DeliveriesAsync()).GetProperty("items").GetArrayLength());
    }

    private static string AlertId(JsonElement item) => item.GetProperty("alerts").EnumerateArray().Single().GetProperty("deliveryId").GetString()!;

    [Fact]
    public void Source_keys_sit_directly_under_webhooks_and_match_without_hyphen()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:ReplayWindow"] = "00:02:00",
            ["Webhooks:MaxBodyBytes"] = "4096",
            ["Webhooks:github:Secrets:0"] = "a",
            ["Webhooks:github:Secrets:1"] = "b",
            ["Webhooks:AzureMonitor:Tokens:0"] = "t",
            ["Webhooks:grafana:TimestampHeader"] = "X-Ts",
        }).Build();
        var options = new WebhookOptions();

        WebhookComposition.Bind(configuration.GetSection("Webhooks"), options);

        Assert.Equal(TimeSpan.FromMinutes(2), options.ReplayWindow);
        Assert.Equal(4096, options.MaxBodyBytes);
        Assert.Equal(["a", "b"], options.GetSource("github")!.Secrets);
        Assert.Equal(["t"], options.GetSource("azure-monitor")!.Tokens);
        Assert.Equal("X-Ts", options.GetSource("grafana")!.TimestampHeader);
        Assert.Equal(3, options.Sources.Count);
        Assert.True(new WebhookOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("Webhooks:Sources:github:Secrets:0", "old layout")]
    [InlineData("Webhooks:githib:Secrets:0", "Webhooks:githib is neither a setting")]
    [InlineData("Webhooks:ReplayWindw", "Webhooks:ReplayWindw is neither a setting")]
    public void Misplaced_key_stops_the_app_at_start(string key, string message)
    {
        using var hooks = new WebhookTestClient(s => s[key] = "00:01:00");

        var error = Assert.IsAssignableFrom<Exception>(hooks.Factory.StartupFailure());

        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException
            ?? throw new Xunit.Sdk.XunitException("Expected an options validation failure, got " + error.GetType().Name);
        Assert.Contains(validation.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }
}
