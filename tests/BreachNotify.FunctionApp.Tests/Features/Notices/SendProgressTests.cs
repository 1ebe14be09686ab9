using System.Net;
using System.Text.Json;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Sending;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>
/// Sending in the sender's units with the progress recorded between them: a delivery that takes a job over after a crash
/// starts after what was recorded, a delivery whose lease was taken over stops, and a recipient that cannot be sent fails
/// alone while the rest of its job is sent.
/// </summary>
public sealed class SendProgressTests : IDisposable
{
    private const string Header = "email,name,language,country,kind,externalId\r\n";
    private readonly List<NoticesFactory> _factories = [];

    public void Dispose()
    {
        foreach (var f in _factories) f.Dispose();
    }

    private NoticesFactory Factory(RecordingEmailSender? email = null)
    {
        var f = new NoticesFactory { Email = email };
        _factories.Add(f);
        return f;
    }

    /// <summary>One job of five nl recipients (r0…r4); returns the incident and the job's queue message body.</summary>
    private static async Task<(string Incident, string Body)> FiveRecipientJobAsync(NoticesFactory factory)
    {
        var dpo = factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + string.Concat(Enumerable.Range(0, 5).Select(i => $"r{i}@example.nl,R{i},nl,,,\r\n")));
        var created = await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects"}"""), HttpStatusCode.Accepted);
        Assert.Equal(1, created.GetProperty("jobs").GetInt32());
        var job = (await Notification(factory, id)).GetProperty("jobs")[0].GetProperty("jobId").GetString()!;
        return (id, JsonSerializer.Serialize(new { jobId = job, incidentId = id, notificationId = created.GetProperty("notificationId").GetString() }));
    }

    private static async Task<JsonElement> Notification(NoticesFactory factory, string incident)
        => (await HttpAssert.Body(await factory.Dpo().GetAsync($"/api/incidents/{incident}/notifications"), HttpStatusCode.OK)).GetProperty("items")[0];

    private static Task<SendResult> Deliver(NoticesFactory factory, string body) => factory.Services.GetRequiredService<SendNoticeProcessor>().ProcessAsync(body);

    private static Dictionary<string, int> CopiesPerRecipient(RecordingEmailSender email)
        => email.Sent.SelectMany(m => m.Recipients).GroupBy(r => r.To.Address).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public async Task A_delivery_that_takes_over_after_a_crash_starts_after_the_recorded_units()
    {
        // The process dies while the second unit is with the provider, before it accepted it.
        var email = new RecordingEmailSender { RecipientsPerSend = 2 };
        var factory = Factory(email);
        var (incident, body) = await FiveRecipientJobAsync(factory);
        var calls = 0;
        email.Before = (_, _) => ++calls == 2 ? throw new InvalidOperationException("process died") : Task.CompletedTask;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Deliver(factory, body));
        var job = (await Notification(factory, incident)).GetProperty("jobs")[0];
        Assert.Equal("sending", job.GetProperty("status").GetString());
        Assert.Equal(2, job.GetProperty("recipientStatus").GetProperty("sent").GetInt64());   // the first unit is on record
        Assert.Equal(3, job.GetProperty("recipientStatus").GetProperty("queued").GetInt64());

        factory.Clock.Advance(TimeSpan.FromMinutes(5).Add(TimeSpan.FromTicks(1)));          // the lease runs out
        var resumed = await Deliver(factory, body);

        Assert.Equal(SendOutcome.Sent, resumed.Outcome);
        Assert.Equal([2, 2, 1], email.Sent.Select(m => m.Recipients.Count)); // the unit before the crash, then the rest
        Assert.All(CopiesPerRecipient(email), c => Assert.Equal(1, c.Value));
        Assert.Equal(5, CopiesPerRecipient(email).Count);
        var n = await Notification(factory, incident);
        Assert.Equal("completed", n.GetProperty("status").GetString());
        Assert.Equal(5, n.GetProperty("recipientsByStatus").GetProperty("sent").GetInt64());
        Assert.Equal(2, n.GetProperty("jobs")[0].GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task What_remains_at_least_once_is_the_unit_the_provider_accepted_before_the_crash_was_recorded()
    {
        var email = new RecordingEmailSender { RecipientsPerSend = 2 };
        var factory = Factory(email);
        var (_, body) = await FiveRecipientJobAsync(factory);
        // Dies after the provider accepted the second unit, before its progress was written.
        email.After = (_, n) => n == 1 ? throw new InvalidOperationException("process died") : Task.CompletedTask;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Deliver(factory, body));
        factory.Clock.Advance(TimeSpan.FromMinutes(5).Add(TimeSpan.FromTicks(1)));
        Assert.Equal(SendOutcome.Sent, (await Deliver(factory, body)).Outcome);

        // The unit in flight twice, everyone else once: not the whole job again.
        Assert.Equal([2, 2, 2, 1], email.Sent.Select(m => m.Recipients.Count));
        var twice = email.Sent[1].Recipients.Select(r => r.To.Address).ToHashSet();
        Assert.Equal(twice, email.Sent[2].Recipients.Select(r => r.To.Address).ToHashSet());
        Assert.Equal(5, CopiesPerRecipient(email).Count);
        Assert.All(CopiesPerRecipient(email), c => Assert.Equal(twice.Contains(c.Key) ? 2 : 1, c.Value));
    }

    [Fact]
    public async Task A_delivery_whose_lease_was_taken_over_stops_at_its_next_record()
    {
        var email = new RecordingEmailSender { RecipientsPerSend = 2 };
        var factory = Factory(email);
        var (incident, body) = await FiveRecipientJobAsync(factory);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        email.Before = async (_, _) =>
        {
            if (Interlocked.Increment(ref calls) != 1) return;
            entered.SetResult();
            await stalled.Task; // the first delivery's provider call hangs past the lease
        };

        var slow = Deliver(factory, body);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        factory.Clock.Advance(TimeSpan.FromMinutes(5).Add(TimeSpan.FromTicks(1)));
        var other = await Deliver(factory, body);                 // takes the job over and sends it all
        Assert.Equal(SendOutcome.Sent, other.Outcome);
        stalled.SetResult();
        var first = await slow.WaitAsync(TimeSpan.FromSeconds(30));

        // Its first unit went out (the provider had it), then its record failed: it sent nothing more.
        Assert.Equal(SendOutcome.Busy, first.Outcome);
        Assert.Equal([2, 2, 1, 2], email.Sent.Select(m => m.Recipients.Count)); // 3 units of the other delivery, then the stalled one
        Assert.Equal(email.Sent[0].Recipients.Select(r => r.To.Address), email.Sent[^1].Recipients.Select(r => r.To.Address));
        Assert.Equal("sent", (await Notification(factory, incident)).GetProperty("jobs")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_recipient_that_cannot_be_sent_fails_alone_with_its_reason_and_the_rest_of_the_job_is_sent()
    {
        var factory = Factory(); // the real outbox
        var dpo = factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, Header + "anna@example.nl,Anna,nl,,,\r\nbob@example.nl,,nl,,,\r\n");
        // Stored under the earlier, looser upload rules: a label of 63 'é' is longer than 63 octets once encoded.
        var unsendable = "carla@" + new string('é', 63) + ".nl";
        var hash = RecipientHash.Of(RecipientKeys.Hash(unsendable));
        await factory.Services.GetRequiredService<RecipientRepository>().OpenWriter(id).AddAsync(
            [(hash.Shard, [new NewRecipient(hash, new Recipient(unsendable, "Carla", NoticeLanguage.Nl, null, RecipientKind.DataSubject, null), factory.Clock.GetUtcNow())])], default);

        var created = await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects"}"""), HttpStatusCode.Accepted);
        Assert.Equal(3, created.GetProperty("recipients").GetInt64());
        Assert.Equal(1, await factory.DrainAsync());

        Assert.Equal(2, Directory.GetFiles(factory.OutboxDirectory, "*.eml").Length);
        var n = await Notification(factory, id);
        Assert.Equal("completed", n.GetProperty("status").GetString());
        var job = n.GetProperty("jobs")[0];
        Assert.Equal("sent", job.GetProperty("status").GetString());
        Assert.Equal(3, job.GetProperty("recipients").GetInt32());
        Assert.Equal(1, job.GetProperty("refused").GetInt64());
        Assert.Equal(2, n.GetProperty("recipientsByStatus").GetProperty("sent").GetInt64());
        Assert.Equal(1, n.GetProperty("recipientsByStatus").GetProperty("failed").GetInt64());

        var rows = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/recipients?rows=true"), HttpStatusCode.OK);
        var notices = rows.GetProperty("items").EnumerateArray().ToDictionary(r => r.GetProperty("email").GetString()!, r => r.GetProperty("notices")[0]);
        Assert.Equal("failed", notices[unsendable].GetProperty("status").GetString());
        Assert.Contains("cannot be sent", notices[unsendable].GetProperty("reason").GetString());
        Assert.Equal("sent", notices["anna@example.nl"].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, notices["anna@example.nl"].GetProperty("reason").ValueKind);
        Assert.Equal(2, rows.GetProperty("noticesByStatus").GetProperty("sent").GetInt64());
        Assert.Equal(1, rows.GetProperty("noticesByStatus").GetProperty("failed").GetInt64());
        // The data subjects were told (the two who could be): the notice counts as given.
        var incident = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Contains(incident.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "notice-sent");
    }
}
