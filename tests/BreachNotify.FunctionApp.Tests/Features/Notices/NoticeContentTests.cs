using System.Net;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>The notice texts as the dashboard's editor uses them: read with a version, save only over what was read.</summary>
public sealed class NoticeContentTests : IDisposable
{
    private readonly NoticesFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static HttpRequestMessage Put(string id, string language, string json, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/incidents/{id}/notice-content/{language}") { Content = HttpAssert.JsonBody(json) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Fact]
    public async Task The_texts_come_with_the_incident_version_and_a_save_over_a_stale_one_is_refused()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        var read = await _factory.Viewer().GetAsync($"/api/incidents/{id}/notice-content");
        var texts = await HttpAssert.Body(read, HttpStatusCode.OK);
        Assert.Equal("[en] A laptop was stolen.", texts.GetProperty("en").GetProperty("summary").GetString());
        var etag = read.Headers.ETag?.ToString();
        Assert.NotNull(etag);
        Assert.Equal((await dpo.GetAsync($"/api/incidents/{id}")).Headers.ETag?.ToString(), etag);

        await HttpAssert.Body(await dpo.SendAsync(Put(id, "en", """{"summary":"A laptop with a CRM export was stolen."}""", etag)), HttpStatusCode.OK);
        // The save moved the incident's version: the same If-Match again is stale, and nothing is written.
        await HttpAssert.Problem(await dpo.SendAsync(Put(id, "en", """{"summary":"Overwritten."}""", etag)), HttpStatusCode.PreconditionFailed);
        var now = await HttpAssert.Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}/notice-content"), HttpStatusCode.OK);
        Assert.Equal("A laptop with a CRM export was stolen.", now.GetProperty("en").GetProperty("summary").GetString());
    }
}
