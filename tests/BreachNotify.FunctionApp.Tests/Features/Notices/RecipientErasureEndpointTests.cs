using System.Net;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>
/// <c>POST /api/incidents/{id}/recipients/erase</c> (issue 16): an Art 17 request for some addresses or every
/// recipient, for a DPO only; what is kept (keys, kinds, languages, delivery statuses) and what is refused after it.
/// The stores' own behaviour (both stores, restarts mid-erasure, retention) is tested in the Adapters tests.
/// </summary>
public sealed class RecipientErasureEndpointTests : IDisposable
{
    private readonly NoticesFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private const string Header = "email,name,language,country,kind,externalId\r\n";
    private const string Three = Header + "anna@example.nl,Anna de Vries,nl,NL,,c-1\r\nben@example.com,Ben Smith,en,GB,,c-2\r\ncarl@example.com,Carl,en,GB,,c-3\r\n";

    private static Task<HttpResponseMessage> Erase(HttpClient client, string id, string body)
        => client.PostAsync($"/api/incidents/{id}/recipients/erase", HttpAssert.JsonBody(body));

    private async Task<List<JsonElement>> RowsAsync(string id)
    {
        var body = await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{id}/recipients?rows=true"), HttpStatusCode.OK);
        return body.GetProperty("items").EnumerateArray().ToList();
    }

    private async Task<List<JsonElement>> TimelineAsync(string id, string action)
    {
        var body = await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        return body.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("action").GetString() == action).ToList();
    }

    [Fact]
    public async Task Only_a_dpo_may_erase_and_a_refusal_erases_nothing()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        await UploadAsync(_factory.Dpo(), id, Three);
        Assert.Equal(HttpStatusCode.Forbidden, (await Erase(_factory.Reporter(), id, "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Erase(_factory.Viewer(), id, "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Erase(_factory.CreateClient(), id, "{}")).StatusCode);
        Assert.All(await RowsAsync(id), r => Assert.NotEqual(JsonValueKind.Null, r.GetProperty("email").ValueKind));
    }

    [Fact]
    public async Task Some_addresses_then_all_keeps_keys_kinds_languages_and_records_who_when_and_how_many()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        await UploadAsync(_factory.Dpo(), id, Three);
        var before = (await RowsAsync(id)).ToDictionary(r => r.GetProperty("email").GetString()!, r => r.GetProperty("key").GetString()!);

        var some = await HttpAssert.Body(await Erase(_factory.Dpo(), id, """{"emails":["Anna@Example.nl","nobody@example.org"]}"""), HttpStatusCode.OK);
        Assert.Equal("some", some.GetProperty("scope").GetString());
        Assert.Equal(1, some.GetProperty("erased").GetInt64());
        Assert.Equal(1, some.GetProperty("notFound").GetInt64());

        var rows = await RowsAsync(id);
        var anna = rows.Single(r => r.GetProperty("key").GetString() == before["anna@example.nl"]);
        Assert.Equal(JsonValueKind.Null, anna.GetProperty("email").ValueKind);
        Assert.Equal(JsonValueKind.Null, anna.GetProperty("name").ValueKind);
        Assert.Equal(JsonValueKind.Null, anna.GetProperty("externalId").ValueKind);
        Assert.Equal("nl", anna.GetProperty("language").GetString());
        Assert.Equal("data-subject", anna.GetProperty("kind").GetString());
        Assert.NotEqual(JsonValueKind.Null, anna.GetProperty("erasedAt").ValueKind);
        Assert.Equal(2, rows.Count(r => r.GetProperty("email").ValueKind == JsonValueKind.String));

        var all = await HttpAssert.Body(await Erase(_factory.Dpo(), id, "{}"), HttpStatusCode.OK);
        Assert.Equal("all", all.GetProperty("scope").GetString());
        Assert.Equal(2, all.GetProperty("erased").GetInt64());
        Assert.Equal(1, all.GetProperty("alreadyErased").GetInt64());
        Assert.All(await RowsAsync(id), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("email").ValueKind));

        var counts = await HttpAssert.Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}/recipients"), HttpStatusCode.OK);
        Assert.Equal(3, counts.GetProperty("total").GetInt64());

        var entries = await TimelineAsync(id, "recipients-erased");
        Assert.Equal(2, entries.Count);
        var raw = string.Join("\n", entries.Select(e => e.GetRawText()));
        Assert.DoesNotContain("anna", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("example", raw, StringComparison.OrdinalIgnoreCase);
        Assert.All(entries, e => Assert.Equal("dpo", e.GetProperty("actorRole").GetString()));
        Assert.Equal([1L, 2L], entries.Select(e => e.GetProperty("details").GetProperty("erased").GetInt64()).Order());
    }

    [Fact]
    public async Task After_erasure_a_notice_that_needs_the_addresses_is_409_saying_so_and_sent_statuses_remain()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Three);
        await HttpAssert.Body(await dpo.PostAsync($"/api/incidents/{id}/notifications", HttpAssert.JsonBody("""{"kind":"data-subjects"}""")), HttpStatusCode.Accepted);
        while (await _factory.DrainAsync() > 0) { }

        await HttpAssert.Body(await Erase(dpo, id, "{}"), HttpStatusCode.OK);
        var rows = await RowsAsync(id);
        Assert.All(rows, r => Assert.Equal("sent", Assert.Single(r.GetProperty("notices").EnumerateArray()).GetProperty("status").GetString()));

        var problem = await HttpAssert.Problem(await dpo.PostAsync($"/api/incidents/{id}/notifications",
            HttpAssert.JsonBody("""{"kind":"data-subjects","phase":"follow-up"}""")), HttpStatusCode.Conflict);
        Assert.Contains("erased", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Issue 16: after an erasure, no stored row (recipients, jobs, rendered notices, delivery events, timeline)
    /// and no log line holds an address, a name or an external id; the sent notices stay provable by key.</summary>
    [Fact]
    public async Task After_erasing_everyone_no_stored_row_and_no_log_line_holds_their_data()
    {
        var logs = new LogCapture();
        using var factory = new NoticesFactory { Logs = logs };
        var dpo = factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + "zelda.quist@example.nl,Zelda Quist,nl,NL,,ext-7731\r\nyorick.vane@example.com,Yorick Vane,en,GB,,ext-7732\r\n");
        await HttpAssert.Body(await dpo.PostAsync($"/api/incidents/{id}/notifications", HttpAssert.JsonBody("""{"kind":"data-subjects"}""")), HttpStatusCode.Accepted);
        while (await factory.DrainAsync() > 0) { }
        Assert.NotEmpty(StoreSnapshot.RowsContaining(factory, "zelda.quist")); // the check can see the data while it is there

        await HttpAssert.Body(await Erase(dpo, id, "{}"), HttpStatusCode.OK);

        foreach (var personal in new[] { "zelda.quist", "Zelda", "Quist", "ext-7731", "yorick.vane", "Yorick", "Vane", "ext-7732" })
        {
            Assert.Empty(StoreSnapshot.RowsContaining(factory, personal));
            Assert.DoesNotContain(personal, logs.Text, StringComparison.OrdinalIgnoreCase);
        }
        var rows = (await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/recipients?rows=true"), HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("sent", Assert.Single(r.GetProperty("notices").EnumerateArray()).GetProperty("status").GetString()));
    }

    [Theory]
    [InlineData("[]", "$")]
    [InlineData("""{"emails":null}""", "emails")]
    [InlineData("""{"emails":"anna@example.nl"}""", "emails")]
    [InlineData("""{"emails":[42]}""", "emails[0]")]
    [InlineData("""{"everyone":true}""", "everyone")]
    public async Task A_bad_body_is_400_naming_the_field_and_erases_nothing(string body, string field)
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        await UploadAsync(_factory.Dpo(), id, Three);
        var snapshot = StoreSnapshot.Take(_factory);
        var problem = await HttpAssert.Problem(await Erase(_factory.Dpo(), id, body), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(snapshot, StoreSnapshot.Take(_factory));
    }

    [Fact]
    public async Task An_unknown_incident_is_404()
        => await HttpAssert.Problem(await Erase(_factory.Dpo(), "inc-00000000000000000000000000000000", "{}"), HttpStatusCode.NotFound);
}
