using System.Net;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Features.Notices;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Incidents;

/// <summary>
/// Through the API as a DPO uses it: the incident says <c>notified</c> only once every notice its decision requires is
/// made, its detail names what is still owed, and the list filter and the register say the same.
/// </summary>
public sealed class NotifiedStatusTests : IDisposable
{
    private readonly NoticesFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<JsonElement> Incident(string id) => await HttpAssert.Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);

    private static string[] Outstanding(JsonElement incident)
        => incident.GetProperty("notices").GetProperty("outstanding").EnumerateArray().Select(x => x.GetString()!).ToArray();

    private async Task<string[]> ListedAs(string status)
        => (await HttpAssert.Body(await _factory.Viewer().GetAsync($"/api/incidents?status={status}"), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();

    private async Task<JsonElement> RegisterEntry(string id)
        => (await HttpAssert.Body(await _factory.Viewer().GetAsync("/api/register"), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);

    /// <summary>Asserts the detail, the list filter and the register agree on the status and on what is owed.</summary>
    private async Task AssertEverywhere(string id, string status, params string[] outstanding)
    {
        var incident = await Incident(id);
        Assert.Equal(status, incident.GetProperty("status").GetString());
        Assert.Equal(outstanding, Outstanding(incident));
        Assert.Equal(status == "notified", incident.GetProperty("notices").GetProperty("complete").GetBoolean());
        Assert.Contains(id, await ListedAs(status));
        Assert.DoesNotContain(id, await ListedAs(status == "notified" ? "confirmed" : "notified"));
        var entry = await RegisterEntry(id);
        Assert.Equal(status, entry.GetProperty("status").GetString());
        Assert.Equal(outstanding, entry.GetProperty("noticesOutstanding").EnumerateArray().Select(x => x.GetString()!).ToArray());
    }

    [Fact]
    public async Task Sending_the_data_subjects_notice_leaves_the_authority_owed_until_its_submission_is_recorded()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo); // decision: authority and data subjects
        await AssertEverywhere(id, "confirmed", "authority", "data-subjects");

        await UploadAsync(dpo, id, "email,language\r\na@example.com,en\r\nb@example.nl,nl\r\n");
        var notification = await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects"}"""), HttpStatusCode.Accepted);
        await _factory.DrainAsync();

        // The customers were told; the authority was not: the status must not say notified.
        await AssertEverywhere(id, "confirmed", "authority");
        var notices = (await Incident(id)).GetProperty("notices");
        var subjects = notices.GetProperty("required").EnumerateArray().Single(r => r.GetProperty("recipient").GetString() == "data-subjects");
        Assert.True(subjects.GetProperty("made").GetBoolean());
        Assert.Equal(notification.GetProperty("notificationId").GetString(), subjects.GetProperty("reference").GetString());
        Assert.Equal(JsonValueKind.Null, subjects.GetProperty("toDo").ValueKind);
        var authority = notices.GetProperty("required").EnumerateArray().Single(r => r.GetProperty("recipient").GetString() == "authority");
        Assert.False(authority.GetProperty("made").GetBoolean());
        Assert.StartsWith("Art 33(1)", authority.GetProperty("basis").GetString(), StringComparison.Ordinal);
        Assert.Contains($"/api/incidents/{id}/authority-submissions", authority.GetProperty("toDo").GetString(), StringComparison.Ordinal);
        Assert.Equal("Still to make: the authority notice. Made: the notice to the data subjects.", notices.GetProperty("summary").GetString());

        // The authority notice e-mailed to the DPO's own mailbox (the portal-only case) is not a notification either.
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"authority"}"""), HttpStatusCode.Accepted);
        await _factory.DrainAsync();
        await AssertEverywhere(id, "confirmed", "authority");

        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/authority-submissions", """{"reference":"AP-2026-0042"}"""), HttpStatusCode.Created);

        await AssertEverywhere(id, "notified");
        var incident = await Incident(id);
        var change = Assert.Single(incident.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "status-changed");
        Assert.Equal("notified", change.GetProperty("changes")[0].GetProperty("newValue").GetString());
        Assert.Equal("Every notice the decision requires is made: the authority notice, the notice to the data subjects.", change.GetProperty("note").GetString());
        Assert.Equal("AP-2026-0042", incident.GetProperty("notices").GetProperty("required").EnumerateArray()
            .Single(r => r.GetProperty("recipient").GetString() == "authority").GetProperty("reference").GetString());

        // A new decision that also calls for a public communication takes the word back until that is made.
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/decision",
            """{"notifyAuthority":true,"notifyDataSubjects":true,"publicCommunication":true,"rationale":"Press coverage: we publish a statement too."}"""), HttpStatusCode.OK);
        await AssertEverywhere(id, "confirmed", "public");
    }

    [Fact]
    public async Task As_processor_the_controller_notice_is_owed_whatever_the_decision()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo, decide: false, role: "processor");
        var before = (await Incident(id)).GetProperty("notices");
        Assert.False(before.GetProperty("decided").GetBoolean());
        Assert.StartsWith("No decision on notices recorded yet", before.GetProperty("summary").GetString(), StringComparison.Ordinal);
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/decision",
            """{"notifyAuthority":false,"notifyDataSubjects":false,"publicCommunication":false,"rationale":"The controller decides on Art 33/34 notices; we tell it."}"""), HttpStatusCode.OK);
        await AssertEverywhere(id, "confirmed", "controllers");

        await UploadAsync(dpo, id, "email,language,kind\r\nprivacy@customer.example,en,controller\r\n");
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"controllers"}"""), HttpStatusCode.Accepted);
        await _factory.DrainAsync();

        await AssertEverywhere(id, "notified");
    }
}
