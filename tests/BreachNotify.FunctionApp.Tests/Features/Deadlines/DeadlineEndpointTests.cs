using System.Net;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Deadlines;

public sealed class DeadlineEndpointTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();
    private readonly string _outbox;

    public DeadlineEndpointTests()
    {
        _outbox = Path.Combine(_factory.DataDirectory, "outbox");
        _factory.Settings["Email:Outbox:Directory"] = _outbox;
        _factory.Settings["Organisation:Dpo:Email"] = "dpo@example.com";
        _factory.Settings["Deadlines:EnabledRegimes:0"] = "gdpr";
        _factory.Settings["Deadlines:EnabledRegimes:1"] = "nis2";
    }

    public void Dispose() => _factory.Dispose();

    private async Task<string> CreateAsync()
    {
        var body = await Body(await _factory.Reporter().PostJson("/api/incidents",
            """{"title":"CRM export on a public share","awareAt":"2026-03-27T10:15:00+01:00","owner":"owner@example.com"}"""), HttpStatusCode.Created);
        return body.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Get_incident_lists_deadlines_as_in_the_contract()
    {
        var id = await CreateAsync();
        var body = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        var deadlines = body.GetProperty("deadlines").EnumerateArray().ToList();
        var gdpr = deadlines.Single(d => d.GetProperty("regime").GetString() == "gdpr" && d.GetProperty("obligation").GetString() == "notify-authority");
        Assert.Equal("2026-03-30T09:15:00Z", gdpr.GetProperty("dueAt").GetString());
        Assert.Equal("2026-03-30T10:00:00Z", gdpr.GetProperty("outerBoundAt").GetString());
        Assert.Equal("2026-03-30T11:15:00+02:00", gdpr.GetProperty("dueAtLocal").GetString());
        Assert.Equal("pending", gdpr.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, gdpr.GetProperty("metAt").ValueKind);
        Assert.Equal("authority", gdpr.GetProperty("recipient").GetString());
        var subjects = deadlines.Single(d => d.GetProperty("obligation").GetString() == "notify-data-subjects");
        Assert.Equal(JsonValueKind.Null, subjects.GetProperty("dueAt").ValueKind);
        Assert.Equal("undue-delay", subjects.GetProperty("basis").GetString());
        var controller = deadlines.Single(d => d.GetProperty("obligation").GetString() == "notify-controller");
        Assert.Equal("not-required", controller.GetProperty("status").GetString());
        var early = deadlines.Single(d => d.GetProperty("obligation").GetString() == "early-warning");
        Assert.Equal("2026-03-28T09:15:00Z", early.GetProperty("dueAt").GetString());
        Assert.Equal("due-soon", early.GetProperty("status").GetString()); // clock is at 2026-03-27T12:00Z, 21 h 15 min left
    }

    private static string TimerPayload(bool pastDue)
        => """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-03-29T09:10:00+00:00","Next":"2026-03-29T09:15:00+00:00","LastUpdated":"2026-03-29T09:10:00+00:00"},"IsPastDue":PAST}},"Metadata":{}}"""
            .Replace("PAST", pastDue ? "true" : "false", StringComparison.Ordinal);

    [Fact]
    public async Task Post_DeadlineWatch_with_the_hosts_timer_payload_sends_the_due_reminder_once()
    {
        var id = await CreateAsync();
        _factory.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 29, 9, 15, 0, TimeSpan.Zero)); // exactly 24 h before the GDPR deadline
        var client = _factory.CreateClient();
        var first = await Body(await client.PostJson("/DeadlineWatch", TimerPayload(pastDue: true)), HttpStatusCode.OK);
        var log = first.GetProperty("Logs")[0].GetString()!;
        // GDPR 24h (48h passed over) and NIS2: notification 24h, early warning overdue.
        Assert.Contains("1 open incidents; sent 2 reminders, 1 escalations", log);
        Assert.Contains("pastDue=True", log);

        var again = await Body(await client.PostJson("/DeadlineWatch", TimerPayload(pastDue: false)), HttpStatusCode.OK);
        Assert.Contains("sent 0 reminders, 0 escalations", again.GetProperty("Logs")[0].GetString());

        // Outbox: one .eml per recipient and message (owner and DPO for reminders; no escalation list configured).
        var files = Directory.GetFiles(_outbox, "*.eml");
        Assert.Equal(6, files.Length);
        var body = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        var actions = body.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(2, actions.Count(a => a == "deadline-reminder"));
        Assert.Single(actions, a => a == "deadline-escalated");
    }

    [Fact]
    public async Task Empty_invocation_body_runs_the_sweep()
    {
        await CreateAsync();
        var res = await _factory.CreateClient().PostAsync("/DeadlineWatch", new StringContent(""));
        var body = await Body(res, HttpStatusCode.OK);
        Assert.Contains("1 open incidents", body.GetProperty("Logs")[0].GetString());
    }

    [Theory]
    [InlineData("Deadlines:EnabledRegimes:2", "dora")]
    [InlineData("Organisation:TimeZone", "Mars/Olympus_Mons")]
    [InlineData("Email:Provider", "Pigeon")]
    [InlineData("Escalation:Recipients:0", "not-an-address")]
    public void Invalid_settings_fail_at_start(string key, string value)
    {
        using var factory = new BreachNotifyFactory();
        factory.Settings[key] = value;
        Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());
    }
}
