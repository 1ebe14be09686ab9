using System.Net;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>Issue 14, point 2 through the API: what is asked, what is refused, who is addressed and what each recipient gets.</summary>
public sealed class NoticeWordingEndpointTests : IDisposable
{
    private readonly RecordingEmailSender _email = new();
    private readonly NoticesFactory _factory;

    // No sender name on purpose: notices then show the organisation.
    public NoticeWordingEndpointTests() => _factory = new NoticesFactory { Email = _email, Settings = { ["Email:From:Name"] = "" } };

    public void Dispose() => _factory.Dispose();

    private const string Header = "email,name,language,country,kind,externalId,controller\r\n";

    private static async Task<JsonElement> Notify(HttpClient client, string id, string body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        var res = await client.PostJson($"/api/incidents/{id}/notifications", body);
        return expected == HttpStatusCode.Accepted ? await HttpAssert.Body(res, expected) : await HttpAssert.Problem(res, expected);
    }

    private static IEnumerable<string> Fields(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().Select(p => p.Name);

    [Fact]
    public async Task Missing_texts_are_reported_for_every_language_the_recipients_need_at_once()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + "a@example.nl,,nl,,,,\r\nb@example.fr,,fr,,,,\r\nc@example.de,,de,,,,\r\n");
        foreach (var language in new[] { "fr", "de" })
            await HttpAssert.Body(await dpo.PutAsync($"/api/incidents/{id}/notice-content/{language}", HttpAssert.JsonBody("""{"summary":"S.","consequences":"C.","advice":"A."}""")), HttpStatusCode.OK);

        var problem = await Notify(dpo, id, """{"kind":"data-subjects"}""", HttpStatusCode.BadRequest);

        Assert.Equal(["noticeContent.de.measures", "noticeContent.fr.measures"], Fields(problem).Order(StringComparer.Ordinal));
        Assert.Equal((0, 0), await _factory.Queue.CountAsync());
    }

    [Fact]
    public async Task The_authority_notice_uses_its_own_texts_and_its_preview_needs_no_language()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        // The lead authority (NL) takes Dutch: the preview without a language is the Dutch notice that would be sent.
        var preview = await HttpAssert.Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}/notices/preview?kind=authority"), HttpStatusCode.OK);
        Assert.Equal("nl", preview.GetProperty("language").GetString());
        Assert.Contains("[nl] A laptop holding customer data was stolen.", preview.GetProperty("text").GetString());
        Assert.DoesNotContain("[nl] A laptop was stolen.", preview.GetProperty("text").GetString()); // the "your data" summary

        // Two sets, read apart: the people's as before (the dashboard's editor reads it), the authority's beside it.
        var people = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notice-content"), HttpStatusCode.OK);
        Assert.Equal("[nl] A laptop was stolen.", people.GetProperty("nl").GetProperty("summary").GetString());
        Assert.Equal(["advice", "consequences", "measures", "summary"], people.GetProperty("nl").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var authority = await dpo.GetAsync($"/api/incidents/{id}/notice-content/authority");
        Assert.NotNull(authority.Headers.ETag);
        Assert.Equal("[nl] Customers may be phished.", (await HttpAssert.Body(authority, HttpStatusCode.OK)).GetProperty("nl").GetProperty("consequences").GetString());

        // Clearing the authority texts names them; the people's texts do not stand in.
        await HttpAssert.Body(await dpo.PutAsync($"/api/incidents/{id}/notice-content/nl/authority", HttpAssert.JsonBody("{}")), HttpStatusCode.OK);
        var problem = await HttpAssert.Problem(await dpo.GetAsync($"/api/incidents/{id}/notices/preview?kind=authority"), HttpStatusCode.BadRequest);
        Assert.Contains("noticeContent.nl.authority.summary", Fields(problem));
        await Notify(dpo, id, """{"kind":"authority"}""", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Notices_come_from_the_organisation_and_the_authority_copy_is_addressed_to_the_mailbox_it_goes_to()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + "anna@example.nl,Anna,nl,NL,,,\r\n");
        await Notify(dpo, id, """{"kind":"data-subjects"}""");
        await Notify(dpo, id, """{"kind":"authority"}""");
        await _factory.DrainAsync();

        Assert.Equal(2, _email.Sent.Count);
        Assert.All(_email.Sent, m => Assert.Equal(("privacy@acme.example", "Acme B.V."), (m.From.Address, m.From.Name)));
        Assert.All(_email.Sent, m => Assert.Equal(("dpo@acme.example", "Dana Privacy"), (m.ReplyTo!.Address, m.ReplyTo.Name)));
        // The authority notice goes to our own mailbox (the AP takes its online form only): not addressed as the AP.
        var authority = _email.Sent.Single(m => m.Subject.StartsWith("Melding datalek", StringComparison.Ordinal));
        var to = Assert.Single(authority.Recipients).To;
        Assert.Equal("dpo@acme.example", to.Address);
        Assert.Null(to.Name);
        Assert.StartsWith("Deze kopie gaat naar dpo@acme.example", authority.TextBody);
    }

    [Fact]
    public async Task A_follow_up_to_the_authority_carries_the_reference_of_the_first_submission()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        var missing = await HttpAssert.Problem(await dpo.GetAsync($"/api/incidents/{id}/notices/preview?kind=authority&phase=follow-up"), HttpStatusCode.BadRequest);
        Assert.Contains("authoritySubmission.reference", Fields(missing));

        _factory.Clock.SetUtcNow(Aware.AddHours(30));
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/authority-submissions", """{"reference":"AP-2026-0042"}"""), HttpStatusCode.Created);
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/authority-submissions", """{"reference":"AP-2026-0043"}"""), HttpStatusCode.Created);
        var followUp = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notices/preview?kind=authority&phase=follow-up"), HttpStatusCode.OK);
        Assert.EndsWith("uw kenmerk AP-2026-0042", followUp.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Languages_are_never_guessed_for_multilingual_countries_and_unknown_ones_fall_back_with_a_warning()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        var body = await UploadAsync(dpo, id, Header +
            "be@example.be,,,BE,,,\r\n" +         // line 2: Belgium without a language
            "ch@example.ch,,,CH,,,\r\n" +         // line 3: Switzerland without a language
            "es@example.es,,es,ES,,,\r\n" +       // line 4: a language we have no text for
            "fl@example.be,,nl-BE,BE,,,\r\n" +    // line 5: a regional tag of one of ours
            "at@example.at,,,AT,,,\r\n");         // line 6: Austria: German

        Assert.Equal(3, body.GetProperty("accepted").GetInt64());
        var rejected = body.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal([2L, 3L], rejected.Select(r => r.Item1));
        Assert.Contains("country BE has several official languages (nl, fr, de)", rejected[0].Item2);
        Assert.Equal(1, body.GetProperty("warningCount").GetInt64());
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal(4, warning.GetProperty("line").GetInt64());
        Assert.Contains("language 'es' has no notice text: the recipient gets the en notice", warning.GetProperty("reason").GetString());
        var counts = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/recipients"), HttpStatusCode.OK);
        Assert.Equal(1, counts.GetProperty("byLanguage").GetProperty("en").GetInt64());
        Assert.Equal(1, counts.GetProperty("byLanguage").GetProperty("nl").GetInt64());
        Assert.Equal(1, counts.GetProperty("byLanguage").GetProperty("de").GetInt64());
    }

    [Fact]
    public async Task Without_a_fallback_language_rows_in_other_languages_are_rejected()
    {
        using var factory = new NoticesFactory { Settings = { ["Notices:FallbackLanguage"] = "" } };
        var dpo = factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        var body = await UploadAsync(dpo, id, Header + "es@example.es,,es,ES,,,\r\n");
        Assert.Equal(0, body.GetProperty("accepted").GetInt64());
        Assert.Contains("language 'es' is not one of nl, en, fr, de", body.GetProperty("rejected")[0].GetProperty("reason").GetString());
        Assert.Equal(0, body.GetProperty("warningCount").GetInt64());
    }

    [Fact]
    public async Task Each_controller_learns_only_its_own_name_and_figures()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo, role: "processor");
        await UploadAsync(dpo, id, Header +
            "privacy@alpha.example,Alpha DPO,en,GB,controller,,Alpha Retail\r\n" +
            "dpo@beta.example,,nl,BE,controller,,Beta Bank\r\n" +
            string.Concat(Enumerable.Range(0, 2).Select(i => $"a{i}@example.com,,en,,data-subject,,Alpha Retail\r\n")) +
            string.Concat(Enumerable.Range(0, 3).Select(i => $"b{i}@example.com,,nl,NL,data-subject,,Beta Bank\r\n")));

        // One notice per controller: the preview must say which.
        var which = await HttpAssert.Problem(await dpo.GetAsync($"/api/incidents/{id}/notices/preview?kind=controllers&language=en"), HttpStatusCode.BadRequest);
        Assert.Contains("controller", Fields(which));
        var preview = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notices/preview?kind=controllers&language=en&controller=Alpha%20Retail"), HttpStatusCode.OK);
        Assert.Equal("Alpha Retail", preview.GetProperty("controller").GetString());

        var created = await Notify(dpo, id, """{"kind":"controllers"}""");
        Assert.Equal(2, created.GetProperty("jobs").GetInt32());
        await _factory.DrainAsync();

        var alpha = _email.Sent.Single(m => m.Recipients.Any(r => r.To.Address == "privacy@alpha.example"));
        var beta = _email.Sent.Single(m => m.Recipients.Any(r => r.To.Address == "dpo@beta.example"));
        Assert.Contains("Alpha Retail", alpha.Subject);
        Assert.Contains("Approximate number of your data subjects concerned: 2\n", alpha.TextBody);
        Assert.Contains("Geschat aantal van uw betrokkenen: 3\n", beta.TextBody);
        Assert.Contains("Melding gegevenslek van uw verwerker", beta.Subject); // a Belgian controller reads "gegevenslek"
        foreach (var (mail, others) in new[] { (alpha, new[] { "Beta Bank", "Customer Co", "1,200", "1.200" }), (beta, new[] { "Alpha Retail", "Customer Co", "1,200", "1.200" }) })
            foreach (var other in others) Assert.DoesNotContain(other, mail.Subject + mail.TextBody + mail.HtmlBody);

        var list = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
        Assert.Equal(["Alpha Retail", "Beta Bank"], list.GetProperty("items")[0].GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("controller").GetString()).Order(StringComparer.Ordinal));
        var rows = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/recipients?rows=true&pageSize=50"), HttpStatusCode.OK);
        Assert.Contains(rows.GetProperty("items").EnumerateArray(), r => r.GetProperty("controller").GetString() == "Beta Bank" && r.GetProperty("kind").GetString() == "controller");
    }

    [Fact]
    public async Task Many_controllers_each_get_a_notice_and_a_repeat_creates_nothing_new()
    {
        // More renderings than fit one transaction with the notification: written in batches, the notification last.
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo, role: "processor");
        const int controllers = 25;
        await UploadAsync(dpo, id, Header + string.Concat(Enumerable.Range(0, controllers).Select(i => $"dpo{i}@customer{i}.example,,en,,controller,,Customer {i:00}\r\n")));

        using var first = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/notifications") { Content = HttpAssert.JsonBody("""{"kind":"controllers"}""") };
        first.Headers.Add("Idempotency-Key", "controllers-1");
        var created = await HttpAssert.Body(await dpo.SendAsync(first), HttpStatusCode.Accepted);
        using var again = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/notifications") { Content = HttpAssert.JsonBody("""{"kind":"controllers"}""") };
        again.Headers.Add("Idempotency-Key", "controllers-1");
        var replayed = await HttpAssert.Body(await dpo.SendAsync(again), HttpStatusCode.Accepted);

        Assert.Equal(controllers, created.GetProperty("jobs").GetInt32());
        Assert.Equal(created.GetProperty("notificationId").GetString(), replayed.GetProperty("notificationId").GetString());
        await _factory.DrainAsync();
        Assert.Equal(controllers, _email.Sent.Count);
        foreach (var mail in _email.Sent)
        {
            var own = mail.Recipients.Single().To.Address.Split('@')[1].Replace("customer", "", StringComparison.Ordinal).Replace(".example", "", StringComparison.Ordinal);
            Assert.Contains($"Customer {int.Parse(own, System.Globalization.CultureInfo.InvariantCulture):00}", mail.Subject);
            Assert.Single(Enumerable.Range(0, controllers), i => mail.TextBody.Contains($"Customer {i:00}", StringComparison.Ordinal));
        }
    }
}
