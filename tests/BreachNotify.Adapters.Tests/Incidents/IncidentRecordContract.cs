using System.Text.Json.Nodes;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using BreachNotify.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace BreachNotify.Adapters.Tests.Incidents;

/// <summary>
/// The incident record on a real store: the timeline's hash chain survives the store and shows any edit made behind
/// the API's back, and two instances changing one incident at once leave a chain without forks and an index equal to
/// the state. Writers are interleaved in an exact order by holding one instance's writes (<see cref="GatedTableStore"/>).
/// </summary>
public abstract class IncidentRecordContract
{
    private static readonly Actor Reporter = new("sam", "reporter");
    private static readonly Actor Dpo = new("dana", "dpo");
    private static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A new store instance (own connections or client) over the same data as every other one of this test.</summary>
    protected abstract ITableStore NewStore();

    /// <summary>One app instance: its own store client, repository and service.</summary>
    private sealed record Instance(IncidentService Service, IncidentRepository Repository, GatedTableStore Store);

    private async Task<Instance> StartAsync()
    {
        var store = new GatedTableStore(NewStore());
        var repository = new IncidentRepository(store);
        var service = new IncidentService(repository, store, _clock, Microsoft.Extensions.Options.Options.Create(new IncidentOptions()), NullLogger<IncidentService>.Instance);
        await service.InitializeAsync();
        return new Instance(service, repository, store);
    }

    private async Task<string> ReportAsync(Instance app, string title = "Odd logins on the CRM")
    {
        var created = await app.Service.CreateAsync(new IncidentDraft { Title = title, DetectedAt = _clock.GetUtcNow().AddHours(-2) }, null, Reporter, null, "fp");
        _clock.Advance(TimeSpan.FromMinutes(1));
        return created.Stored.Incident.Id;
    }

    private Task<StoredIncident> NoteAsync(Instance app, string id, string note, string? details = null)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        return app.Service.ChangeAsync(id, null, (i, now) => i.Record("note-added", [new("ticket", null, note)], note, details, Dpo, now));
    }

    /// <summary>Starts writer A until its <paramref name="held"/> write, runs writer B to the end, then lets A's write land.</summary>
    private static async Task HeldUntilOtherDoneAsync(GatedTableStore.Gate held, Func<Task> writerA, Func<Task> writerB)
    {
        var a = writerA();
        await held.Reached.WaitAsync(GateTimeout);
        await writerB();
        held.Release();
        await a;
    }

    private static string RowKey(long sequence) => "t" + sequence.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> ReportWithHistoryAsync(Instance app)
    {
        var id = await ReportAsync(app, "Export \"CRM\" 😀 leaked\u2028?");
        await app.Service.UpdateAsync(id, new IncidentChanges { Owner = Optional<string?>.Of("kim <kim@example.test>") }, null, null, Reporter);
        await app.Service.ConfirmAsync(id, _clock.GetUtcNow().AddMinutes(-30), "logs\r\nchecked\t\u0001", null, Reporter);
        await NoteAsync(app, id, "vendor called", """{"score":3.5,"text":"é\n"}""");
        return id;
    }

    [Fact]
    public async Task Every_stored_entry_keeps_its_hash_and_the_chain_verifies()
    {
        var app = await StartAsync();
        var id = await ReportWithHistoryAsync(app);

        var audit = await app.Service.AuditAsync(id);
        Assert.True(audit.Verification.Valid, audit.Verification.FirstInvalid?.Reason);
        Assert.Null(audit.Verification.FirstInvalid);
        Assert.Equal([1L, 2, 3, 4], audit.Entries.Select(e => e.Sequence));
        var previous = TimelineChain.Genesis(id);
        foreach (var e in audit.Entries)
        {
            Assert.NotNull(e.Hash);
            Assert.Equal(TimelineChain.Hash(previous, e), e.Hash);
            previous = e.Hash;
        }
        var state = (await app.Repository.GetAsync(id)).Incident.State;
        Assert.Equal(previous, audit.Verification.HeadHash);
        Assert.Equal(previous, state.TimelineHead);
        Assert.Equal(4, state.TimelineCount);

        // Another instance reads the same chain from storage.
        var other = await StartAsync();
        Assert.Equal(previous, (await other.Service.AuditAsync(id)).Verification.HeadHash);
    }

    [Fact]
    public async Task An_entry_edited_deleted_or_reordered_in_storage_breaks_the_chain_there()
    {
        var app = await StartAsync();
        var id = await ReportWithHistoryAsync(app);
        var raw = NewStore();
        var second = (await raw.GetAsync(IncidentRepository.Table, id, RowKey(2)))!;
        var third = (await raw.GetAsync(IncidentRepository.Table, id, RowKey(3)))!;

        // Edited: the note of entry 2 rewritten, its hash left as it was.
        var edited = JsonNode.Parse(second.GetString("Data")!)!.AsObject();
        Assert.NotNull(edited["hash"]);
        edited["changes"]![0]!["newValue"] = "kim <someone-else@example.test>";
        var tampered = second.Clone();
        tampered["Data"] = edited.ToJsonString();
        await raw.UpdateAsync(IncidentRepository.Table, tampered, "*");
        var audit = await app.Service.AuditAsync(id);
        Assert.False(audit.Verification.Valid);
        Assert.Equal(2, audit.Verification.FirstInvalid!.Sequence);
        Assert.Equal("kim <someone-else@example.test>", audit.Entries[1].Changes[0].NewValue);

        // Put back exactly as it was: valid again, so the break was that edit and nothing else.
        await raw.UpsertAsync(IncidentRepository.Table, second);
        Assert.True((await app.Service.AuditAsync(id)).Verification.Valid);

        // Deleted: entry 3 gone.
        await raw.DeleteAsync(IncidentRepository.Table, id, RowKey(3));
        audit = await app.Service.AuditAsync(id);
        Assert.False(audit.Verification.Valid);
        Assert.Equal(3, audit.Verification.FirstInvalid!.Sequence);
        Assert.Contains("missing", audit.Verification.FirstInvalid.Reason, StringComparison.Ordinal);
        await raw.UpsertAsync(IncidentRepository.Table, third);

        // Deleted at the end: the last entry gone, which the remaining chain alone cannot show; the state's count does.
        var fourth = (await raw.GetAsync(IncidentRepository.Table, id, RowKey(4)))!;
        await raw.DeleteAsync(IncidentRepository.Table, id, RowKey(4));
        audit = await app.Service.AuditAsync(id);
        Assert.Equal(4, audit.Verification.FirstInvalid!.Sequence);
        await raw.UpsertAsync(IncidentRepository.Table, fourth);

        // Reordered: entries 2 and 3 swapped.
        var swappedA = new TableEntity(id, RowKey(2)) { ["Data"] = third.GetString("Data"), ["Action"] = third.GetString("Action") };
        var swappedB = new TableEntity(id, RowKey(3)) { ["Data"] = second.GetString("Data"), ["Action"] = second.GetString("Action") };
        await raw.UpsertAsync(IncidentRepository.Table, swappedA);
        await raw.UpsertAsync(IncidentRepository.Table, swappedB);
        audit = await app.Service.AuditAsync(id);
        Assert.False(audit.Verification.Valid);
        Assert.Equal(2, audit.Verification.FirstInvalid!.Sequence);
        Assert.Contains("reordered", audit.Verification.FirstInvalid.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_writer_that_lost_the_race_chains_its_entry_after_the_winner()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var id = await ReportAsync(a);

        // A has loaded the incident and built its entry on entry 1; its save is held until B's change landed.
        await HeldUntilOtherDoneAsync(a.Store.HoldNextWrite(IncidentRepository.Table, id), () => NoteAsync(a, id, "from A"), () => NoteAsync(b, id, "from B"));

        var audit = await b.Service.AuditAsync(id);
        Assert.True(audit.Verification.Valid, audit.Verification.FirstInvalid?.Reason);
        Assert.Equal(["created", "note-added", "note-added"], audit.Entries.Select(e => e.Action));
        Assert.Equal(["from B", "from A"], audit.Entries.Skip(1).Select(e => e.Note));
        Assert.Equal(TimelineChain.Hash(audit.Entries[1].Hash!, audit.Entries[2]), audit.Entries[2].Hash);
    }

    /// <summary>The list ("all") and the open partition show what the state says.</summary>
    private static async Task AssertIndexMatchesStateAsync(Instance app, string id)
    {
        var state = (await app.Repository.GetAsync(id)).Incident.State;
        var listed = await app.Repository.ListAllAsync().Where(s => s.Id == id).ToListAsync();
        var row = Assert.Single(listed);
        Assert.Equal((state.Status, state.Title), (row.Status, row.Title));
        var open = await app.Repository.ListOpenAsync().Where(s => s.Id == id).ToListAsync();
        if (state.Status.IsOpen())
            Assert.Equal((state.Status, state.Title), (Assert.Single(open).Status, open[0].Title));
        else
            Assert.Empty(open);
    }

    [Fact]
    public async Task The_index_follows_the_newest_change_when_the_stale_writers_index_writes_land_last()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var id = await ReportAsync(a);

        // A confirms (version 2); its index writes are held while B dismisses (version 3) and writes its own.
        await HeldUntilOtherDoneAsync(a.Store.HoldNextWrite(IncidentRepository.IndexTable),
            () => a.Service.ConfirmAsync(id, _clock.GetUtcNow().AddMinutes(-10), null, null, Reporter),
            () => b.Service.DismissAsync(id, "test data only", null, Dpo));

        await AssertIndexMatchesStateAsync(a, id);
        Assert.Equal(IncidentStatus.Dismissed, (await a.Repository.GetAsync(id)).Incident.Status);
    }

    [Fact]
    public async Task The_open_partition_drops_an_ended_incident_even_when_a_stale_writer_puts_it_back_after()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var id = await ReportAsync(a);

        // A's "all" row lands before B's, but its "open" row is held until B has dismissed and removed it.
        await HeldUntilOtherDoneAsync(a.Store.HoldNextWrite(IncidentRepository.IndexTable, IncidentRepository.OpenPartition),
            () => a.Service.ConfirmAsync(id, _clock.GetUtcNow().AddMinutes(-10), null, null, Reporter),
            () => b.Service.DismissAsync(id, "test data only", null, Dpo));

        await AssertIndexMatchesStateAsync(b, id);
    }

    [Fact]
    public async Task The_index_keeps_the_newest_title_of_an_open_incident()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var id = await ReportAsync(a, "First title");

        await HeldUntilOtherDoneAsync(a.Store.HoldNextWrite(IncidentRepository.IndexTable),
            () => a.Service.UpdateAsync(id, new IncidentChanges { Title = Optional<string>.Of("Title from A") }, null, null, Reporter),
            () => b.Service.UpdateAsync(id, new IncidentChanges { Title = Optional<string>.Of("Title from B") }, null, null, Reporter));

        await AssertIndexMatchesStateAsync(a, id);
        Assert.Equal("Title from B", (await a.Repository.GetAsync(id)).Incident.State.Title);
    }

    [Fact]
    public async Task A_timeline_stored_before_hashing_is_reported_as_legacy_and_sealed_by_the_next_change()
    {
        var app = await StartAsync();
        var id = await ReportWithHistoryAsync(app);
        var raw = NewStore();

        // Rewrite the stored record as the version before hashing wrote it: no hash on entries, no head in the state.
        for (var seq = 1; seq <= 4; seq++)
        {
            var e = (await raw.GetAsync(IncidentRepository.Table, id, RowKey(seq)))!;
            var data = JsonNode.Parse(e.GetString("Data")!)!.AsObject();
            data.Remove("hash");
            e["Data"] = data.ToJsonString();
            await raw.UpdateAsync(IncidentRepository.Table, e, "*");
        }
        var stateRow = (await raw.GetAsync(IncidentRepository.Table, id, "incident"))!;
        var stateData = JsonNode.Parse(stateRow.GetString("Data")!)!.AsObject();
        stateData.Remove("timelineHead");
        stateData.Remove("legacyTimelineEntries");
        stateRow["Data"] = stateData.ToJsonString();
        await raw.UpdateAsync(IncidentRepository.Table, stateRow, "*");

        var legacy = await app.Service.AuditAsync(id);
        Assert.False(legacy.Verification.Valid);
        Assert.False(legacy.Verification.Broken);
        Assert.Equal(4, legacy.Verification.LegacyEntries);
        Assert.Equal(1, legacy.Verification.FirstInvalid!.Sequence);
        Assert.All(legacy.Entries, e => Assert.Null(e.Hash));

        // The next change chains from the legacy entries as they are now and stores that head.
        await NoteAsync(app, id, "after the upgrade");
        var sealedAudit = await app.Service.AuditAsync(id);
        Assert.False(sealedAudit.Verification.Valid);
        Assert.Equal(4, sealedAudit.Verification.LegacyEntries);
        Assert.Equal(1, sealedAudit.Verification.FirstInvalid!.Sequence);
        var fifth = sealedAudit.Entries[4];
        Assert.Equal(TimelineChain.Hash(TimelineChain.LegacyHead(id, sealedAudit.Entries.Take(4)), fifth), fifth.Hash);
        var stored = (await app.Repository.GetAsync(id)).Incident.State;
        Assert.Equal((5L, 4L, fifth.Hash), (stored.TimelineCount, stored.LegacyTimelineEntries, stored.TimelineHead));

        // From then on, rewriting a legacy entry shows at the first chained entry.
        var e2 = (await raw.GetAsync(IncidentRepository.Table, id, RowKey(2)))!;
        e2["Data"] = e2.GetString("Data")!.Replace("kim", "pat", StringComparison.Ordinal);
        await raw.UpdateAsync(IncidentRepository.Table, e2, "*");
        Assert.Equal(5, (await app.Service.AuditAsync(id)).Verification.FirstInvalid!.Sequence);
    }

    /// <summary>An e-mail sender that accepts everything (the watch's reminders are not what these tests look at).</summary>
    private sealed class AcceptingEmailSender : Application.Email.IEmailSender
    {
        public Task<Application.Email.EmailSendResult> SendAsync(Application.Email.EmailMessage message, CancellationToken cancellationToken = default)
            => Task.FromResult(new Application.Email.EmailSendResult(message.MessageKey, DateTimeOffset.UnixEpoch));
    }

    /// <summary>The deadline watch of an instance, as the app wires it.</summary>
    private async Task<Application.Deadlines.DeadlineWatch> WatchAsync(Instance app)
    {
        var org = Microsoft.Extensions.Options.Options.Create(new Application.Organisation.OrganisationOptions { Dpo = new Application.Organisation.DpoOptions { Email = "dpo@example.com" } });
        var options = Microsoft.Extensions.Options.Options.Create(new Application.Deadlines.DeadlineOptions());
        var ledger = new Application.Deadlines.ReminderLedger(app.Store);
        await ledger.InitializeAsync();
        return new Application.Deadlines.DeadlineWatch(app.Repository, app.Service, new Application.Deadlines.DeadlineService(options, org), ledger, new AcceptingEmailSender(),
            options, Microsoft.Extensions.Options.Options.Create(new Application.Deadlines.EscalationOptions()), org,
            Microsoft.Extensions.Options.Options.Create(new Application.Email.EmailOptions()), _clock, Application.Telemetry.BreachNotifyTelemetry.Detached(),
            NullLogger<Application.Deadlines.DeadlineWatch>.Instance);
    }

    private static async Task<List<IncidentSummary>> OpenRowsAsync(Instance app) => await app.Repository.ListOpenAsync().ToListAsync();

    [Fact]
    public async Task A_crash_between_a_new_incidents_state_and_its_index_leaves_it_to_the_deadline_watch_which_repairs_the_index()
    {
        var crashing = await StartAsync();
        // The process dies after the state is saved, while it writes the list row: that write never lands.
        var crash = crashing.Store.HoldNextWrite(IncidentRepository.IndexTable, IncidentRepository.AllPartition);
        var create = crashing.Service.CreateAsync(new IncidentDraft { Title = "Laptop stolen", AwareAt = _clock.GetUtcNow().AddHours(-1) }, null, Reporter, null, "fp");
        await crash.Reached.WaitAsync(GateTimeout);
        var other = await StartAsync();
        var id = Assert.Single(await OpenRowsAsync(other)).Id;     // the open row was written before the state
        Assert.NotNull(await other.Repository.FindAsync(id));
        Assert.Empty((await other.Repository.ListAsync(null, 1, 10)).Items);

        var swept = await (await WatchAsync(other)).SweepAsync(isPastDue: false);

        Assert.False(create.IsCompleted);
        Assert.Equal(1, swept.Incidents);                          // the watch sees it: its deadlines are watched
        Assert.Equal(1, swept.IndexRepaired);
        var listed = Assert.Single((await other.Repository.ListAsync(null, 1, 10)).Items);
        Assert.Equal((id, IncidentStatus.Confirmed, "Laptop stolen"), (listed.Id, listed.Status, listed.Title));
        Assert.Equal(0, (await (await WatchAsync(other)).SweepAsync(isPastDue: false)).IndexRepaired); // nothing left to repair
    }

    [Fact]
    public async Task An_open_row_whose_incident_was_never_saved_is_removed_by_the_watch_after_the_grace()
    {
        var crashing = await StartAsync();
        // The process dies while it saves the new incident's state, after its open row.
        var crash = crashing.Store.HoldNextWrite(IncidentRepository.Table);
        var create = crashing.Service.CreateAsync(new IncidentDraft { Title = "Laptop stolen", AwareAt = _clock.GetUtcNow().AddHours(-1) }, null, Reporter, null, "fp");
        await crash.Reached.WaitAsync(GateTimeout);
        var other = await StartAsync();
        var orphan = Assert.Single(await OpenRowsAsync(other));
        Assert.Null(await other.Repository.FindAsync(orphan.Id));
        var watch = await WatchAsync(other);

        Assert.Equal(0, (await watch.SweepAsync(isPastDue: false)).IndexRepaired);  // its create may still be under way
        Assert.Single(await OpenRowsAsync(other));
        _clock.Advance(IncidentRepository.OrphanGrace);
        var swept = await watch.SweepAsync(isPastDue: false);

        Assert.False(create.IsCompleted);
        Assert.Equal(1, swept.IndexRepaired);
        Assert.Empty(await OpenRowsAsync(other));
    }

    [Fact]
    public async Task The_open_row_of_an_incident_ended_by_a_crashed_change_is_removed_by_the_watch()
    {
        var app = await StartAsync();
        var id = await ReportAsync(app);
        var crashing = await StartAsync();
        // Dismissed; the process dies before the open row goes.
        var crash = crashing.Store.HoldNextWrite(IncidentRepository.IndexTable, IncidentRepository.OpenPartition);
        var dismiss = crashing.Service.DismissAsync(id, "A false positive of the login monitor.", null, Dpo);
        await crash.Reached.WaitAsync(GateTimeout);
        Assert.Equal(IncidentStatus.Dismissed, (await app.Repository.GetAsync(id)).Incident.Status);
        Assert.Single(await OpenRowsAsync(app));

        var swept = await (await WatchAsync(app)).SweepAsync(isPastDue: false);

        Assert.False(dismiss.IsCompleted);
        Assert.Equal(1, swept.IndexRepaired);
        Assert.Empty(await OpenRowsAsync(app));
        Assert.Equal(IncidentStatus.Dismissed, Assert.Single((await app.Repository.ListAsync(null, 1, 10)).Items).Status);
    }
}
