using System.Net;
using System.Text;
using BreachNotify.Application.Register;
using BreachNotify.Domain.Incidents;
using BreachNotify.FunctionApp.Features.Register;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Register;

public sealed class RegisterEndpointTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private const string Facts = """{"breachTypes":["confidentiality"],"dataCategories":["contact","identity"],"dataSubjects":1200,"protection":"none","exposure":"unknown-recipients","exfiltration":"unknown","maliciousIntent":true}""";

    private async Task<string> CreateAsync(string title, string? facts = null)
    {
        var json = $$"""{"title":{{System.Text.Json.JsonSerializer.Serialize(title)}},"awareAt":"2026-03-27T10:15:00+01:00"{{(facts is null ? "" : ",\"facts\":" + facts)}}}""";
        var body = await Body(await _factory.Reporter().PostJson("/api/incidents", json), HttpStatusCode.Created);
        return body.GetProperty("id").GetString()!;
    }

    private async Task<(string Decided, string Dismissed)> SeedAsync()
    {
        var decided = await CreateAsync("Laptop stolen", Facts);
        await Body(await _factory.Dpo().PostJson($"/api/incidents/{decided}/decision",
            """{"notifyAuthority":true,"notifyDataSubjects":false,"publicCommunication":false,"rationale":"Stolen, unencrypted; \"contained\" later, see ticket 7,\nsecond line"}"""), HttpStatusCode.OK);
        _factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var dismissed = await CreateAsync("=HYPERLINK(\"http://evil.test\")");
        await Body(await _factory.Dpo().PostJson($"/api/incidents/{dismissed}/dismiss", """{"reason":"@test data only"}"""), HttpStatusCode.OK);
        return (decided, dismissed);
    }

    [Fact]
    public async Task The_register_lists_every_incident_newest_first_with_decision_and_rationale()
    {
        var (decided, dismissed) = await SeedAsync();
        var body = await Body(await _factory.Viewer().GetAsync("/api/register"), HttpStatusCode.OK);
        var items = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([dismissed, decided], items.Select(i => i.GetProperty("id").GetString()));
        Assert.Equal("dismissed", items[0].GetProperty("status").GetString());
        Assert.Equal("@test data only", items[0].GetProperty("dismissalReason").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items[0].GetProperty("rationale").ValueKind);
        var d = items[1];
        Assert.Equal("confirmed", d.GetProperty("status").GetString());
        var incident = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{decided}"), HttpStatusCode.OK);
        Assert.Equal(incident.GetProperty("assessment").GetProperty("risk").GetString(), d.GetProperty("risk").GetString());
        Assert.Equal(incident.GetProperty("decision").GetProperty("isOverride").GetBoolean(), d.GetProperty("isOverride").GetBoolean());
        Assert.True(d.GetProperty("notifyAuthority").GetBoolean());
        Assert.False(d.GetProperty("notifyDataSubjects").GetBoolean());
        Assert.StartsWith("Stolen, unencrypted;", d.GetProperty("rationale").GetString());
        Assert.Equal("dana", d.GetProperty("decidedBy").GetString());
        Assert.Equal(1200, d.GetProperty("dataSubjects").GetInt64());
        // Decided but not yet notified: the register says what is still owed, as the incident does.
        Assert.Equal(["authority"], d.GetProperty("noticesOutstanding").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["authority"], incident.GetProperty("notices").GetProperty("outstanding").EnumerateArray().Select(x => x.GetString()));
        Assert.Empty(items[0].GetProperty("noticesOutstanding").EnumerateArray());
    }

    [Fact]
    public async Task The_register_needs_a_key_and_is_readable_by_viewers()
    {
        await Problem(await _factory.ClientFor(null).GetAsync("/api/register"), HttpStatusCode.Unauthorized);
        await Problem(await _factory.ClientFor(null).GetAsync("/api/register.csv"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Viewer().GetAsync("/api/register.csv")).StatusCode);
    }

    [Fact]
    public async Task The_csv_export_quotes_fields_and_defuses_formulas()
    {
        var (decided, dismissed) = await SeedAsync();
        var res = await _factory.Viewer().GetAsync("/api/register.csv");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/csv", res.Content.Headers.ContentType?.MediaType);
        Assert.Equal("breach-register-20260327.csv", res.Content.Headers.ContentDisposition?.FileName);
        var bytes = await res.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]); // UTF-8 BOM so spreadsheets read the accents right
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith(string.Join(',', RegisterFunctions.CsvColumns) + "\r\n", text);
        // The formula-looking title and reason are prefixed with ' and quoted; quotes doubled.
        Assert.Contains($"{dismissed},\"'=HYPERLINK(\"\"http://evil.test\"\")\",dismissed,manual,sam,", text);
        Assert.Contains(",\"'@test data only\",", text);
        // Records end with CRLF; the rationale's own LF stays inside its quoted field.
        var line = text.Split("\r\n").Single(l => l.StartsWith(decided, StringComparison.Ordinal));
        Assert.StartsWith($"{decided},Laptop stolen,confirmed,manual,sam,,controller,,,2026-03-27T09:15:00Z,2026-03-27T09:15:00Z,,2026-03-27T12:00:00Z,,,confidentiality,contact identity,1200,,no,", line);
        Assert.Matches(",yes,no,no,\"Stolen, unencrypted; \"\"contained\"\" later, see ticket 7,\nsecond line\",dana,2026-03-27T12:00:00Z,no,,authority,[0-9a-f]{64},3$", line);
    }

    [Fact]
    public async Task Every_injection_character_is_escaped_and_numbers_are_not()
    {
        var entry = new RegisterEntry
        {
            Id = "inc-1", Title = "+cmd", Status = IncidentStatus.Closed, Source = "-source", Reporter = "@me", Role = ProcessingRole.Processor,
            ControllerCustomer = "\tTabbed", Countries = ["NL", "BE"], DetectedAt = DateTimeOffset.Parse("2026-01-02T03:04:05+01:00", System.Globalization.CultureInfo.InvariantCulture),
            CreatedAt = DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture), DataSubjects = 0, Records = 12,
            NoticesOutstanding = [BreachNotify.Domain.Deadlines.RecipientKind.DataSubjects, BreachNotify.Domain.Deadlines.RecipientKind.Controllers],
        };
        using var stream = new MemoryStream();
        await RegisterFunctions.WriteCsvAsync([entry], stream, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(stream.ToArray()).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal(3, lines.Length); // header, record, empty after the final CRLF
        Assert.Equal("", lines[2]);
        Assert.StartsWith("inc-1,\"'+cmd\",closed,\"'-source\",\"'@me\",,processor,\"'\tTabbed\",NL BE,2026-01-02T02:04:05Z,,,2026-01-02T03:04:05Z,", lines[1]);
        Assert.Contains(",0,12,", lines[1]);
        Assert.EndsWith(",data-subjects controllers,,0", lines[1]);
        Assert.Equal(RegisterFunctions.CsvColumns.Length, RegisterFunctions.Fields(entry).Length);
    }
}
