using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BreachNotify.Application.Incidents;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Assessments;

/// <summary>The what-if list on every assessment answer, and an incident's stored assessment against the current engine.</summary>
public sealed class WhatIfAndDriftTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    /// <summary>Card data e-mailed by mistake to one recipient bound by confidentiality, who confirmed deletion.</summary>
    public const string TrustedRecipientDeleted = """
        {"breachTypes":["confidentiality"],"dataCategories":["contact","payment-card"],"dataSubjects":12,
         "exposure":"trusted-recipient","recipients":1,"exfiltration":"ruled-out","contained":true}
        """;

    [Fact]
    public async Task Every_what_if_entry_posted_back_as_a_merge_patch_gives_the_listed_outcome()
    {
        var reporter = _factory.Reporter();
        var body = await Body(await reporter.PostJson("/api/assessments", TrustedRecipientDeleted), HttpStatusCode.OK);
        Assert.Equal("unlikely", body.GetProperty("risk").GetString());
        var whatIf = body.GetProperty("whatIf").EnumerateArray().ToList();
        Assert.Contains(whatIf, e => e.GetProperty("fact").GetString() == "contained" && !e.GetProperty("value").GetBoolean()
            && e.GetProperty("risk").GetString() == "high" && e.GetProperty("notifyDataSubjects").GetBoolean());
        Assert.Contains(whatIf, e => e.GetProperty("fact").GetString() == "recipients" && e.GetProperty("value").GetInt64() == 21);
        Assert.Contains(whatIf, e => e.GetProperty("fact").GetString() == "dataCategories" && e.GetProperty("value").ValueKind == JsonValueKind.Array);
        foreach (var entry in whatIf)
        {
            var facts = JsonNode.Parse(TrustedRecipientDeleted)!.AsObject();
            facts[entry.GetProperty("fact").GetString()!] = JsonNode.Parse(entry.GetProperty("value").GetRawText());
            var again = await Body(await reporter.PostJson("/api/assessments", facts.ToJsonString()), HttpStatusCode.OK);
            foreach (var p in new[] { "risk", "notifyAuthority", "notifyDataSubjects", "publicCommunication" })
                Assert.Equal(entry.GetProperty(p).GetRawText(), again.GetProperty(p).GetRawText());
        }
    }

    [Theory]
    [InlineData("""{"breachTypes":["confidentiality"],"dataCategories":["contact"],"dataSubjects":3,"exposure":"known-recipients","exfiltration":"ruled-out","recipients":0}""", "recipients")]
    [InlineData("""{"breachTypes":["confidentiality"],"dataCategories":["contact"],"dataSubjects":3,"exposure":"unknown-recipients","exfiltration":"ruled-out","recipients":4}""", "recipients")]
    [InlineData("""{"breachTypes":["confidentiality"],"dataCategories":["contact"],"dataSubjects":3,"exposure":"trusted-recipient","exfiltration":"ruled-out","openRecipientList":true}""", "openRecipientList")]
    [InlineData("""{"breachTypes":["confidentiality"],"dataCategories":["contact"],"dataSubjects":3,"exposure":"known-recipients","exfiltration":"ruled-out","recipients":"many"}""", "recipients")]
    public async Task New_facts_are_validated_by_field(string json, string field)
        => await Problem(await _factory.Reporter().PostJson("/api/assessments", json), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task Facts_written_before_the_new_fields_still_assess()
        => Assert.Equal("risk", (await Body(await _factory.Reporter().PostJson("/api/assessments", AssessmentEndpointTests.MailingListPublished), HttpStatusCode.OK))
            .GetProperty("risk").GetString());

    [Fact]
    public async Task An_incident_assessed_by_this_engine_shows_no_drift_and_its_what_if()
    {
        var created = await Create(TrustedRecipientDeleted);
        var a = created.GetProperty("assessment");
        Assert.Equal(RiskEngine.Version, a.GetProperty("engineVersion").GetString());
        Assert.False(a.GetProperty("currentEngineDiffers").GetBoolean());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("current").ValueKind);
        Assert.NotEmpty(a.GetProperty("whatIf").EnumerateArray());
        Assert.Equal(1, created.GetProperty("facts").GetProperty("recipients").GetInt64());
    }

    [Fact]
    public async Task A_stored_assessment_from_an_older_engine_is_kept_and_the_difference_shown()
    {
        var created = await Create(TrustedRecipientDeleted);
        var id = created.GetProperty("id").GetString()!;
        // What engine 2026.11.1 recorded for these facts: card data with any recipient was never "contained", and
        // ENISA very high made it high risk (exempt from communication by the confirmed deletion).
        var old = new RiskAssessment(new SeverityScore(4.25m, SeverityLevel.VeryHigh, 4m, 1.0m, 0.25m), RiskLevel.High, true, false, false,
            ["art34-3-b"], ["[enisa-very-high] ENISA severity very high (≥ 4): significant or irreversible consequences, high risk. (ENISA 2013 severity methodology)"], "2026.11.1");
        var repository = _factory.Services.GetRequiredService<IncidentRepository>();
        var stored = await repository.GetAsync(id);
        await repository.SaveAsync(Incident.Load(stored.Incident.State with { Assessment = old }), stored.ETag);

        var body = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        var a = body.GetProperty("assessment");
        Assert.Equal("high", a.GetProperty("risk").GetString());
        Assert.Equal("2026.11.1", a.GetProperty("engineVersion").GetString());
        Assert.True(a.GetProperty("currentEngineDiffers").GetBoolean());
        Assert.Empty(a.GetProperty("whatIf").EnumerateArray());
        var current = a.GetProperty("current");
        Assert.Equal("unlikely", current.GetProperty("risk").GetString());
        Assert.False(current.GetProperty("notifyAuthority").GetBoolean());
        Assert.Equal(RiskEngine.Version, current.GetProperty("engineVersion").GetString());
        Assert.NotEmpty(current.GetProperty("whatIf").EnumerateArray());
        Assert.Contains(current.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("[recipient-contained]", StringComparison.Ordinal));
        // Nothing re-decided: one "assessed" entry, and the stored assessment is still the old one.
        Assert.Single(body.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "assessed");
        Assert.Equal("2026.11.1", (await repository.GetAsync(id)).Incident.State.Assessment!.EngineVersion);
    }

    private async Task<JsonElement> Create(string facts)
    {
        var json = """{"title":"Card data to the wrong agent","awareAt":"2026-03-27T09:00:00Z","facts":""" + facts + "}";
        return await Body(await _factory.Reporter().PostJson("/api/incidents", json), HttpStatusCode.Created);
    }
}
