using System.Net;
using System.Text.Json;
using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Incidents;
using BreachNotify.Domain.Incidents;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Incidents;

/// <summary>
/// Instants a client sends are refused with 400 naming the field when before 2000-01-01 or more than
/// Incidents:ClockSkew (default 5 min) ahead of the server's clock, with nothing written; an incident stored before this
/// check (year 1) still reads, lists, exports and is swept without a 5xx.
/// </summary>
public sealed class InstantEndpointTests : IDisposable
{
    private const string LastTickOf1999 = "1999-12-31T23:59:59.9999999Z";
    private const string FirstOf2000 = "2000-01-01T00:00:00Z";
    private const string YearOne = "0001-01-01T00:00:00Z";

    private readonly BreachNotifyFactory _factory = new();

    public InstantEndpointTests() => _factory.Settings["Email:Outbox:Directory"] = Path.Combine(_factory.DataDirectory, "outbox");

    public void Dispose() => _factory.Dispose();

    private DateTimeOffset Now => _factory.Clock.GetUtcNow();

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private Task<HttpResponseMessage> PostAsync(string json) => _factory.Reporter().PostJson("/api/incidents", json);

    private async Task<(string Id, string ETag)> CreateAsync(string json)
    {
        var res = await PostAsync(json);
        var body = await Body(res, HttpStatusCode.Created);
        return (body.GetProperty("id").GetString()!, res.Headers.ETag!.ToString());
    }

    private async Task<int> CountAsync()
        => (await Body(await _factory.Viewer().GetAsync("/api/incidents?pageSize=200"), HttpStatusCode.OK)).GetProperty("items").GetArrayLength();

    private static async Task<string> ErrorAsync(HttpResponseMessage res, string field)
    {
        var problem = await Problem(res, HttpStatusCode.BadRequest, field);
        return problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
    }

    [Fact]
    public async Task Year_one_awareAt_is_refused_and_nothing_is_written()
    {
        var message = await ErrorAsync(await PostAsync($$"""{"title":"Laptop stolen","awareAt":"{{YearOne}}"}"""), "awareAt");
        Assert.Equal("Must not be before 2000-01-01T00:00:00Z.", message);
        Assert.Equal(0, await CountAsync());
    }

    [Theory]
    [InlineData("awareAt")]
    [InlineData("detectedAt")]
    [InlineData("occurredAt")]
    public async Task Create_refuses_the_last_tick_of_1999_and_accepts_the_first_instant_of_2000(string field)
    {
        string Json(string t) => field == "occurredAt"
            ? $$"""{"title":"Laptop stolen","detectedAt":"2026-03-27T10:00:00Z","occurredAt":"{{t}}"}"""
            : $$"""{"title":"Laptop stolen","{{field}}":"{{t}}"}""";
        await ErrorAsync(await PostAsync(Json(LastTickOf1999)), field);
        Assert.Equal(0, await CountAsync());
        var (id, _) = await CreateAsync(Json(FirstOf2000));
        var body = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal(FirstOf2000, body.GetProperty(field).GetString());
    }

    [Theory]
    [InlineData("awareAt")]
    [InlineData("detectedAt")]
    [InlineData("occurredAt")]
    public async Task Create_accepts_now_plus_the_default_skew_and_refuses_one_tick_more(string field)
    {
        var limit = Now + TimeSpan.FromMinutes(5);
        string Json(DateTimeOffset t) => field == "occurredAt"
            ? $$"""{"title":"Laptop stolen","detectedAt":"{{Iso(t)}}","occurredAt":"{{Iso(t)}}"}"""
            : $$"""{"title":"Laptop stolen","{{field}}":"{{Iso(t)}}"}""";
        var message = await ErrorAsync(await PostAsync(Json(limit.AddTicks(1))), field);
        Assert.Contains("more than 300 s ahead of the server's clock", message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync());
        await CreateAsync(Json(limit));
    }

    [Fact]
    public async Task The_skew_is_a_setting()
    {
        _factory.Settings["Incidents:ClockSkew"] = "0s";
        await ErrorAsync(await PostAsync($$"""{"title":"Laptop stolen","awareAt":"{{Iso(Now.AddTicks(1))}}"}"""), "awareAt");
        await CreateAsync($$"""{"title":"Laptop stolen","awareAt":"{{Iso(Now)}}"}""");
    }

    [Fact]
    public void A_skew_over_an_hour_stops_the_app()
    {
        _factory.Settings["Incidents:ClockSkew"] = "61m";
        var ex = Assert.IsAssignableFrom<Exception>(_factory.StartupFailure());
        Assert.Contains("Incidents:ClockSkew", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00+01:00")] // before DateTimeOffset.MinValue in UTC
    [InlineData("9999-12-31T23:59:59-01:00")] // after DateTimeOffset.MaxValue in UTC
    public async Task Instants_outside_the_calendar_are_400_not_500(string instant)
    {
        var res = await PostAsync($$"""{"title":"Laptop stolen","awareAt":"{{instant}}"}""");
        await Problem(res, HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountAsync());
    }

    [Theory]
    [InlineData("detectedAt")]
    [InlineData("occurredAt")]
    [InlineData("awareAt")]
    public async Task Patch_refuses_an_instant_outside_the_window_and_changes_nothing(string field)
    {
        var (id, etag) = await CreateAsync("""{"title":"Laptop stolen","detectedAt":"2026-03-27T09:00:00Z","awareAt":"2026-03-27T10:00:00Z"}""");
        foreach (var bad in new[] { YearOne, LastTickOf1999, Iso(Now + TimeSpan.FromMinutes(5) + TimeSpan.FromTicks(1)) })
        {
            var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}")
            {
                Content = JsonBody($$"""{"{{field}}":"{{bad}}","awareAtChangeReason":"Log review"}""", "application/merge-patch+json"),
            };
            await ErrorAsync(await _factory.Reporter().SendAsync(patch), field);
        }
        var after = await _factory.Viewer().GetAsync($"/api/incidents/{id}");
        Assert.Equal(etag, after.Headers.ETag!.ToString());
        Assert.Single((await Body(after, HttpStatusCode.OK)).GetProperty("timeline").EnumerateArray());
    }

    [Fact]
    public async Task Confirm_refuses_an_awareAt_outside_the_window()
    {
        var (id, _) = await CreateAsync($$"""{"title":"Odd logins","detectedAt":"{{FirstOf2000}}"}""");
        foreach (var bad in new[] { YearOne, LastTickOf1999, Iso(Now + TimeSpan.FromMinutes(5) + TimeSpan.FromTicks(1)) })
            await ErrorAsync(await _factory.Reporter().PostJson($"/api/incidents/{id}/confirm", $$"""{"awareAt":"{{bad}}"}"""), "awareAt");
        var suspected = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal("suspected", suspected.GetProperty("status").GetString());
        await Body(await _factory.Reporter().PostJson($"/api/incidents/{id}/confirm", $$"""{"awareAt":"{{FirstOf2000}}"}"""), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Authority_submission_time_has_the_same_window()
    {
        var (id, _) = await CreateAsync($$"""{"title":"Laptop stolen","awareAt":"{{Iso(Now.AddHours(-1))}}"}""");
        var dpo = _factory.Dpo();
        var tooLate = Iso(Now + TimeSpan.FromMinutes(5) + TimeSpan.FromTicks(1));
        await ErrorAsync(await dpo.PostJson($"/api/incidents/{id}/authority-submissions", $$"""{"reference":"AP-1","submittedAt":"{{tooLate}}"}"""), "submittedAt");
        await ErrorAsync(await dpo.PostJson($"/api/incidents/{id}/authority-submissions", $$"""{"reference":"AP-1","submittedAt":"{{YearOne}}"}"""), "submittedAt");
        var ok = await Body(await dpo.PostJson($"/api/incidents/{id}/authority-submissions", $$"""{"reference":"AP-1","submittedAt":"{{Iso(Now + TimeSpan.FromMinutes(5))}}"}"""), HttpStatusCode.Created);
        Assert.Equal(Now + TimeSpan.FromMinutes(5), ok.GetProperty("submittedAt").GetDateTimeOffset());
        var deadlines = (await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK)).GetProperty("deadlines");
        Assert.Contains(deadlines.EnumerateArray(), d => d.GetProperty("obligation").GetString() == "notify-authority" && d.GetProperty("status").GetString() == "met");
    }

    /// <summary>Writes the stored state as data from before the window would hold it, behind the API's back.</summary>
    private async Task StoreLegacyAsync(string id, DateTimeOffset at)
    {
        var repository = _factory.Services.GetRequiredService<IncidentRepository>();
        var stored = await repository.GetAsync(id);
        await repository.SaveAsync(Incident.Load(stored.Incident.State with { DetectedAt = at, AwareAt = at, OccurredAt = at }), stored.ETag);
    }

    [Theory]
    [InlineData(YearOne)]
    [InlineData("0001-01-01T00:00:00.0000000+00:00")]
    [InlineData("9999-12-31T23:59:59.9999999+00:00")]
    public async Task An_incident_stored_with_an_instant_at_the_ends_of_the_calendar_still_reads_and_is_swept(string stored)
    {
        var (id, _) = await CreateAsync("""{"title":"Laptop stolen","awareAt":"2026-03-27T10:00:00Z","owner":"owner@example.com"}""");
        var at = DateTimeOffset.Parse(stored, System.Globalization.CultureInfo.InvariantCulture);
        await StoreLegacyAsync(id, at);

        var body = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        var gdpr = body.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("obligation").GetString() == "notify-authority");
        if (at.Year == 1)
        {
            Assert.Equal("overdue", gdpr.GetProperty("status").GetString());
            Assert.Contains("before 2000-01-01", gdpr.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, gdpr.GetProperty("dueAtLocal").ValueKind);
        }
        await Body(await _factory.Viewer().GetAsync("/api/incidents"), HttpStatusCode.OK);
        await Body(await _factory.Viewer().GetAsync("/api/register"), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Viewer().GetAsync("/api/register.csv")).StatusCode);

        var sweep = await _factory.Services.GetRequiredService<DeadlineWatch>().SweepAsync(isPastDue: false);
        Assert.Equal(0, sweep.Failed);
        Assert.Equal(at.Year == 1 ? 1 : 0, sweep.Escalations);
    }
}
