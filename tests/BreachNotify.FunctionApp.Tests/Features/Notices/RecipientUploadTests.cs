using System.Net;
using System.Text;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

public sealed class RecipientUploadTests : IDisposable
{
    private readonly NoticesFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private const string Header = "email,name,language,country,kind,externalId\r\n";

    [Fact]
    public async Task A_good_file_is_stored_and_counted_by_kind_and_language()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        var body = await UploadAsync(_factory.Reporter(), id, Header +
            "anna@example.nl,Anna de Vries,nl,NL,data-subject,c-1\r\n" +
            "ben@example.com,Ben,en,GB,data-subject,c-2\r\n" +
            "claire@example.fr,Claire,,FR,,c-3\r\n" +        // language from country, kind defaults to data-subject
            "dieter@example.de,,,,controller,\r\n");       // no country: English

        Assert.Equal(4, body.GetProperty("accepted").GetInt64());
        Assert.Equal(0, body.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, body.GetProperty("rejectedCount").GetInt64());

        var counts = await HttpAssert.Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}/recipients"), HttpStatusCode.OK);
        Assert.Equal(4, counts.GetProperty("total").GetInt64());
        Assert.Equal(3, counts.GetProperty("byKind").GetProperty("data-subject").GetInt64());
        Assert.Equal(1, counts.GetProperty("byKind").GetProperty("controller").GetInt64());
        Assert.Equal(1, counts.GetProperty("byLanguage").GetProperty("fr").GetInt64());
        Assert.Equal(2, counts.GetProperty("byLanguage").GetProperty("en").GetInt64());
        Assert.Equal(JsonValueKindNull, counts.GetProperty("items").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    /// <summary>Issue 13 point 9: a Latin-1 file is not read as UTF-8 with U+FFFD in place of its letters.</summary>
    [Fact]
    public async Task A_latin1_file_is_400_with_its_line_and_stores_no_replacement_character()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        var before = StoreSnapshot.Take(_factory);
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(Header + "bad\u00e9@example.org,Jos\u00e9,en,,,\r\n"));
        content.Headers.ContentType = new("text/csv");
        var problem = await HttpAssert.Problem(await _factory.Dpo().PostAsync($"/api/incidents/{id}/recipients", content), HttpStatusCode.BadRequest);
        Assert.Contains("Line 2 is not UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, StoreSnapshot.Take(_factory));
    }

    [Theory]
    [InlineData("iso-8859-1")]
    [InlineData("windows-1252")]
    public async Task A_declared_latin1_charset_is_honoured(string charset)
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(Header + "jose@caf\u00e9.example,Jos\u00e9,en,,,\r\n"));
        content.Headers.ContentType = new("text/csv") { CharSet = charset };
        var body = await HttpAssert.Body(await _factory.Dpo().PostAsync($"/api/incidents/{id}/recipients", content), HttpStatusCode.OK);
        Assert.Equal(1, body.GetProperty("accepted").GetInt64());
        var rows = await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{id}/recipients?rows=true"), HttpStatusCode.OK);
        var row = Assert.Single(rows.GetProperty("items").EnumerateArray());
        Assert.Equal("jose@caf\u00e9.example", row.GetProperty("email").GetString());
        Assert.Equal("Jos\u00e9", row.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("text/csv", "shift_jis")]
    [InlineData("application/json", "iso-8859-1")]
    public async Task Another_declared_charset_is_415(string mediaType, string charset)
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        using var content = new StringContent(mediaType == "text/csv" ? Header + "a@example.org,,,,,\r\n" : """[{"email":"a@example.org"}]""");
        content.Headers.ContentType = new(mediaType) { CharSet = charset };
        await HttpAssert.Problem(await _factory.Dpo().PostAsync($"/api/incidents/{id}/recipients", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Malformed_rows_are_rejected_with_their_line_and_the_rest_is_stored()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        var body = await UploadAsync(_factory.Dpo(), id, Header +
            "good@example.com,Good,en,,,\r\n" +          // line 2
            "not-an-address,Bad,en,,,\r\n" +             // line 3: bad e-mail
            "x@example.com,X,english,,,\r\n" +           // line 4: not a language code
            "y@example.com,Y\r\n" +                      // line 5: missing columns
            "z@example.com,Z,en,XX,,\r\n" +              // line 6: unknown country
            "w@example.com,W,en,,robot,\r\n");           // line 7: unknown kind

        Assert.Equal(1, body.GetProperty("accepted").GetInt64());
        Assert.Equal(5, body.GetProperty("rejectedCount").GetInt64());
        var rejected = body.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal([3L, 4L, 5L, 6L, 7L], rejected.Select(r => r.Item1));
        Assert.Contains("'@'", rejected[0].Item2);
        Assert.Contains("language 'english'", rejected[1].Item2);
        Assert.Contains("Expected 6 fields, found 2", rejected[2].Item2);
        Assert.Contains("country 'XX'", rejected[3].Item2);
        Assert.Contains("kind 'robot'", rejected[4].Item2);
        Assert.DoesNotContain(rejected, r => r.Item2.Contains("not-an-address", StringComparison.Ordinal)); // reasons never quote addresses
    }

    [Fact]
    public async Task Addresses_the_senders_cannot_send_are_rejected_by_line_and_internationalised_domains_are_accepted()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        var body = await UploadAsync(_factory.Dpo(), id, Header +
            "anna@b\u00fccher.de,Anna,de,,,\r\n" +                      // line 2: sent as anna@xn--bcher-kva.de
            $"bob@{new string('\u00e9', 63)}.de,Bob,de,,,\r\n" +       // line 3: 63 characters, far more octets once encoded
            "\u00e4nne@example.de,\u00c4nne,de,,,\r\n" +               // line 4: a non-ASCII local part needs SMTPUTF8
            $"{new string('c', 65)}@example.de,C,de,,,\r\n" +           // line 5: a local part of 65 octets
            "anna@xn--bcher-kva.de,Anna again,de,,,\r\n");              // line 6: the same mailbox as line 2

        Assert.Equal(1, body.GetProperty("accepted").GetInt64());
        Assert.Equal(1, body.GetProperty("duplicates").GetInt64());
        var rejected = body.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal([3L, 4L, 5L], rejected.Select(r => r.Item1));
        Assert.Contains("at most 63 octets", rejected[0].Item2);
        Assert.Contains("outside ASCII", rejected[1].Item2);
        Assert.Contains("64 octets", rejected[2].Item2);
    }

    [Fact]
    public async Task Quotes_embedded_commas_line_breaks_and_a_BOM_are_read_as_CSV()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        var csv = "\uFEFF" + Header +
            "\"quoted@example.com\",\"Smith, \"\"Jo\"\"\",en,,,\r\n" +
            "multi@example.com,\"Two\nLines\",en,,,\r\n" +
            "lf@example.com,Unix,en,,,\n";
        var body = await UploadAsync(dpo, id, csv);

        // The name with a line break is rejected (it would break mail headers); the others are stored as written.
        Assert.Equal(2, body.GetProperty("accepted").GetInt64());
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(3, rejected.GetProperty("line").GetInt64());
        var rows = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/recipients?rows=true"), HttpStatusCode.OK);
        var names = rows.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Contains("Smith, \"Jo\"", names);
        Assert.Contains("Unix", names);
    }

    [Fact]
    public async Task Duplicates_within_a_file_are_counted_case_insensitively()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        var body = await UploadAsync(_factory.Dpo(), id, Header + "Anna@Example.com,Anna,en,,,\r\nanna@example.COM,Anna again,nl,,,\r\n  anna@example.com ,x,en,,,\r\nbob@example.com,,en,,,\r\n");
        Assert.Equal(2, body.GetProperty("accepted").GetInt64());
        Assert.Equal(2, body.GetProperty("duplicates").GetInt64());
    }

    [Fact]
    public async Task The_same_upload_twice_adds_nothing()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        var csv = Header + string.Concat(Enumerable.Range(0, 250).Select(i => $"person{i}@example.com,Person {i},{(i % 2 == 0 ? "nl" : "en")},,,\r\n"));
        var first = await UploadAsync(_factory.Dpo(), id, csv);
        var second = await UploadAsync(_factory.Dpo(), id, csv);
        var third = await UploadAsync(_factory.Dpo(), id, csv + "new@example.com,,de,,,\r\n");

        Assert.Equal(250, first.GetProperty("accepted").GetInt64());
        Assert.Equal(0, second.GetProperty("accepted").GetInt64());
        Assert.Equal(250, second.GetProperty("duplicates").GetInt64());
        Assert.Equal(1, third.GetProperty("accepted").GetInt64());
        var counts = await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{id}/recipients"), HttpStatusCode.OK);
        Assert.Equal(251, counts.GetProperty("total").GetInt64());
        Assert.Equal(125, counts.GetProperty("byLanguage").GetProperty("nl").GetInt64());
    }

    [Fact]
    public async Task Rows_are_paged_across_partitions_for_the_dpo_only()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + string.Concat(Enumerable.Range(0, 250).Select(i => $"p{i}@example.com,,en,,,\r\n")));

        await HttpAssert.Problem(await _factory.Reporter().GetAsync($"/api/incidents/{id}/recipients?rows=true"), HttpStatusCode.Forbidden);
        var seen = new HashSet<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var url = $"/api/incidents/{id}/recipients?rows=true&pageSize=100" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            var page = await HttpAssert.Body(await dpo.GetAsync(url), HttpStatusCode.OK);
            foreach (var item in page.GetProperty("items").EnumerateArray()) Assert.True(seen.Add(item.GetProperty("email").GetString()!));
            continuation = page.GetProperty("continuation").GetString();
            pages++;
        }
        while (continuation is not null);
        Assert.Equal(250, seen.Count);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task A_JSON_array_is_accepted_and_bad_elements_are_rejected_by_index()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        var res = await _factory.Dpo().PostAsync($"/api/incidents/{id}/recipients", HttpAssert.JsonBody("""
            [{"email":"a@example.com","name":"A","language":"fr"},
             {"email":"b@example.com","shoeSize":"42"},
             {"email":5},
             "c@example.com",
             {"email":"d@example.com","kind":"controller","country":"de"}]
            """));
        var body = await HttpAssert.Body(res, HttpStatusCode.OK);
        Assert.Equal(2, body.GetProperty("accepted").GetInt64());
        Assert.Equal([1L, 2L, 3L], body.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("index").GetInt64()));
    }

    [Theory]
    [InlineData("text/plain", "email\r\na@example.com\r\n")]
    [InlineData("application/xml", "<a/>")]
    public async Task A_wrong_content_type_is_415(string type, string content)
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        var res = await _factory.Dpo().PostAsync($"/api/incidents/{id}/recipients", new StringContent(content, Encoding.UTF8, type));
        await HttpAssert.Problem(res, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_zero_byte_body_is_400()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        await HttpAssert.Problem(await _factory.Dpo().PostAsync($"/api/incidents/{id}/recipients", content), HttpStatusCode.BadRequest, "$");
    }

    [Theory]
    [InlineData("\r\n\r\n", "$")]
    [InlineData("\uFEFF", "$")]
    [InlineData("name,language\r\nAnna,nl\r\n", "email")]
    [InlineData("email,shoeSize\r\na@example.com,42\r\n", "header")]
    public async Task An_empty_file_or_a_bad_header_is_400_and_stores_nothing(string csv, string field)
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        await HttpAssert.Problem(await _factory.Dpo().PostAsync($"/api/incidents/{id}/recipients", Csv(csv)), HttpStatusCode.BadRequest, field);
        var counts = await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{id}/recipients"), HttpStatusCode.OK);
        Assert.Equal(0, counts.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_JSON_body_that_is_not_an_array_is_400()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        await HttpAssert.Problem(await _factory.Dpo().PostAsync($"/api/incidents/{id}/recipients", HttpAssert.JsonBody("{\"email\":\"a@example.com\"}")), HttpStatusCode.BadRequest, "$");
    }

    [Fact]
    public async Task Viewers_cannot_upload_and_unknown_incidents_are_404()
    {
        var id = await ConfirmedIncidentAsync(_factory.Dpo());
        await HttpAssert.Problem(await _factory.Viewer().PostAsync($"/api/incidents/{id}/recipients", Csv(Header + "a@example.com,,,,,\r\n")), HttpStatusCode.Forbidden);
        await HttpAssert.Problem(await _factory.Dpo().PostAsync("/api/incidents/inc-nope/recipients", Csv(Header + "a@example.com,,,,,\r\n")), HttpStatusCode.NotFound);
    }
}
