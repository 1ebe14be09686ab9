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

    /// <summary>The Functions host's admin API body for running a non-HTTP function.</summary>
    private static StringContent AdminInput() => new("""{"input":""}""", System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Admin_run_of_DeadlineWatch_with_a_dpo_key_sends_the_due_reminder_once()
    {
        var id = await CreateAsync();
        _factory.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 29, 9, 15, 0, TimeSpan.Zero)); // exactly 24 h before the GDPR deadline
        var dpo = _factory.Dpo();
        var first = await Body(await dpo.PostAsync("/admin/functions/DeadlineWatch", AdminInput()), HttpStatusCode.Accepted);
        Assert.Equal("DeadlineWatch", first.GetProperty("name").GetString());
        await Body(await dpo.PostAsync("/admin/functions/deadlinewatch", AdminInput()), HttpStatusCode.Accepted); // names are case-insensitive, as on the host

        // GDPR 24h (48h passed over) and NIS2: notification 24h, early warning overdue; the second run sends nothing.
        // Outbox: one .eml per recipient and message (owner and DPO for reminders; no escalation list configured).
        var files = Directory.GetFiles(_outbox, "*.eml");
        Assert.Equal(6, files.Length);
        var body = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        var actions = body.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(2, actions.Count(a => a == "deadline-reminder"));
        Assert.Single(actions, a => a == "deadline-escalated");
    }

    [Fact]
    public async Task Admin_runs_need_a_dpo_key_and_send_nothing_otherwise()
    {
        await CreateAsync();
        _factory.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 29, 9, 15, 0, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.ClientFor(null).PostAsync("/admin/functions/DeadlineWatch", AdminInput())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.ClientFor("not-a-key").PostAsync("/admin/functions/DeadlineWatch", AdminInput())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _factory.Reporter().PostAsync("/admin/functions/DeadlineWatch", AdminInput())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _factory.Viewer().PostAsync("/admin/functions/DeadlineWatch", AdminInput())).StatusCode);
        Assert.False(Directory.Exists(_outbox) && Directory.GetFiles(_outbox, "*.eml").Length > 0);
    }

    [Fact]
    public async Task Admin_run_of_an_unknown_or_HTTP_function_is_404_and_an_empty_body_is_fine()
    {
        await CreateAsync();
        var dpo = _factory.Dpo();
        var unknown = await Body(await dpo.PostAsync("/admin/functions/Nope", AdminInput()), HttpStatusCode.NotFound);
        Assert.Contains("DeadlineWatch", unknown.GetProperty("detail").GetString());
        var http = await Body(await dpo.PostAsync("/admin/functions/GetIncident", AdminInput()), HttpStatusCode.NotFound);
        Assert.Contains("HTTP function", http.GetProperty("detail").GetString());
        await Body(await dpo.PostAsync("/admin/functions/DeadlineWatch", null), HttpStatusCode.Accepted);
        await Body(await dpo.PostAsync("/admin/functions/DeadlineWatch", new StringContent("""{"input":"","x":1}""", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
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
        Assert.IsAssignableFrom<OptionsValidationException>(factory.StartupFailure());
    }
}
