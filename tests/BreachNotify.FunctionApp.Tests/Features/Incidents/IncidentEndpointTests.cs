using System.Net;
using System.Net.Http.Headers;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Incidents;

public sealed class IncidentEndpointTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private const string Laptop = """{"title":"Laptop stolen from car","description":"Unencrypted laptop with CRM export","awareAt":"2026-03-27T10:15:00+01:00","countries":["nl","BE"]}""";

    private async Task<(string Id, string ETag)> CreateAsync(string json = Laptop)
    {
        var res = await _factory.Reporter().PostJson("/api/incidents", json);
        var body = await Body(res, HttpStatusCode.Created);
        return (body.GetProperty("id").GetString()!, res.Headers.ETag!.ToString());
    }

    private async Task<int> CountIncidentsAsync()
        => (await Body(await _factory.Viewer().GetAsync("/api/incidents?pageSize=200"), HttpStatusCode.OK)).GetProperty("items").GetArrayLength();

    [Fact]
    public async Task Readiness_and_health_need_no_key()
    {
        var client = _factory.ClientFor(null);
        await Body(await client.GetAsync("/"), HttpStatusCode.OK);
        var health = await Body(await client.GetAsync("/api/health"), HttpStatusCode.OK);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("standalone", health.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Missing_or_wrong_key_is_401_problem()
    {
        await Problem(await _factory.ClientFor(null).GetAsync("/api/incidents"), HttpStatusCode.Unauthorized);
        var wrong = await Problem(await _factory.ClientFor("not-a-key").GetAsync("/api/incidents"), HttpStatusCode.Unauthorized);
        Assert.DoesNotContain("not-a-key", wrong.ToString());
    }

    [Fact]
    public async Task Viewer_may_read_but_not_create_403_problem()
    {
        await Body(await _factory.Viewer().GetAsync("/api/incidents"), HttpStatusCode.OK);
        await Problem(await _factory.Viewer().PostJson("/api/incidents", Laptop), HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountIncidentsAsync());
    }

    [Fact]
    public async Task Create_returns_201_location_etag_and_timeline()
    {
        var res = await _factory.Reporter().PostJson("/api/incidents", Laptop);
        var body = await Body(res, HttpStatusCode.Created);
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("inc-", id);
        Assert.Equal($"/api/incidents/{id}", res.Headers.Location!.ToString());
        Assert.NotNull(res.Headers.ETag);
        Assert.Equal("confirmed", body.GetProperty("status").GetString());
        Assert.Equal("2026-03-27T09:15:00Z", body.GetProperty("awareAt").GetString());
        Assert.Equal("sam", body.GetProperty("reporter").GetString());
        Assert.Equal("manual", body.GetProperty("source").GetProperty("kind").GetString());
        Assert.Equal("controller", body.GetProperty("role").GetString());
        Assert.Equal(["NL", "BE"], body.GetProperty("countries").EnumerateArray().Select(c => c.GetString()));
        var created = Assert.Single(body.GetProperty("timeline").EnumerateArray());
        Assert.Equal("created", created.GetProperty("action").GetString());
        Assert.Equal("2026-03-27T12:00:00Z", created.GetProperty("at").GetString());

        var get = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal("Laptop stolen from car", get.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("""{"description":"no title"}""", "title")]
    [InlineData("""{"title":"x","awareAt":"2026-03-27T10:15:00"}""", "awareAt")]
    [InlineData("""{"title":"x","awareAt":"27-03-2026"}""", "awareAt")]
    [InlineData("""{"title":"x","role":"boss"}""", "role")]
    [InlineData("""{"title":"x","role":1}""", "role")]
    [InlineData("""{"title":"x","titel":"typo"}""", "titel")]
    [InlineData("""{"title":"x","countries":["ZZ"]}""", "countries")]
    [InlineData("""{"title":"x","role":"processor"}""", "controllerCustomer")]
    [InlineData("""{"title":"x","awareAt":"2026-03-27T12:05:00.0000001Z"}""", "awareAt")] // one tick past now + Incidents:ClockSkew (5m)
    [InlineData("""{"title":42}""", "title")]
    [InlineData("""{"title":"x",""", "$")]
    [InlineData("""[1,2]""", "$")]
    public async Task Invalid_create_is_400_naming_the_field_and_writes_nothing(string json, string field)
    {
        var problem = await Problem(await _factory.Reporter().PostJson("/api/incidents", json), HttpStatusCode.BadRequest, field);
        Assert.DoesNotContain("BreachNotify.", problem.ToString()); // no .NET type names leak
        Assert.Equal(0, await CountIncidentsAsync());
    }

    [Fact]
    public async Task Unknown_enum_value_lists_the_allowed_ones()
    {
        var problem = await Problem(await _factory.Reporter().PostJson("/api/incidents", """{"title":"x","role":"boss"}"""), HttpStatusCode.BadRequest, "role");
        Assert.Contains("controller, processor", problem.GetProperty("errors").GetProperty("role")[0].GetString());
    }

    [Fact]
    public async Task Oversized_body_is_413_and_writes_nothing()
    {
        var big = """{"title":"x","description":""" + "\"" + new string('a', 70_000) + "\"}";
        await Problem(await _factory.Reporter().PostJson("/api/incidents", big), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await CountIncidentsAsync());
    }

    [Fact]
    public async Task Wrong_content_type_is_415()
    {
        var res = await _factory.Reporter().PostAsync("/api/incidents", new StringContent("title=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Problem(res, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Unknown_incident_is_404_problem()
    {
        await Problem(await _factory.Viewer().GetAsync("/api/incidents/inc-doesnotexist"), HttpStatusCode.NotFound);
        await Problem(await _factory.Viewer().GetAsync("/api/incidents/bad%2Fid"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_merges_facts_and_records_old_and_new()
    {
        var (id, etag) = await CreateAsync();
        var req = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}") { Content = JsonBody("""{"title":"Laptop stolen (Amsterdam)","owner":"it-sec","description":null}""", "application/merge-patch+json") };
        req.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        var res = await _factory.Reporter().SendAsync(req);
        var body = await Body(res, HttpStatusCode.OK);
        Assert.Equal("Laptop stolen (Amsterdam)", body.GetProperty("title").GetString());
        Assert.Equal("it-sec", body.GetProperty("owner").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("description").ValueKind);
        Assert.NotEqual(etag, res.Headers.ETag!.ToString());
        var updated = body.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal("updated", updated.GetProperty("action").GetString());
        var title = updated.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "title");
        Assert.Equal("Laptop stolen from car", title.GetProperty("oldValue").GetString());
        Assert.Equal("Laptop stolen (Amsterdam)", title.GetProperty("newValue").GetString());
    }

    [Fact]
    public async Task Patch_with_stale_etag_is_412_and_changes_nothing()
    {
        var (id, etag) = await CreateAsync();
        var first = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}") { Content = JsonBody("""{"owner":"alice"}""") };
        first.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        await Body(await _factory.Reporter().SendAsync(first), HttpStatusCode.OK);

        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}") { Content = JsonBody("""{"owner":"bob"}""") };
        stale.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        await Problem(await _factory.Reporter().SendAsync(stale), HttpStatusCode.PreconditionFailed);

        var now = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal("alice", now.GetProperty("owner").GetString());
        Assert.Equal(2, now.GetProperty("timeline").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"status":"closed"}""", "status")]
    [InlineData("""{"awareAt":"2026-03-27T08:00:00Z"}""", "awareAtChangeReason")]
    [InlineData("""{"countries":"NL"}""", "countries")]
    [InlineData("""{"detectedAt":null}""", "detectedAt")]
    [InlineData("""{"bogus":1,"title":"ok"}""", "bogus")]
    public async Task Invalid_patch_is_400_and_changes_nothing(string json, string field)
    {
        var (id, _) = await CreateAsync();
        var req = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}") { Content = JsonBody(json) };
        await Problem(await _factory.Reporter().SendAsync(req), HttpStatusCode.BadRequest, field);
        var now = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal("Laptop stolen from car", now.GetProperty("title").GetString());
        Assert.Equal(1, now.GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public async Task Aware_at_change_with_reason_is_audited()
    {
        var (id, _) = await CreateAsync();
        var req = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}") { Content = JsonBody("""{"detectedAt":"2026-03-27T07:30:00Z","awareAt":"2026-03-27T08:00:00Z","awareAtChangeReason":"First alert e-mail was earlier"}""") };
        var body = await Body(await _factory.Dpo().SendAsync(req), HttpStatusCode.OK);
        Assert.Equal("2026-03-27T08:00:00Z", body.GetProperty("awareAt").GetString());
        var last = body.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal("aware-at-changed", last.GetProperty("action").GetString());
        Assert.Equal("First alert e-mail was earlier", last.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Confirm_a_suspected_incident_then_refuse_a_second_confirm()
    {
        var (id, _) = await CreateAsync("""{"title":"Odd logins","detectedAt":"2026-03-27T08:00:00Z"}""");
        await Problem(await _factory.Reporter().PostJson($"/api/incidents/{id}/confirm", """{"note":"no time"}"""), HttpStatusCode.BadRequest, "awareAt");
        var body = await Body(await _factory.Reporter().PostJson($"/api/incidents/{id}/confirm", """{"awareAt":"2026-03-27T11:00:00+01:00","note":"Exfil confirmed"}"""), HttpStatusCode.OK);
        Assert.Equal("confirmed", body.GetProperty("status").GetString());
        Assert.Equal("2026-03-27T10:00:00Z", body.GetProperty("awareAt").GetString());
        await Problem(await _factory.Reporter().PostJson($"/api/incidents/{id}/confirm", """{"awareAt":"2026-03-27T11:00:00Z"}"""), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Dismiss_is_for_the_dpo_and_needs_a_reason()
    {
        var (id, _) = await CreateAsync("""{"title":"Phishing mail reported"}""");
        await Problem(await _factory.Reporter().PostJson($"/api/incidents/{id}/dismiss", """{"reason":"nope"}"""), HttpStatusCode.Forbidden);
        await Problem(await _factory.Dpo().PostJson($"/api/incidents/{id}/dismiss", """{"reason":""}"""), HttpStatusCode.BadRequest, "reason");
        var body = await Body(await _factory.Dpo().PostJson($"/api/incidents/{id}/dismiss", """{"reason":"No personal data involved"}"""), HttpStatusCode.OK);
        Assert.Equal("dismissed", body.GetProperty("status").GetString());
        Assert.Equal("No personal data involved", body.GetProperty("dismissalReason").GetString());
    }

    [Fact]
    public async Task List_filters_by_status_and_pages_newest_first()
    {
        for (var i = 0; i < 3; i++)
        {
            _factory.Clock.Advance(TimeSpan.FromMinutes(1));
            await CreateAsync($$"""{"title":"Suspected {{i}}"}""");
        }
        _factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await CreateAsync();
        var suspected = await Body(await _factory.Viewer().GetAsync("/api/incidents?status=suspected&pageSize=2"), HttpStatusCode.OK);
        Assert.Equal(["Suspected 2", "Suspected 1"], suspected.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()));
        var next = suspected.GetProperty("next").GetString()!;
        var page2 = await Body(await _factory.Viewer().GetAsync(next), HttpStatusCode.OK);
        Assert.Equal(["Suspected 0"], page2.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, page2.GetProperty("next").ValueKind);
        await Problem(await _factory.Viewer().GetAsync("/api/incidents?status=open"), HttpStatusCode.BadRequest, "status");
        await Problem(await _factory.Viewer().GetAsync("/api/incidents?page=0"), HttpStatusCode.BadRequest, "page");
    }

    [Fact]
    public async Task Idempotency_key_replays_the_same_incident_and_rejects_a_different_body()
    {
        async Task<HttpResponseMessage> Post(string json)
        {
            var req = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonBody(json) };
            req.Headers.Add("Idempotency-Key", "monitor-alert-42");
            return await _factory.Reporter().SendAsync(req);
        }
        var first = await Body(await Post(Laptop), HttpStatusCode.Created);
        var again = await Body(await Post(Laptop), HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        await Problem(await Post("""{"title":"Something else"}"""), HttpStatusCode.Conflict);
        Assert.Equal(1, await CountIncidentsAsync());
    }

    [Fact]
    public async Task Data_survives_a_restart_of_the_app()
    {
        var (id, _) = await CreateAsync();
        _factory.KeepData = true;
        _factory.Dispose();
        // Same database file, new app instance.
        using var second = new BreachNotifyFactory { DataDirectory = _factory.DataDirectory };
        var body = await Body(await second.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal("Laptop stolen from car", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Unknown_route_is_404_problem()
    {
        var res = await _factory.Viewer().GetAsync("/api/nothing-here");
        await Problem(res, HttpStatusCode.NotFound);
    }
}
