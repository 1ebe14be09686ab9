using System.Runtime.CompilerServices;
using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Adapters.Tests.Incidents;
using BreachNotify.Application.Common;
using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Authorities;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Sending;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Application.Organisation;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BreachNotify.Adapters.Tests.Notices;

/// <summary>
/// Creating notifications on a real store with real concurrency: requests with one Idempotency-Key record one
/// <c>notification-created</c> entry; requests without a key for one kind and phase give one notification and 409s
/// naming it; a creation a crash left half-way is finished by the sweep.
/// </summary>
public abstract class NotificationCreationContract
{
    protected abstract ITableStore OpenStore();

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero));

    private static readonly Actor Dpo = new("dana", "dpo");
    private const int Concurrent = 8;

    /// <summary>The notice use cases wired on one store, as the app wires them (jobs of 2 recipients).</summary>
    protected sealed class App
    {
        public App(ITableStore store, TimeProvider time)
        {
            var options = Options.Create(new NoticeOptions { JobSize = 2 });
            var organisation = new OrganisationOptions
            {
                Name = "Acme B.V.", Dpo = new DpoOptions { Name = "Dana Privacy", Email = "dpo@acme.example" },
                LeadAuthority = "NL", TimeZone = "Europe/Amsterdam", AuthorityNoticeEmail = "dpo@acme.example",
            };
            IncidentRows = new IncidentRepository(store);
            Incidents = new IncidentService(IncidentRows, store, time, Options.Create(new IncidentOptions()), NullLogger<IncidentService>.Instance);
            Recipients = new RecipientRepository(store);
            Importer = new RecipientImporter(Recipients, IncidentRows, time, options, NullLogger<RecipientImporter>.Instance);
            Content = new NoticeContentService(Incidents);
            NotificationRows = new NotificationRepository(store);
            Jobs = new NoticeJobRepository(store);
            Queue = new StoreNoticeQueue(store, new StoreQueueOptions(), time);
            var obligations = new DeadlineNoticeObligations(new DeadlineService(Options.Create(new DeadlineOptions()), Options.Create(organisation)));
            Notifications = new NotificationService(NotificationRows, Jobs, Incidents, Recipients, Content,
                new NoticeComposer(organisation, SupervisoryAuthorityRegistry.Default, NoticeTemplateCatalog.Default), obligations, Queue, options,
                Options.Create(organisation), time, NullLogger<NotificationService>.Instance);
            Sweeper = new NoticeSweeper(Jobs, Queue, Incidents, Notifications, options, time, Application.Telemetry.BreachNotifyTelemetry.Detached(), NullLogger<NoticeSweeper>.Instance);
        }

        public IncidentRepository IncidentRows { get; }
        public IncidentService Incidents { get; }
        public RecipientRepository Recipients { get; }
        public RecipientImporter Importer { get; }
        public NoticeContentService Content { get; }
        public NotificationRepository NotificationRows { get; }
        public NoticeJobRepository Jobs { get; }
        public StoreNoticeQueue Queue { get; }
        public NotificationService Notifications { get; }
        public NoticeSweeper Sweeper { get; }

        public async Task InitializeAsync()
        {
            await Incidents.InitializeAsync();
            await Recipients.InitializeAsync();
            await Notifications.InitializeAsync();
            await Queue.InitializeAsync();
        }
    }

    protected async Task<App> StartAsync(ITableStore? store = null)
    {
        var app = new App(store ?? OpenStore(), Clock);
        await app.InitializeAsync();
        return app;
    }

    /// <summary>A confirmed incident whose decision calls for data-subject notices, with texts and five recipients (three jobs).</summary>
    private async Task<string> IncidentAsync(App app)
    {
        var facts = new BreachFacts
        {
            BreachTypes = [BreachType.Confidentiality], DataCategories = [DataCategory.Contact, DataCategory.Identity], DataSubjects = 5, Records = 5,
            Protection = Protection.None, Exposure = Exposure.UnknownRecipients, Exfiltration = Exfiltration.Confirmed, MaliciousIntent = true,
        };
        var created = await app.Incidents.CreateAsync(new IncidentDraft { Title = "Stolen laptop", AwareAt = Clock.GetUtcNow().AddHours(-2) }, facts, Dpo, null, "test");
        var id = created.Stored.Incident.Id;
        await app.Incidents.DecideAsync(id, true, true, false, "Identity data of customers", null, Dpo);
        foreach (var language in NoticeVocabulary.Languages)
            await app.Content.SetAsync(id, language.ToWire(), new NoticeTexts("A laptop was stolen.", "Phishing.", "Police report.", "Be careful."), null, Dpo);
        var import = await app.Importer.ImportAsync(id, Rows(5));
        Assert.Equal(5, import.Accepted);
        return id;
    }

    private static async IAsyncEnumerable<RecipientInput> Rows(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new RecipientInput(i + 2, $"person{i}@example.nl", $"Person {i}", "nl");
        }
    }

    private static readonly NotificationRequest DataSubjects = new("data-subjects", "initial", null, null, false, null);

    private static async Task<IReadOnlyList<TimelineEntry>> CreatedEntriesAsync(App app, string incidentId)
        => (await app.Incidents.GetTimelineAsync(incidentId)).Where(e => e.Action == NotificationService.CreatedAction).ToList();

    /// <summary>Starts <paramref name="count"/> calls at once on the thread pool and waits for all (their outcomes, exceptions included).</summary>
    private static async Task<IReadOnlyList<Task<NotificationCreated>>> AtOnceAsync(int count, Func<Task<NotificationCreated>> call)
    {
        using var start = new ManualResetEventSlim(false);
        var tasks = Enumerable.Range(0, count).Select(_ => Task.Run(async () => { start.Wait(); return await call(); })).ToList();
        start.Set();
        try { await Task.WhenAll(tasks); } catch (Exception) { /* inspected below */ }
        return tasks;
    }

    [Fact]
    public async Task Concurrent_creates_with_the_same_key_record_one_notification_created_entry()
    {
        var app = await StartAsync();
        var id = await IncidentAsync(app);

        var results = await AtOnceAsync(Concurrent, () => app.Notifications.CreateAsync(id, DataSubjects, Dpo, "retry-after-timeout"));

        Assert.All(results, r => Assert.True(r.IsCompletedSuccessfully, r.Exception?.ToString()));
        var ids = new HashSet<string>();
        foreach (var r in results) ids.Add((await r).NotificationId);
        var notificationId = Assert.Single(ids);
        var entry = Assert.Single(await CreatedEntriesAsync(app, id));
        Assert.Contains(notificationId, entry.Details, StringComparison.Ordinal);
        var n = Assert.Single(await app.NotificationRows.ListAsync(id));
        Assert.Equal(NotificationStatus.Queued, n.Status);
        Assert.Equal(3, n.Jobs);
        Assert.Equal(5, n.Recipients);
        Assert.Equal((3, 0), await app.Queue.CountAsync());          // one message per job (duplicates dropped by id)
        Assert.Empty(await app.Jobs.ListCreatingAsync());
    }

    [Fact]
    public async Task Two_requests_with_one_key_that_record_it_at_the_same_moment_record_it_once()
    {
        var store = new GatedTableStore(OpenStore());
        var app = await StartAsync(store);
        var id = await IncidentAsync(app);
        // The first request has checked the timeline and is about to record the notification; the second runs to the end meanwhile.
        var held = store.HoldNextWrite("Incidents", id);
        var first = app.Notifications.CreateAsync(id, DataSubjects, Dpo, "retry-after-timeout");
        await held.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        var second = await app.Notifications.CreateAsync(id, DataSubjects, Dpo, "retry-after-timeout");
        held.Release();
        var firstResult = await first.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(firstResult.NotificationId, second.NotificationId);
        Assert.Single(await CreatedEntriesAsync(app, id));
        Assert.Equal(NotificationStatus.Queued, Assert.Single(await app.NotificationRows.ListAsync(id)).Status);
    }

    [Fact]
    public async Task Concurrent_creates_without_a_key_give_one_notification_and_conflicts_naming_it()
    {
        var app = await StartAsync();
        var id = await IncidentAsync(app);

        var results = await AtOnceAsync(Concurrent, () => app.Notifications.CreateAsync(id, DataSubjects, Dpo, null));

        var created = await Assert.Single(results, r => r.IsCompletedSuccessfully);
        var refused = results.Where(r => !r.IsCompletedSuccessfully).Select(r => Assert.IsType<ConflictException>(r.Exception!.InnerException)).ToList();
        Assert.Equal(Concurrent - 1, refused.Count);
        Assert.All(refused, c => Assert.Equal(created.NotificationId, c.Details["existingNotificationId"]));
        Assert.Single(await CreatedEntriesAsync(app, id));
        Assert.Equal(created.NotificationId, Assert.Single(await app.NotificationRows.ListAsync(id)).NotificationId);
        Assert.Equal((3, 0), await app.Queue.CountAsync());
        Assert.Empty(await app.Jobs.ListCreatingAsync());
    }

    [Fact]
    public async Task A_resend_with_a_rationale_is_a_second_notification_recorded_with_its_reason()
    {
        var app = await StartAsync();
        var id = await IncidentAsync(app);
        var first = await app.Notifications.CreateAsync(id, DataSubjects, Dpo, null);

        var refused = await Assert.ThrowsAsync<ConflictException>(() => app.Notifications.CreateAsync(id, DataSubjects, Dpo, null));
        Assert.Equal(first.NotificationId, refused.Details["existingNotificationId"]);
        var again = await app.Notifications.CreateAsync(id, DataSubjects with { Resend = true, Rationale = "The first mailing went to a suppressed list." }, Dpo, null);

        Assert.NotEqual(first.NotificationId, again.NotificationId);
        var second = (await CreatedEntriesAsync(app, id))[1];
        Assert.Equal("Resent: The first mailing went to a suppressed list.", second.Note);
        Assert.Contains("\"resendOf\":\"" + first.NotificationId + "\"", second.Details, StringComparison.Ordinal);
        // A further plain request names the latest.
        var latest = await Assert.ThrowsAsync<ConflictException>(() => app.Notifications.CreateAsync(id, DataSubjects, Dpo, "another-key"));
        Assert.Equal(again.NotificationId, latest.Details["existingNotificationId"]);
    }

    [Fact]
    public async Task A_notification_left_in_creating_by_a_crash_is_finished_by_the_sweep()
    {
        var store = new GatedTableStore(OpenStore());
        var app = await StartAsync(store);
        var id = await IncidentAsync(app);
        // The process dies while the jobs are written (after the notification itself): that write never completes.
        var crash = store.HoldNextWrite((table, partition) => table == "NoticeJobs" && partition.StartsWith("job-", StringComparison.Ordinal));
        var request = app.Notifications.CreateAsync(id, DataSubjects, Dpo, null);
        await crash.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        var notification = Assert.Single(await app.NotificationRows.ListAsync(id));
        Assert.Equal(NotificationStatus.Creating, notification.Status);

        // Not while its request may still be writing it.
        Assert.Equal(0, (await app.Sweeper.SweepAsync()).Resumed);
        Clock.Advance(TimeSpan.FromMinutes(15));
        // After a restart: the same tables, a new process.
        var restarted = await StartAsync(OpenStore());
        var swept = await restarted.Sweeper.SweepAsync();

        Assert.Equal(1, swept.Resumed);
        Assert.False(request.IsCompleted);
        var n = Assert.Single(await restarted.NotificationRows.ListAsync(id));
        Assert.Equal(NotificationStatus.Queued, n.Status);
        Assert.Equal(3, n.Jobs);
        Assert.Equal(5, n.Recipients);
        var entry = Assert.Single(await CreatedEntriesAsync(restarted, id));
        Assert.Equal("dana", entry.Actor);
        Assert.Equal((3, 0), await restarted.Queue.CountAsync());
        Assert.Empty(await restarted.Jobs.ListCreatingAsync());
        Assert.Equal(0, (await restarted.Sweeper.SweepAsync()).Resumed);  // nothing left to finish
        // A plain retry of the request now names the finished notification.
        var retry = await Assert.ThrowsAsync<ConflictException>(() => restarted.Notifications.CreateAsync(id, DataSubjects, Dpo, null));
        Assert.Equal(notification.NotificationId, retry.Details["existingNotificationId"]);
    }
}
