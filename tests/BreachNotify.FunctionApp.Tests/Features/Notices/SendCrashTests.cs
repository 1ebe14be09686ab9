using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.FunctionApp.Tests.Fakes;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>
/// A crash during sending, with the real app in child processes: instance A is killed (SIGKILL) in the middle of its
/// jobs while instance B runs against the same store, then A is started again; the SendGrid fake counts every recipient
/// exactly once. The kill comes while A's next request is held at the provider (a stalled request, never accepted) and
/// after every request the provider accepted from A is on record in the store — the point up to which the sender can
/// know what it sent. The request in flight is not counted by the fake; a request accepted but not yet recorded is the
/// documented at-least-once window and is not what this test provokes. Waits are bounded; nothing is timed.
/// </summary>
public sealed class SendCrashTests : IAsyncLifetime
{
    private const string KeyA = "SG.instance-a";
    private const string KeyB = "SG.instance-b";
    private const int RecipientCount = 1000;
    private const int JobSize = 200;              // 5 jobs
    private const int PerRequest = 50;            // 4 requests per job
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Bounded = TimeSpan.FromMinutes(3);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bn-crash-" + Guid.NewGuid().ToString("N"));
    private readonly List<AppProcess> _apps = [];
    private SendGridFake _fake = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _fake = await SendGridFake.StartAsync(apiKeys: [KeyA, KeyB], countAddresses: true);
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        await _fake.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string> Settings(string sendGridKey) => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["Storage:Sqlite:Path"] = Path.Combine(_directory, "shared.db"),
        ["Queue:Provider"] = "Embedded",
        ["Queue:Embedded:VisibilityTimeout"] = "00:00:05",
        ["Queue:Embedded:RetryDelay"] = "00:00:01",
        ["Queue:Embedded:MaxRetryDelay"] = "00:00:02",
        ["Queue:Embedded:MaxDeliveryCount"] = "200",
        ["SendQueuedNotices:Schedule"] = "* * * * * *",
        ["SendQueuedNotices:Concurrency"] = "2",
        ["SendQueuedNotices:BatchSize"] = "2",
        ["Notices:JobSize"] = JobSize.ToString(CultureInfo.InvariantCulture),
        // Long enough that no accepted request outlives its lease on a busy machine; short enough to take over soon.
        ["Notices:SendLease"] = "00:00:15",
        ["Email:Provider"] = "SendGrid",
        ["Email:From:Address"] = "privacy@acme.example",
        ["SendGrid:ApiKey"] = sendGridKey,
        ["SendGrid:BaseUrl"] = _fake.BaseUri.AbsoluteUri,
        ["SendGrid:MaxRecipientsPerRequest"] = PerRequest.ToString(CultureInfo.InvariantCulture),
        ["SendGrid:MaxRetries"] = "0",
        ["SendGrid:RequestTimeout"] = "00:05:00",  // a held request is ended by the kill, not by a timeout
        ["Organisation:Name"] = "Acme B.V.",
        ["Organisation:Dpo:Name"] = "Dana Privacy",
        ["Organisation:Dpo:Email"] = "dpo@acme.example",
        ["Organisation:LeadAuthority"] = "NL",
        ["Organisation:TimeZone"] = "Europe/Amsterdam",
        ["Organisation:AuthorityNoticeEmail"] = "dpo@acme.example",
        ["Auth:ApiKeys:0:Name"] = "dana",
        ["Auth:ApiKeys:0:Role"] = "dpo",
        ["Auth:ApiKeys:0:KeySha256"] = BreachNotifyFactory.Sha256(BreachNotifyFactory.DpoKey),
    };

    private async Task<AppProcess> StartAsync(string sendGridKey)
    {
        var app = await AppProcess.StartAsync(Settings(sendGridKey), StartTimeout);
        _apps.Add(app);
        return app;
    }

    /// <summary>Polls <paramref name="done"/> until it holds, at most <see cref="Bounded"/>.</summary>
    private static async Task WaitUntilAsync(string what, Func<Task<bool>> done, Func<string>? context = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await done())
        {
            if (waited.Elapsed > Bounded) Assert.Fail($"Gave up waiting ({Bounded}) until {what}.\n{context?.Invoke()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task An_instance_killed_mid_send_while_another_runs_sends_every_recipient_exactly_once()
    {
        var a = await StartAsync(KeyA);
        var dpo = a.Client(BreachNotifyFactory.DpoKey);
        var incident = await ConfirmedIncidentAsync(dpo);
        var csv = new StringBuilder("email,name,language,country,kind,externalId\r\n");
        for (var i = 0; i < RecipientCount; i++) csv.Append(CultureInfo.InvariantCulture, $"person{i}@example{i % 7}.nl,Person {i},nl,,,\r\n");
        Assert.Equal(RecipientCount, (await UploadAsync(dpo, incident, csv.ToString())).GetProperty("accepted").GetInt64());

        // A's provider accepts two requests, then stalls: A is in the middle of a job (or two).
        _fake.HoldAfter(KeyA, acceptedRequests: 2);
        var created = await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{incident}/notifications", """{"kind":"data-subjects"}"""), HttpStatusCode.Accepted);
        Assert.Equal(RecipientCount / JobSize, created.GetProperty("jobs").GetInt32());

        using var store = new SqliteTableStore(Path.Combine(_directory, "shared.db"), TimeProvider.System);
        var jobs = new NoticeJobRepository(store);
        // Every request the provider accepted from A is on record before A is killed (what the sender can know).
        async Task<bool> AcceptedByARecorded()
        {
            foreach (var (jobId, accepted) in _fake.AcceptedByJob(KeyA))
            {
                if (await jobs.FindAsync(jobId) is not { } job || job.SentRecipients < accepted) return false;
            }
            return true;
        }
        await WaitUntilAsync("A's provider stalls with its accepted requests on record",
            async () => _fake.Held(KeyA) > 0 && _fake.AcceptedByJob(KeyA).Values.Sum() == 2 * PerRequest && await AcceptedByARecorded(), () => a.Log);

        // B runs against the same store while A is killed.
        var b = await StartAsync(KeyB);
        Assert.True(await AcceptedByARecorded());
        var partial = new List<NoticeJob>();
        foreach (var jobId in _fake.AcceptedByJob(KeyA).Keys)
        {
            var job = (await jobs.FindAsync(jobId))!;
            if (!job.IsDone) partial.Add(job);
        }
        Assert.NotEmpty(partial);                                   // the kill comes in the middle of a job
        Assert.All(partial, j => Assert.InRange(j.Progress, 1, JobSize - 1));
        await a.KillAsync();
        _fake.DropHeld(KeyA);                                       // A's stalled request was never accepted

        // A starts again on the same store; A and B finish the jobs, the interrupted ones from their recorded progress.
        var restarted = await StartAsync(KeyA);
        var viewer = b.Client(BreachNotifyFactory.DpoKey);
        await WaitUntilAsync("every job is sent", async () =>
        {
            var list = await HttpAssert.Body(await viewer.GetAsync($"/api/incidents/{incident}/notifications"), HttpStatusCode.OK);
            return list.GetProperty("items")[0].GetProperty("status").GetString() == "completed";
        }, () => $"A:\n{restarted.Log}\nB:\n{b.Log}");

        Assert.Equal(0, _fake.Rejected);
        Assert.Equal(RecipientCount, _fake.CopiesPerAddress.Count);
        Assert.All(_fake.CopiesPerAddress, c => Assert.True(c.Value == 1, $"{c.Value} copies of one address"));
        Assert.Equal(RecipientCount, _fake.Recipients);
        var n = (await HttpAssert.Body(await viewer.GetAsync($"/api/incidents/{incident}/notifications"), HttpStatusCode.OK)).GetProperty("items")[0];
        Assert.Equal(RecipientCount, n.GetProperty("recipientsByStatus").GetProperty("sent").GetInt64());
        Assert.All(n.GetProperty("jobs").EnumerateArray(), j => Assert.Equal("sent", j.GetProperty("status").GetString()));
        foreach (var p in partial)
            Assert.True((await jobs.FindAsync(p.JobId))!.Attempts >= 2, "an interrupted job was taken over by another delivery");
    }
}
