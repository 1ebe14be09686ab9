using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Http;

/// <summary>
/// Fuzzing in CI (issue 13): generated bodies for every JSON contract and the recipient import, sent to the real app.
/// Two properties for every request: the answer is never a 5xx, and a refused request (4xx) changes nothing in the
/// store (<see cref="StoreSnapshot"/> before and after). <see cref="RequestsPerContract"/> keeps the run within CI's
/// budget on 2 cores; set BREACHNOTIFY_FUZZ_REQUESTS to run more locally.
/// </summary>
public sealed class ContractFuzzTests(ITestOutputHelper output) : IDisposable
{
    public const int RequestsPerContract = 120;

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("BREACHNOTIFY_FUZZ_REQUESTS"), out var n) && n > 0 ? n : RequestsPerContract;

    private readonly BreachNotifyFactory _factory = new();
    private int _requests;
    private int _serverErrors;

    public void Dispose() => _factory.Dispose();

    private const string Facts = """{"breachTypes":["confidentiality"],"dataCategories":["contact","identity"],"dataSubjects":120,"exposure":"unknown-recipients","exfiltration":"unknown"}""";

    /// <summary>Incidents in different states, an unknown id and a malformed one: the routes the bodies are sent to.</summary>
    private async Task<string[]> IncidentsAsync()
    {
        var dpo = _factory.Dpo();
        async Task<string> Create(string json) => (await Body(await dpo.PostJson("/api/incidents", json), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var confirmed = await Create($$"""{"title":"Laptop","awareAt":"2026-03-27T10:15:00+01:00","facts":{{Facts}}}""");
        await Body(await dpo.PostJson($"/api/incidents/{confirmed}/decision", """{"notifyAuthority":true,"notifyDataSubjects":true,"publicCommunication":false,"rationale":"r"}"""), HttpStatusCode.OK);
        var suspected = await Create("""{"title":"Odd login"}""");
        return [confirmed, suspected, "inc-00000000000000000000000000000000", "not%20an%20id"];
    }

    private void Fuzz(string contract, Gen<(HttpMethod Method, string Url, FuzzBody Body)> requests)
    {
        var property = Prop.ForAll(Arb.From(requests), r => SendAndCheck(contract, r.Method, r.Url, r.Body));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Count).WithQuietOnSuccess(true), property);
        output.WriteLine($"{contract}: {_requests} requests fuzzed so far, {_serverErrors} 5xx");
        Assert.Equal(0, _serverErrors);
    }

    private void SendAndCheck(string contract, HttpMethod method, string url, FuzzBody body)
    {
        var before = StoreSnapshot.Take(_factory);
        using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body.Bytes) };
        if (body.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
        using var response = _factory.Dpo().SendAsync(request).GetAwaiter().GetResult();
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Interlocked.Increment(ref _requests);
        var status = (int)response.StatusCode;
        if (status >= 500) Interlocked.Increment(ref _serverErrors);
        Assert.True(status < 500, $"{contract}: {method} {url} answered {status} to {body}: {text}");
        if (status < 400) return;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The importer streams: a read error after good rows keeps those rows and says how many (the upload is repeatable).
        if (StoredBeforeTheError(text) > 0) return;
        Assert.True(before == StoreSnapshot.Take(_factory), $"{contract}: {method} {url} answered {status} but changed the store; body {body}: {text}");
    }

    private static long StoredBeforeTheError(string problem)
    {
        var detail = JsonDocument.Parse(problem).RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        var at = detail.IndexOf(" rows before it were stored", StringComparison.Ordinal);
        if (at < 0) return 0;
        var start = detail.LastIndexOf(' ', at - 1) + 1;
        return long.Parse(detail[start..at], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Gen<(HttpMethod, string, FuzzBody)> To(HttpMethod method, Gen<string> urls, Gen<FuzzBody> bodies)
        => Gen.Zip(urls, bodies).Select(p => (method, p.Item1, p.Item2));

    [Fact]
    public async Task Incident_contracts_never_answer_5xx_and_refusals_change_nothing()
    {
        var ids = Gen.Elements(await IncidentsAsync());
        Fuzz("create", To(HttpMethod.Post, Gen.Constant("/api/incidents"), FuzzInputs.JsonBody(FuzzInputs.CreateIncident)));
        Fuzz("patch", To(HttpMethod.Patch, ids.Select(id => $"/api/incidents/{id}"), FuzzInputs.JsonBody(FuzzInputs.PatchIncident, "application/merge-patch+json")));
        Fuzz("confirm", To(HttpMethod.Post, ids.Select(id => $"/api/incidents/{id}/confirm"), FuzzInputs.JsonBody(FuzzInputs.Confirm)));
        Fuzz("decision", To(HttpMethod.Post, ids.Select(id => $"/api/incidents/{id}/decision"), FuzzInputs.JsonBody(FuzzInputs.Decision)));
        Fuzz("dismiss", To(HttpMethod.Post, ids.Select(id => $"/api/incidents/{id}/dismiss"), FuzzInputs.JsonBody(FuzzInputs.Dismiss)));
        Fuzz("close", To(HttpMethod.Post, ids.Select(id => $"/api/incidents/{id}/close"), FuzzInputs.JsonBody(FuzzInputs.Close)));
        Fuzz("assessments", To(HttpMethod.Post, Gen.Constant("/api/assessments"), FuzzInputs.JsonBody(FuzzInputs.Facts)));
        output.WriteLine($"total: {_requests} requests fuzzed, {_serverErrors} 5xx");
    }

    [Fact]
    public async Task Notice_contracts_and_the_recipient_import_never_answer_5xx_and_refusals_change_nothing()
    {
        var ids = Gen.Elements(await IncidentsAsync());
        var languages = Gen.Elements("en", "nl", "fr", "de", "xx", "EN", "e%0An", "toolongtobealanguage");
        Fuzz("notice content", To(HttpMethod.Put, Gen.Zip(ids, languages).Select(p => $"/api/incidents/{p.Item1}/notice-content/{p.Item2}"), FuzzInputs.JsonBody(FuzzInputs.NoticeContent)));
        Fuzz("recipients", To(HttpMethod.Post, ids.Select(id => $"/api/incidents/{id}/recipients"), FuzzInputs.Upload()));
        Fuzz("notifications", To(HttpMethod.Post, ids.Select(id => $"/api/incidents/{id}/notifications"), FuzzInputs.JsonBody(FuzzInputs.Notification)));
        Fuzz("authority submissions", To(HttpMethod.Post, ids.Select(id => $"/api/incidents/{id}/authority-submissions"), FuzzInputs.JsonBody(FuzzInputs.AuthoritySubmission)));
        Fuzz("admin", To(HttpMethod.Post, Gen.Elements("/admin/functions/WebhookRepair", "/admin/functions/Nope", "/admin/functions/CreateIncident"), FuzzInputs.JsonBody(FuzzInputs.Admin)));
        output.WriteLine($"total: {_requests} requests fuzzed, {_serverErrors} 5xx");
    }

    /// <summary>The generators do produce the nasty cases the issue names (not only well-formed JSON).</summary>
    [Fact]
    public void The_generators_produce_the_nasty_cases()
    {
        var samples = FuzzInputs.JsonBody(FuzzInputs.CreateIncident).Sample(2000).Select(b => (Text: Encoding.UTF8.GetString(b.Bytes), b.ContentType)).ToList();
        Assert.Contains(samples, s => s.Text.Contains("\\ud800", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Text.Contains("1e400", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Text.StartsWith(new string('[', 60), StringComparison.Ordinal) || s.Text.StartsWith(string.Concat(Enumerable.Repeat("{\"a\":", 60)), StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Text.Length == 0);
        Assert.Contains(samples, s => s.ContentType is null or "text/plain");
        Assert.Contains(samples, s => HasDuplicateMember(s.Text));
        Assert.Contains(samples, s => s.Text.Contains("\"facts\":", StringComparison.Ordinal) && s.Text.Contains("\"breachTypes\":[", StringComparison.Ordinal));
    }

    private static bool HasDuplicateMember(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return BreachNotify.Application.Common.StrictJson.FindProblem(doc.RootElement)?.Message == BreachNotify.Application.Common.StrictJson.DuplicateMessage;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
