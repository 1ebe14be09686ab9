using System.Net;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Features.Assessments;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Incidents;

public sealed class DecisionEndpointTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<JsonElement> CreateWithFacts(string facts)
    {
        var json = """{"title":"Mailing list leaked","awareAt":"2026-03-27T09:00:00Z","facts":""" + facts + "}";
        return await Body(await _factory.Reporter().PostJson("/api/incidents", json), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Facts_at_creation_are_assessed_and_snapshotted_on_the_timeline()
    {
        var body = await CreateWithFacts(AssessmentEndpointTests.MailingListPublished);
        Assert.Equal(1200, body.GetProperty("facts").GetProperty("dataSubjects").GetInt64());
        var assessment = body.GetProperty("assessment");
        Assert.True(assessment.GetProperty("notifyAuthority").GetBoolean());
        var assessed = body.GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "assessed");
        var details = assessed.GetProperty("details");
        Assert.Equal("unknown-recipients", details.GetProperty("facts").GetProperty("exposure").GetString());
        Assert.Equal(assessment.GetProperty("risk").GetString(), details.GetProperty("result").GetProperty("risk").GetString());
        Assert.Equal(BreachNotify.Domain.Risk.RiskEngine.Version, details.GetProperty("engineVersion").GetString());
    }

    [Fact]
    public async Task Patching_facts_merges_and_re_assesses()
    {
        var created = await CreateWithFacts(AssessmentEndpointTests.EdpbCase01);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("unlikely", created.GetProperty("assessment").GetProperty("risk").GetString());
        var req = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}")
        {
            Content = JsonBody("""{"facts":{"breachTypes":["availability","confidentiality"],"exposure":"unknown-recipients","exfiltration":"confirmed","protectionCompromised":true}}"""),
        };
        var body = await Body(await _factory.Reporter().SendAsync(req), HttpStatusCode.OK);
        Assert.Equal(40, body.GetProperty("facts").GetProperty("dataSubjects").GetInt64()); // kept from before
        Assert.Equal("confirmed", body.GetProperty("facts").GetProperty("exfiltration").GetString());
        Assert.NotEqual("unlikely", body.GetProperty("assessment").GetProperty("risk").GetString());
        Assert.Equal(2, body.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "assessed"));
    }

    [Fact]
    public async Task Invalid_facts_patch_names_the_nested_field_and_changes_nothing()
    {
        var created = await CreateWithFacts(AssessmentEndpointTests.EdpbCase01);
        var id = created.GetProperty("id").GetString()!;
        var req = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}") { Content = JsonBody("""{"title":"renamed","facts":{"dataSubjects":-5}}""") };
        await Problem(await _factory.Reporter().SendAsync(req), HttpStatusCode.BadRequest, "facts.dataSubjects");
        var now = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal("Mailing list leaked", now.GetProperty("title").GetString());
        Assert.Equal(40, now.GetProperty("facts").GetProperty("dataSubjects").GetInt64());
    }

    [Fact]
    public async Task Decision_requires_the_dpo_a_rationale_and_an_assessment()
    {
        var plain = await Body(await _factory.Reporter().PostJson("/api/incidents", """{"title":"No facts yet","awareAt":"2026-03-27T09:00:00Z"}"""), HttpStatusCode.Created);
        var plainId = plain.GetProperty("id").GetString()!;
        const string decision = """{"notifyAuthority":true,"notifyDataSubjects":false,"publicCommunication":false,"rationale":"Risk to contact data"}""";
        await Problem(await _factory.Reporter().PostJson($"/api/incidents/{plainId}/decision", decision), HttpStatusCode.Forbidden);
        await Problem(await _factory.Dpo().PostJson($"/api/incidents/{plainId}/decision", decision), HttpStatusCode.Conflict);

        var id = (await CreateWithFacts(AssessmentEndpointTests.MailingListPublished)).GetProperty("id").GetString()!;
        await Problem(await _factory.Dpo().PostJson($"/api/incidents/{id}/decision", """{"notifyAuthority":true,"notifyDataSubjects":false,"publicCommunication":false,"rationale":"  "}"""), HttpStatusCode.BadRequest, "rationale");
        await Problem(await _factory.Dpo().PostJson($"/api/incidents/{id}/decision", """{"notifyDataSubjects":false,"publicCommunication":false,"rationale":"x"}"""), HttpStatusCode.BadRequest, "notifyAuthority");
    }

    [Fact]
    public async Task Decision_following_the_recommendation_is_recorded_with_its_basis()
    {
        var created = await CreateWithFacts(AssessmentEndpointTests.MailingListPublished);
        var id = created.GetProperty("id").GetString()!;
        var a = created.GetProperty("assessment");
        var json = $$"""{"notifyAuthority":{{Lower(a, "notifyAuthority")}},"notifyDataSubjects":{{Lower(a, "notifyDataSubjects")}},"publicCommunication":{{Lower(a, "publicCommunication")}},"rationale":"Follows the engine: list was published"}""";
        var body = await Body(await _factory.Dpo().PostJson($"/api/incidents/{id}/decision", json), HttpStatusCode.OK);
        var decision = body.GetProperty("decision");
        Assert.False(decision.GetProperty("isOverride").GetBoolean());
        Assert.Equal("dana", decision.GetProperty("decidedBy").GetString());
        Assert.Equal(a.GetProperty("risk").GetString(), decision.GetProperty("basedOnRisk").GetString());
        var entry = body.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal("decision-recorded", entry.GetProperty("action").GetString());
        Assert.Equal("Follows the engine: list was published", entry.GetProperty("note").GetString());
        Assert.Equal(a.GetProperty("risk").GetString(), entry.GetProperty("details").GetProperty("basedOn").GetProperty("risk").GetString());
    }

    [Fact]
    public async Task Decision_departing_from_the_recommendation_is_flagged_as_override()
    {
        var created = await CreateWithFacts(AssessmentEndpointTests.MailingListPublished);
        var id = created.GetProperty("id").GetString()!;
        Assert.True(created.GetProperty("assessment").GetProperty("notifyAuthority").GetBoolean());
        var body = await Body(await _factory.Dpo().PostJson($"/api/incidents/{id}/decision",
            """{"notifyAuthority":false,"notifyDataSubjects":false,"publicCommunication":false,"rationale":"List was already public on the company website"}"""), HttpStatusCode.OK);
        var decision = body.GetProperty("decision");
        Assert.True(decision.GetProperty("isOverride").GetBoolean());
        Assert.Contains(decision.GetProperty("departures").EnumerateArray(), d => d.GetString()!.Contains("authority"));
        Assert.Equal("decision-override", body.GetProperty("timeline").EnumerateArray().Last().GetProperty("action").GetString());
    }

    private static string Lower(JsonElement e, string p) => e.GetProperty(p).GetBoolean() ? "true" : "false";
}
