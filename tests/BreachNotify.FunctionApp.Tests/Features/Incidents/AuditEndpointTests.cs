using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Incidents;

/// <summary>GET /api/incidents/{id}/audit, the head hash in the register, and the recipe docs/audit.md gives auditors.</summary>
public sealed partial class AuditEndpointTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private const string Facts = """{"breachTypes":["confidentiality"],"dataCategories":["contact","identity"],"dataSubjects":1200,"protection":"none","exposure":"unknown-recipients","exfiltration":"unknown","maliciousIntent":true}""";

    /// <summary>An incident with a history whose text exercises the canonical form: quotes, backslash, controls, accents, emoji, markup.</summary>
    private async Task<string> IncidentWithHistoryAsync()
    {
        var created = await Body(await _factory.Reporter().PostJson("/api/incidents",
            $$"""{"title":"Laptop \"CRM\" stolen 😀","detectedAt":"2026-03-27T09:00:00Z","note":"Zoë said:\n\tC:\\exports <b>&amp;</b>","facts":{{Facts}}}"""), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        _factory.Clock.Advance(TimeSpan.FromMinutes(3));
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}") { Content = JsonBody("""{"owner":"kim","description":"Stolen from a car\r\nin Utrecht"}""", "application/merge-patch+json") };
        await Body(await _factory.Reporter().SendAsync(patch), HttpStatusCode.OK);
        _factory.Clock.Advance(TimeSpan.FromSeconds(1).Add(TimeSpan.FromTicks(1234567)));
        await Body(await _factory.Reporter().PostJson($"/api/incidents/{id}/confirm", """{"awareAt":"2026-03-27T11:30:00+01:00","note":"checked the logs"}"""), HttpStatusCode.OK);
        return id;
    }

    private async Task<(JsonElement Body, string Text)> AuditAsync(string id)
    {
        var res = await _factory.Viewer().GetAsync($"/api/incidents/{id}/audit");
        var body = await Body(res, HttpStatusCode.OK);
        return (body, body.GetRawText());
    }

    [Fact]
    public async Task The_audit_lists_every_entry_with_its_hash_and_a_valid_chain()
    {
        var id = await IncidentWithHistoryAsync();
        var (audit, _) = await AuditAsync(id);
        var incident = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);

        Assert.True(audit.GetProperty("valid").GetBoolean(), audit.GetProperty("firstInvalid").ToString());
        Assert.False(audit.GetProperty("broken").GetBoolean());
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("firstInvalid").ValueKind);
        Assert.Equal(0, audit.GetProperty("legacyEntries").GetInt64());
        Assert.Equal(id, audit.GetProperty("incidentId").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id))), audit.GetProperty("genesis").GetString());
        var entries = audit.GetProperty("entries").EnumerateArray().ToList();
        var timeline = incident.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(timeline.Select(t => t.GetProperty("action").GetString()), entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["created", "assessed", "updated", "confirmed"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("hash").GetString()!));
        Assert.Equal(entries[^1].GetProperty("hash").GetString(), audit.GetProperty("headHash").GetString());
        // Instants in the canonical form (7 digits), details as the stored text.
        Assert.Equal("2026-03-27T12:03:01.1234567Z", entries[3].GetProperty("at").GetString());
        Assert.Equal(JsonValueKind.String, entries[1].GetProperty("details").ValueKind);
        Assert.Equal(incident.GetProperty("assessment").GetProperty("risk").GetString(),
            JsonDocument.Parse(entries[1].GetProperty("details").GetString()!).RootElement.GetProperty("result").GetProperty("risk").GetString());
    }

    [Fact]
    public async Task The_audit_needs_a_key_and_names_an_unknown_incident()
    {
        var id = await IncidentWithHistoryAsync();
        await Problem(await _factory.ClientFor(null).GetAsync($"/api/incidents/{id}/audit"), HttpStatusCode.Unauthorized);
        await Problem(await _factory.Viewer().GetAsync("/api/incidents/inc-nothing-here/audit"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Dpo().GetAsync($"/api/incidents/{id}/audit")).StatusCode);
    }

    /// <summary>Rewrites one stored entry in the SQLite file, as someone with access to the database (not the API) could.</summary>
    private int EditStoredEntry(string id, int sequence, string from, string to)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_factory.DataDirectory, "test.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE entities SET props = replace(props, $from, $to) WHERE tbl = 'Incidents' AND pk = $pk AND rk = $rk AND instr(props, $from) > 0";
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        cmd.Parameters.AddWithValue("$pk", id);
        cmd.Parameters.AddWithValue("$rk", "t" + sequence.ToString("D10", System.Globalization.CultureInfo.InvariantCulture));
        return cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task An_entry_edited_in_the_database_makes_the_audit_invalid_naming_that_entry()
    {
        var id = await IncidentWithHistoryAsync();
        Assert.Equal(1, EditStoredEntry(id, 3, "kim", "pat"));

        var (audit, _) = await AuditAsync(id);
        Assert.False(audit.GetProperty("valid").GetBoolean());
        Assert.True(audit.GetProperty("broken").GetBoolean());
        var broken = audit.GetProperty("firstInvalid");
        Assert.Equal(3, broken.GetProperty("sequence").GetInt64());
        Assert.False(string.IsNullOrWhiteSpace(broken.GetProperty("reason").GetString()));
        Assert.Contains(audit.GetProperty("entries")[2].GetProperty("changes").EnumerateArray(), c => c.GetProperty("newValue").GetString() == "pat");
    }

    [Fact]
    public async Task The_register_json_and_csv_carry_the_head_hash_the_audit_shows()
    {
        var id = await IncidentWithHistoryAsync();
        var (audit, _) = await AuditAsync(id);
        var head = audit.GetProperty("headHash").GetString()!;

        var register = await Body(await _factory.Viewer().GetAsync("/api/register"), HttpStatusCode.OK);
        var item = register.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);
        Assert.Equal(head, item.GetProperty("headHash").GetString());
        Assert.Equal(4, item.GetProperty("headSequence").GetInt64());

        var (csvHash, csvSequence) = await HeadFromCsvAsync(id);
        Assert.Equal(head, csvHash);
        Assert.Equal("4", csvSequence);
    }

    private async Task<(string Hash, string Sequence)> HeadFromCsvAsync(string id)
    {
        var csv = Encoding.UTF8.GetString(await (await _factory.Viewer().GetAsync("/api/register.csv")).Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var records = csv.Split("\r\n");
        var header = records[0].Split(',');
        Assert.Equal(["headHash", "headSequence"], header[^2..]);
        // The head columns are hex and digits, never quoted: the last two cells of the incident's record.
        var line = records.Single(l => l.StartsWith(id + ",", StringComparison.Ordinal));
        var cells = line.Split(',');
        return (cells[^2], cells[^1]);
    }

    [GeneratedRegex("```python\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex PythonBlock();

    /// <summary>Runs docs/audit.md's recipe, exactly as written there, on <paramref name="auditJson"/>.</summary>
    private static async Task<(int Exit, string Out, string Error)> RunRecipeAsync(string auditJson, params string[] args)
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "audit.md"));
        var code = Assert.Single(PythonBlock().Matches(doc)).Groups["code"].Value;
        var script = Path.Combine(Path.GetTempPath(), $"verify_chain_{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, code);
        try
        {
            var psi = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.StandardInput.WriteAsync(auditJson);
            p.StandardInput.Close();
            await p.WaitForExitAsync();
            return (p.ExitCode, (await stdout).Trim(), (await stderr).Trim());
        }
        finally { File.Delete(script); }
    }

    [Fact]
    public async Task The_documented_recipe_recomputes_the_servers_head_and_finds_the_same_break()
    {
        var id = await IncidentWithHistoryAsync();
        var (audit, text) = await AuditAsync(id);
        var head = audit.GetProperty("headHash").GetString()!;

        var ok = await RunRecipeAsync(text);
        Assert.True(ok.Exit == 0, ok.Error);
        Assert.Equal(head, ok.Out);

        // The head kept from a register export is still in the record after later changes.
        var (keptHash, keptSequence) = await HeadFromCsvAsync(id);
        await Body(await _factory.Dpo().PostJson($"/api/incidents/{id}/close", """{"note":"done"}"""), HttpStatusCode.OK);
        var (_, later) = await AuditAsync(id);
        var kept = await RunRecipeAsync(later, keptHash, keptSequence);
        Assert.True(kept.Exit == 0, kept.Error);
        var missing = await RunRecipeAsync(later, new string('0', 64), keptSequence);
        Assert.NotEqual(0, missing.Exit);

        // An answer edited in transit, and a record edited in storage, break where the server says.
        var edited = JsonNode.Parse(text)!;
        edited["entries"]![2]!["note"] = "inserted later";
        var forged = await RunRecipeAsync(edited.ToJsonString());
        Assert.NotEqual(0, forged.Exit);
        Assert.Contains("entry 3", forged.Error, StringComparison.Ordinal);

        Assert.Equal(1, EditStoredEntry(id, 2, "medium", "low"));
        var (tampered, tamperedText) = await AuditAsync(id);
        Assert.Equal(2, tampered.GetProperty("firstInvalid").GetProperty("sequence").GetInt64());
        var recipe = await RunRecipeAsync(tamperedText);
        Assert.NotEqual(0, recipe.Exit);
        Assert.Contains("entry 2", recipe.Error, StringComparison.Ordinal);
    }
}
