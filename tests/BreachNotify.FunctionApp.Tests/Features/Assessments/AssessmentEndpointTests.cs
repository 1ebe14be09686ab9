using System.Net;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Assessments;

public sealed class AssessmentEndpointTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    public const string MailingListPublished = """
        {"breachTypes":["confidentiality"],"dataCategories":["contact"],"dataSubjects":1200,"records":5000,
         "vulnerableSubjects":false,"protection":"none","protectionCompromised":false,"exposure":"unknown-recipients",
         "exfiltration":"confirmed","maliciousIntent":true,"availabilityImpact":"none","integrityImpact":"none",
         "contained":false,"misuseObserved":false,"disproportionateEffort":false}
        """;

    /// <summary>EDPB 01/2021 Case 01: ransomware, data encrypted at rest with the key safe, no exfiltration, restored within hours.</summary>
    public const string EdpbCase01 = """
        {"breachTypes":["availability"],"dataCategories":["contact","financial"],"dataSubjects":40,
         "protection":"encrypted","exposure":"none","exfiltration":"ruled-out","maliciousIntent":true,
         "availabilityImpact":"restored-quickly"}
        """;

    [Fact]
    public async Task Assessment_returns_the_contract_shape_and_stores_nothing()
    {
        var body = await Body(await _factory.Reporter().PostJson("/api/assessments", MailingListPublished), HttpStatusCode.OK);
        var severity = body.GetProperty("severity");
        foreach (var p in new[] { "score", "level", "dataProcessingContext", "easeOfIdentification", "circumstances" })
            Assert.True(severity.TryGetProperty(p, out _), p);
        Assert.Contains(severity.GetProperty("level").GetString(), new[] { "low", "medium", "high", "very-high" });
        Assert.Contains(body.GetProperty("risk").GetString(), new[] { "unlikely", "risk", "high" });
        Assert.True(body.GetProperty("notifyAuthority").GetBoolean());
        Assert.NotEmpty(body.GetProperty("reasons").EnumerateArray());
        Assert.Equal(BreachNotify.Domain.Risk.RiskEngine.Version, body.GetProperty("engineVersion").GetString());
        var list = await Body(await _factory.Viewer().GetAsync("/api/incidents"), HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Edpb_case_01_needs_no_notification()
    {
        var body = await Body(await _factory.Dpo().PostJson("/api/assessments", EdpbCase01), HttpStatusCode.OK);
        Assert.Equal("unlikely", body.GetProperty("risk").GetString());
        Assert.False(body.GetProperty("notifyAuthority").GetBoolean());
        Assert.False(body.GetProperty("notifyDataSubjects").GetBoolean());
    }

    [Theory]
    [InlineData("""{"dataCategories":["contact"],"dataSubjects":1}""", "breachTypes")]
    [InlineData("""{"breachTypes":["confidentiality"],"dataCategories":["contact"],"dataSubjects":1,"exfiltration":"unknown"}""", "exposure")]
    [InlineData("""{"breachTypes":["availability"],"dataCategories":["dna"],"dataSubjects":1}""", "dataCategories[0]")]
    [InlineData("""{"breachTypes":["availability"],"dataCategories":["contact"],"dataSubjects":-1}""", "dataSubjects")]
    [InlineData("""{"breachTypes":["availability"],"dataCategories":["contact"]}""", "dataSubjects")]
    [InlineData("""{"breachTypes":["availability"],"dataCategories":[],"dataSubjects":3}""", "dataCategories")]
    [InlineData("""{"breachTypes":["availability"],"dataCategories":["contact"],"dataSubjects":3,"protection":"rot13"}""", "protection")]
    [InlineData("""{"breachTypes":["availability"],"dataCategories":["contact"],"dataSubjects":3,"extra":true}""", "extra")]
    public async Task Invalid_facts_are_400_naming_the_field(string json, string field)
        => await Problem(await _factory.Reporter().PostJson("/api/assessments", json), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task Viewer_may_not_assess()
        => await Problem(await _factory.Viewer().PostJson("/api/assessments", EdpbCase01), HttpStatusCode.Forbidden);
}
