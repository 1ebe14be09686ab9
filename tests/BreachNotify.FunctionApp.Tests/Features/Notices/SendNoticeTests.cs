using System.Net;
using System.Text;
using System.Text.Json;
using BreachNotify.Application.Email;
using BreachNotify.Application.Notices.Sending;
using Microsoft.Extensions.DependencyInjection;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

public sealed class SendNoticeTests : IDisposable
{
    private readonly RecordingEmailSender _email = new();
    private readonly NoticesFactory _factory;

    public SendNoticeTests() => _factory = new NoticesFactory { Email = _email };

    public void Dispose() => _factory.Dispose();

    private const string Header = "email,name,language,country,kind,externalId\r\n";

    /// <summary>An incident with one data-subject notification of one job; returns the incident and the job's queue message body.</summary>
    private async Task<(string Incident, string JobId, string Body)> OneJobAsync()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + "anna@example.nl,Anna <Admin>,nl,,,\r\nbob@example.nl,,nl,,,\r\n");
        var res = await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects"}""");
        var created = await HttpAssert.Body(res, HttpStatusCode.Accepted);
        var list = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
        var jobId = list.GetProperty("items")[0].GetProperty("jobs")[0].GetProperty("jobId").GetString()!;
        var body = JsonSerializer.Serialize(new { jobId, incidentId = id, notificationId = created.GetProperty("notificationId").GetString() });
        return (id, jobId, body);
    }

    /// <summary>One delivery of the job's queue message to the SendNotice use case, as the queue consumer makes it:
    /// Retry means the message is abandoned and delivered again; an exception is a crash of that delivery.</summary>
    private async Task<(bool Retry, string Log)> Invoke(string body)
    {
        var result = await _factory.Services.GetRequiredService<SendNoticeProcessor>().ProcessAsync(body);
        return (result.Retry, result.Log);
    }

    /// <summary>The NoticeSweep timer function, run as the host's admin API runs it.</summary>
    private async Task Sweep()
        => await HttpAssert.Body(await _factory.Dpo().PostAsync("/admin/functions/NoticeSweep", new StringContent("""{"input":""}""", Encoding.UTF8, "application/json")), HttpStatusCode.Accepted);

    private async Task<JsonElement> Job(string incident)
        => (await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{incident}/notifications"), HttpStatusCode.OK)).GetProperty("items")[0];

    [Fact]
    public async Task A_delivery_sends_once_and_a_redelivery_is_acknowledged_without_sending()
    {
        var (incident, jobId, body) = await OneJobAsync();

        var first = await Invoke(body);
        var again = await Invoke(body);

        Assert.False(first.Retry);
        Assert.Contains("sent to 2 recipients", first.Log);
        Assert.False(again.Retry);
        Assert.Contains("already sent", again.Log);
        var message = Assert.Single(_email.Sent);
        Assert.Equal(jobId, message.MessageKey);
        Assert.Equal("nl", message.Language);
        Assert.Equal(new Dictionary<string, string> { ["incidentId"] = incident, ["notificationId"] = message.CustomArgs!["notificationId"], ["jobId"] = jobId }, message.CustomArgs);
        Assert.Equal("privacy@acme.example", message.From.Address);
        Assert.Equal("dpo@acme.example", message.ReplyTo!.Address);
        var anna = message.Recipients.Single(r => r.To.Address == "anna@example.nl");
        Assert.Equal("Geachte Anna <Admin>,", anna.Substitutions!["-bnsalutation-"]);
        Assert.Equal("Geachte Anna &lt;Admin&gt;,", anna.Substitutions!["-bnsalutationhtml-"]);
        Assert.Equal("Geachte heer, mevrouw,", message.Recipients.Single(r => r.To.Address == "bob@example.nl").Substitutions!["-bnsalutation-"]);

        var n = await Job(incident);
        Assert.Equal("completed", n.GetProperty("status").GetString());
        var job = n.GetProperty("jobs")[0];
        Assert.Equal("sent", job.GetProperty("status").GetString());
        Assert.Equal("sg-0", job.GetProperty("providerMessageId").GetString());
        Assert.Equal("data-subjects.nl.v2", job.GetProperty("templateVersion").GetString());
        Assert.Equal(64, job.GetProperty("bodySha256").GetString()!.Length);
        Assert.Equal(2, n.GetProperty("recipientsByStatus").GetProperty("sent").GetInt64());
        var incidentBody = await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{incident}"), HttpStatusCode.OK);
        // The data subjects are told; the authority the decision also calls for is not yet notified.
        Assert.Equal("confirmed", incidentBody.GetProperty("status").GetString());
        Assert.Equal(["authority"], incidentBody.GetProperty("notices").GetProperty("outstanding").EnumerateArray().Select(x => x.GetString()));
        Assert.Contains(incidentBody.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "notice-sent");
    }

    [Fact]
    public async Task A_permanent_refusal_is_recorded_and_acknowledged()
    {
        var (incident, jobId, body) = await OneJobAsync();
        _email.Before = (_, _) => throw new EmailPermanentException("SendGrid rejected message with status 400 (BadRequest).", 400);

        var result = await Invoke(body);

        Assert.False(result.Retry);
        Assert.Contains("failed permanently (400)", result.Log);
        var n = await Job(incident);
        Assert.Equal("failed", n.GetProperty("jobs")[0].GetProperty("status").GetString());
        Assert.Contains("400", n.GetProperty("jobs")[0].GetProperty("error").GetString());
        Assert.Equal(2, n.GetProperty("recipientsByStatus").GetProperty("failed").GetInt64());
        var timeline = (await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{incident}"), HttpStatusCode.OK)).GetProperty("timeline").EnumerateArray();
        Assert.Contains(timeline, e => e.GetProperty("action").GetString() == "notice-failed");
        // A redelivery does not try again.
        _email.Before = null;
        Assert.Contains("already failed", (await Invoke(body)).Log);
        Assert.Empty(_email.Sent);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task A_transient_failure_asks_the_queue_to_deliver_again(int status)
    {
        var (incident, jobId, body) = await OneJobAsync();
        _email.Before = (_, _) => throw new EmailTransientException("throttled", status, TimeSpan.FromSeconds(10));

        var result = await Invoke(body);

        Assert.True(result.Retry);
        Assert.Contains("retry", result.Log);
        Assert.Equal("queued", (await Job(incident)).GetProperty("jobs")[0].GetProperty("status").GetString());
        _email.Before = null;
        Assert.False((await Invoke(body)).Retry);   // no lease left behind: the retry sends at once
        Assert.Single(_email.Sent);
    }

    [Fact]
    public async Task A_crash_between_send_and_mark_resends_only_after_the_lease()
    {
        var (incident, jobId, body) = await OneJobAsync();
        _email.After = (_, n) => n == 0 ? throw new InvalidOperationException("process died") : Task.CompletedTask;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Invoke(body));
        Assert.Equal("sending", (await Job(incident)).GetProperty("jobs")[0].GetProperty("status").GetString());

        // Redelivered while the lease holds: nothing is sent.
        var busy = await Invoke(body);
        Assert.True(busy.Retry);
        Assert.Contains("being sent by another delivery", busy.Log);
        Assert.Single(_email.Sent);

        // After the lease (5 minutes) the job is sent again: the documented at-least-once window, one job at most.
        _factory.Clock.Advance(TimeSpan.FromMinutes(5).Add(TimeSpan.FromTicks(1)));
        Assert.False((await Invoke(body)).Retry);
        Assert.False((await Invoke(body)).Retry);
        Assert.Equal(2, _email.Sent.Count);
        var job = (await Job(incident)).GetProperty("jobs")[0];
        Assert.Equal("sent", job.GetProperty("status").GetString());
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Messages_that_name_no_job_are_acknowledged()
    {
        Assert.False((await Invoke("not json")).Retry);
        Assert.False((await Invoke("""{"jobId":"job-0000","incidentId":"inc-1","notificationId":"ntf-1"}""")).Retry);
        Assert.Empty(_email.Sent);
    }

    [Fact]
    public async Task The_sweep_requeues_a_job_whose_enqueue_was_lost()
    {
        var (incident, jobId, _) = await OneJobAsync();
        // The enqueue was "lost": drop the queued message.
        var lease = Assert.Single(await _factory.Queue.ReceiveAsync(10, TimeSpan.Zero));
        await _factory.Queue.CompleteAsync(lease);

        await Sweep();
        Assert.Equal((0, 0), await _factory.Queue.CountAsync());             // not stale yet
        _factory.Clock.Advance(TimeSpan.FromMinutes(15));
        await Sweep();
        Assert.Equal((1, 0), await _factory.Queue.CountAsync());             // enqueued again
        Assert.Equal(1, await _factory.DrainAsync());
        Assert.Single(_email.Sent);
        Assert.Equal("sent", (await Job(incident)).GetProperty("jobs")[0].GetProperty("status").GetString());
        await Sweep();
        Assert.Equal((0, 0), await _factory.Queue.CountAsync());             // a sent job is not enqueued again
    }

    [Fact]
    public async Task A_job_that_keeps_failing_is_exhausted_and_marked_failed()
    {
        var (incident, _, _) = await OneJobAsync();
        _email.Before = (_, _) => throw new EmailTransientException("down", 503, null);
        for (var i = 0; i < 5; i++)
        {
            await _factory.DrainAsync();                            // each delivery fails; the message waits for its backoff
            _factory.Clock.Advance(TimeSpan.FromMinutes(16));
            await Sweep();
        }
        var n = await Job(incident);
        Assert.Equal("failed", n.GetProperty("jobs")[0].GetProperty("status").GetString());
        Assert.Contains("Retries exhausted", n.GetProperty("jobs")[0].GetProperty("error").GetString());
        Assert.Equal("completed", n.GetProperty("status").GetString());
        var timeline = (await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{incident}"), HttpStatusCode.OK)).GetProperty("timeline").EnumerateArray();
        Assert.Contains(timeline, e => e.GetProperty("action").GetString() == "notice-failed");
    }
}
