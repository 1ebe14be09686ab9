using System.Net;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

public sealed class NotificationEndpointTests : IDisposable
{
    private readonly NoticesFactory _factory = new() { Settings = { ["Notices:JobSize"] = "3" } };

    public void Dispose() => _factory.Dispose();

    private const string Header = "email,name,language,country,kind,externalId\r\n";

    private static string People(string language, int count, string prefix) => string.Concat(Enumerable.Range(0, count).Select(i => $"{prefix}{i}@example.com,{prefix} {i},{language},,,\r\n"));

    private static async Task<JsonElement> Notify(HttpClient client, string id, string body, HttpStatusCode expected = HttpStatusCode.Accepted, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/notifications") { Content = HttpAssert.JsonBody(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        var res = await client.SendAsync(request);
        return expected == HttpStatusCode.Accepted ? await HttpAssert.Body(res, expected) : await HttpAssert.Problem(res, expected);
    }

    [Fact]
    public async Task Jobs_hold_at_most_JobSize_recipients_of_one_language()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + People("nl", 7, "nl") + People("en", 2, "en") + "ctl@example.com,,fr,,controller,\r\n");

        var body = await Notify(dpo, id, """{"kind":"data-subjects","phase":"initial"}""");

        Assert.Equal(4, body.GetProperty("jobs").GetInt32());            // nl 3+3+1, en 2; the controller is not a data subject
        Assert.Equal(9, body.GetProperty("recipients").GetInt64());
        var list = await HttpAssert.Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
        var n = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("data-subjects", n.GetProperty("kind").GetString());
        Assert.Equal("queued", n.GetProperty("status").GetString());
        Assert.Equal(7, n.GetProperty("languages").GetProperty("nl").GetInt64());
        Assert.Equal(2, n.GetProperty("languages").GetProperty("en").GetInt64());
        Assert.Equal(["data-subjects.nl.v2", "data-subjects.en.v2"], n.GetProperty("templateVersions").EnumerateArray().Select(v => v.GetString()).Order().Reverse());
        Assert.Equal(4, n.GetProperty("jobsByStatus").GetProperty("queued").GetInt32());
        Assert.Equal(9, n.GetProperty("recipientsByStatus").GetProperty("queued").GetInt64());
        var sizes = n.GetProperty("jobs").EnumerateArray().Select(j => (j.GetProperty("language").GetString(), j.GetProperty("recipients").GetInt32())).OrderBy(x => x).ToList();
        Assert.Equal([("en", 2), ("nl", 1), ("nl", 3), ("nl", 3)], sizes);
        // The jobs are durably queued (embedded queue) with the job ids as message ids.
        Assert.Equal((4, 0), await _factory.Queue.CountAsync());
        var timeline = (await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK)).GetProperty("timeline").EnumerateArray().ToList();
        Assert.Contains(timeline, e => e.GetProperty("action").GetString() == "notification-created");
    }

    [Fact]
    public async Task The_same_Idempotency_Key_creates_nothing_new()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + People("de", 4, "de"));

        var first = await Notify(dpo, id, """{"kind":"data-subjects"}""", key: "notify-1");
        var second = await Notify(dpo, id, """{"kind":"data-subjects"}""", key: "notify-1");
        await Notify(dpo, id, """{"kind":"data-subjects","phase":"follow-up"}""", HttpStatusCode.Conflict, key: "notify-1");

        Assert.Equal(first.GetProperty("notificationId").GetString(), second.GetProperty("notificationId").GetString());
        Assert.Equal(2, second.GetProperty("jobs").GetInt32());
        var list = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
        Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal((2, 0), await _factory.Queue.CountAsync());
        var timeline = (await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK)).GetProperty("timeline").EnumerateArray();
        Assert.Single(timeline, e => e.GetProperty("action").GetString() == "notification-created");
    }

    [Fact]
    public async Task Without_a_key_a_repeat_is_a_new_notification()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + People("en", 2, "en"));
        var a = await Notify(dpo, id, """{"kind":"data-subjects"}""");
        var b = await Notify(dpo, id, """{"kind":"data-subjects","phase":"follow-up"}""");
        Assert.NotEqual(a.GetProperty("notificationId").GetString(), b.GetProperty("notificationId").GetString());
    }

    [Fact]
    public async Task The_same_kind_and_phase_again_is_a_409_naming_the_first_unless_resent_with_a_rationale()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + People("en", 2, "en"));
        var first = (await Notify(dpo, id, """{"kind":"data-subjects"}""")).GetProperty("notificationId").GetString()!;

        // A client retrying after a timeout, without a key: nobody is notified twice.
        var again = await Notify(dpo, id, """{"kind":"data-subjects","phase":"initial"}""", HttpStatusCode.Conflict);
        Assert.Equal(first, again.GetProperty("existingNotificationId").GetString());
        Assert.Contains(first, again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"resend\": true", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // With another key it is a second notification too.
        await Notify(dpo, id, """{"kind":"data-subjects"}""", HttpStatusCode.Conflict, key: "fresh-key");
        var list = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
        Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal((1, 0), await _factory.Queue.CountAsync());

        await Notify(dpo, id, """{"kind":"data-subjects","resend":true}""", HttpStatusCode.BadRequest);
        var resent = await Notify(dpo, id, """{"kind":"data-subjects","resend":true,"rationale":"The first mailing bounced at the customer's gateway."}""");

        var second = resent.GetProperty("notificationId").GetString();
        Assert.NotEqual(first, second);
        Assert.Equal((2, 0), await _factory.Queue.CountAsync());
        var created = (await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK)).GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("action").GetString() == "notification-created").ToList();
        Assert.Equal(2, created.Count);
        Assert.Equal("Resent: The first mailing bounced at the customer's gateway.", created[1].GetProperty("note").GetString());
        var details = created[1].GetProperty("details");
        Assert.True(details.GetProperty("resend").GetBoolean());
        Assert.Equal(first, details.GetProperty("resendOf").GetString());
    }

    [Fact]
    public async Task A_notice_needs_a_decision_that_calls_for_it_or_an_override_with_rationale()
    {
        var dpo = _factory.Dpo();
        var undecided = await ConfirmedIncidentAsync(dpo, decide: false);
        await UploadAsync(dpo, undecided, Header + People("en", 1, "u"));
        await Notify(dpo, undecided, """{"kind":"data-subjects"}""", HttpStatusCode.Conflict);

        var noSubjects = await ConfirmedIncidentAsync(dpo, decideSubjects: false);
        await UploadAsync(dpo, noSubjects, Header + People("en", 1, "n"));
        await Notify(dpo, noSubjects, """{"kind":"data-subjects"}""", HttpStatusCode.Conflict);
        var problem = await Notify(dpo, noSubjects, """{"kind":"data-subjects","override":true}""", HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("rationale", out _));
        await Notify(dpo, noSubjects, """{"kind":"data-subjects","override":true,"rationale":"Customers asked to be told"}""");
        var timeline = (await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{noSubjects}"), HttpStatusCode.OK)).GetProperty("timeline").EnumerateArray();
        var entry = Assert.Single(timeline, e => e.GetProperty("action").GetString() == "notification-override");
        Assert.Equal("Customers asked to be told", entry.GetProperty("note").GetString());

        // A controller (not a processor) has no controller-customers to notify (Art 33(2)).
        await Notify(dpo, noSubjects, """{"kind":"controllers"}""", HttpStatusCode.Conflict);
        // Only the DPO sends notices.
        await Notify(_factory.Reporter(), noSubjects, """{"kind":"authority"}""", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_late_authority_notice_needs_reasons_for_the_delay()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        _factory.Clock.SetUtcNow(Aware.AddHours(72));            // exactly at the deadline: in time
        await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notices/preview?kind=authority&language=nl"), HttpStatusCode.OK);

        _factory.Clock.SetUtcNow(Aware.AddHours(72).AddTicks(1));
        await Notify(dpo, id, """{"kind":"authority"}""", HttpStatusCode.BadRequest).ContinueWith(t => Assert.True(t.Result.GetProperty("errors").TryGetProperty("reasonsForDelay", out _)));
        await HttpAssert.Problem(await dpo.GetAsync($"/api/incidents/{id}/notices/preview?kind=authority&language=nl"), HttpStatusCode.BadRequest, "reasonsForDelay");

        var ok = await Notify(dpo, id, """{"kind":"authority","reasonsForDelay":"The forensic report came in on day four."}""");
        Assert.Equal(1, ok.GetProperty("jobs").GetInt32());
        Assert.Equal(1, ok.GetProperty("recipients").GetInt64());
    }

    [Fact]
    public async Task A_missing_fact_is_named_and_nothing_is_created()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + People("fr", 2, "fr"));
        var c = await dpo.PutAsync($"/api/incidents/{id}/notice-content/fr", HttpAssert.JsonBody("""{"summary":"Vol.","consequences":"Hameçonnage.","measures":null,"advice":"Prudence."}"""));
        await HttpAssert.Body(c, HttpStatusCode.OK);

        var problem = await Notify(dpo, id, """{"kind":"data-subjects"}""", HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("noticeContent.fr.measures", out _));
        var list = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.Equal((0, 0), await _factory.Queue.CountAsync());
    }

    [Fact]
    public async Task Data_subject_notices_need_recipients_and_reject_a_language()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await Notify(dpo, id, """{"kind":"data-subjects"}""", HttpStatusCode.Conflict);
        await UploadAsync(dpo, id, Header + People("en", 1, "x"));
        var problem = await Notify(dpo, id, """{"kind":"data-subjects","language":"en"}""", HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("language", out _));
        await Notify(dpo, id, """{"kind":"pigeons"}""", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Recipients_uploaded_after_the_notification_belong_to_a_later_one()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + People("en", 2, "early"));
        await Notify(dpo, id, """{"kind":"data-subjects"}""", key: "k");
        _factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await UploadAsync(dpo, id, Header + People("en", 2, "late"));
        var replay = await Notify(dpo, id, """{"kind":"data-subjects"}""", key: "k");
        Assert.Equal(2, replay.GetProperty("recipients").GetInt64());
        var later = await Notify(dpo, id, """{"kind":"data-subjects","resend":true,"rationale":"Two more customers were found affected."}""");
        Assert.Equal(4, later.GetProperty("recipients").GetInt64());
    }

    [Fact]
    public async Task The_preview_renders_what_would_be_sent()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        var preview = await HttpAssert.Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}/notices/preview?kind=data-subjects&language=de&phase=follow-up"), HttpStatusCode.OK);
        Assert.Equal("data-subjects.de.v2", preview.GetProperty("templateVersion").GetString());
        Assert.StartsWith("Aktualisierung: Sicherheitsvorfall", preview.GetProperty("subject").GetString());
        Assert.Contains("[de] Police report.", preview.GetProperty("text").GetString());
        Assert.Contains("ergänzt unsere frühere Nachricht", preview.GetProperty("text").GetString());
        Assert.Equal(64, preview.GetProperty("bodySha256").GetString()!.Length);
        await HttpAssert.Problem(await dpo.GetAsync($"/api/incidents/{id}/notices/preview?kind=data-subjects&language=es"), HttpStatusCode.BadRequest, "language");
    }

    [Fact]
    public async Task An_authority_submission_records_the_portal_reference_once()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        _factory.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 28, 10, 0, 0, TimeSpan.Zero));
        var res = await dpo.PostJson($"/api/incidents/{id}/authority-submissions", """{"reference":"AP-2026-0042","submittedAt":"2026-03-28T09:00:00Z"}""");
        var body = await HttpAssert.Body(res, HttpStatusCode.Created);
        Assert.True(body.GetProperty("inTime").GetBoolean());
        Assert.Equal("2026-03-30T10:00:00Z", body.GetProperty("dueAt").GetString());
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/authority-submissions", """{"reference":"AP-2026-0042"}"""), HttpStatusCode.OK);

        // The authority is notified; the data subjects the decision also calls for are not yet: still confirmed.
        var incident = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal("confirmed", incident.GetProperty("status").GetString());
        Assert.Equal(["data-subjects"], incident.GetProperty("notices").GetProperty("outstanding").EnumerateArray().Select(x => x.GetString()));
        var sent = Assert.Single(incident.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "notice-sent");
        Assert.Equal("2026-03-28T09:00:00Z", sent.GetProperty("changes")[0].GetProperty("newValue").GetString());

        var late = await ConfirmedIncidentAsync(dpo);
        _factory.Clock.SetUtcNow(Aware.AddDays(4));
        await HttpAssert.Problem(await dpo.PostJson($"/api/incidents/{late}/authority-submissions", """{"reference":"AP-1"}"""), HttpStatusCode.BadRequest, "reasonsForDelay");
        var lateOk = await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{late}/authority-submissions", """{"reference":"AP-1","reasonsForDelay":"Weekend staffing."}"""), HttpStatusCode.Created);
        Assert.False(lateOk.GetProperty("inTime").GetBoolean());
    }

    [Fact]
    public async Task The_authority_registry_is_served()
    {
        var list = await HttpAssert.Body(await _factory.Viewer().GetAsync("/api/authorities"), HttpStatusCode.OK);
        Assert.Equal(32, list.GetArrayLength());
        Assert.Contains(list.EnumerateArray(), a => a.GetProperty("country").GetString() == "CH");
    }
}
