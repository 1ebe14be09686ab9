using System.Runtime.CompilerServices;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BreachNotify.Adapters.Tests.Notices;

/// <summary>
/// Erasure and retention of recipients' personal data (Application use cases) on a real store: derive and supply it.
/// <see cref="OpenStore"/> opens the same data again each time, so a test can "restart" after a simulated crash.
/// </summary>
public abstract class RecipientErasureContract
{
    /// <summary>A store over this test's data; called again after a simulated crash, as a restarted process would.</summary>
    protected abstract ITableStore OpenStore();

    /// <summary>Releases a store (a crashed process's connections).</summary>
    protected virtual void CloseStore(ITableStore store) { }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 27, 9, 0, 0, TimeSpan.Zero));

    private static readonly Actor Dpo = new("dana", "dpo");

    /// <summary>The use cases wired on one store, as the app wires them.</summary>
    protected sealed class App
    {
        public App(ITableStore store, TimeProvider time, TimeSpan retainFor)
        {
            Store = store;
            IncidentRows = new IncidentRepository(store);
            Incidents = new IncidentService(IncidentRows, store, time, Options.Create(new IncidentOptions()), NullLogger<IncidentService>.Instance);
            Recipients = new RecipientRepository(store);
            Importer = new RecipientImporter(Recipients, IncidentRows, time, Microsoft.Extensions.Options.Options.Create(new BreachNotify.Application.Notices.NoticeOptions()), NullLogger<RecipientImporter>.Instance);
            Erasure = new RecipientErasure(Recipients, Incidents, time, NullLogger<RecipientErasure>.Instance);
            Retention = new RecipientRetention(Recipients, Erasure, IncidentRows, Options.Create(new RecipientOptions { RetainFor = retainFor }), time, NullLogger<RecipientRetention>.Instance);
        }

        public ITableStore Store { get; }
        public IncidentRepository IncidentRows { get; }
        public IncidentService Incidents { get; }
        public RecipientRepository Recipients { get; }
        public RecipientImporter Importer { get; }
        public RecipientErasure Erasure { get; }
        public RecipientRetention Retention { get; }

        public async Task InitializeAsync()
        {
            await Incidents.InitializeAsync();
            await Recipients.InitializeAsync();
        }
    }

    protected async Task<App> StartAsync(ITableStore? store = null, TimeSpan? retainFor = null)
    {
        var app = new App(store ?? OpenStore(), Clock, retainFor ?? TimeSpan.FromDays(30));
        await app.InitializeAsync();
        return app;
    }

    protected static async Task<string> IncidentAsync(App app)
    {
        var created = await app.Incidents.CreateAsync(new IncidentDraft { Title = "Stolen laptop", AwareAt = new DateTimeOffset(2026, 3, 27, 8, 0, 0, TimeSpan.Zero) }, null, Dpo, null, "test");
        Assert.Equal(IncidentStatus.Confirmed, created.Stored.Incident.Status);
        return created.Stored.Incident.Id;
    }

    protected static string Email(int i) => $"person{i}@example{i % 7}.com";

    protected static async Task<ImportResult> ImportAsync(App app, string incidentId, int count, int first = 0)
        => await app.Importer.ImportAsync(incidentId, Rows(first, count));

    private static async IAsyncEnumerable<RecipientInput> Rows(int first, int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = first; i < first + count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new RecipientInput(i + 2, Email(i), $"Person {i}", i % 2 == 0 ? "nl" : "en", "NL", i % 5 == 0 ? "controller" : null, $"crm-{i}");
        }
        await Task.CompletedTask;
    }

    /// <summary>Every recipient row of the incident as stored (all 16 partitions), to check what survives.</summary>
    protected static async Task<List<Application.Storage.TableEntity>> RowsAsync(App app, string incidentId)
    {
        var rows = new List<Application.Storage.TableEntity>();
        for (var shard = 0; shard < RecipientKeys.Shards; shard++)
            await foreach (var e in app.Store.QueryAllAsync("Recipients", new TableQuery($"{incidentId}|{shard:00}", "0", "g"))) rows.Add(e);
        return rows;
    }

    private static async Task<List<TimelineEntry>> ErasuresAsync(App app, string incidentId)
        => (await app.Incidents.GetTimelineAsync(incidentId)).Where(e => e.Action == RecipientErasure.Action).ToList();

    private static void AssertNothingPersonal(Application.Storage.TableEntity row)
    {
        Assert.Equal(["AddedAt", "ErasedAt", "Kind", "Language"], row.Properties.Where(p => p.Value is not null).Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Erasing_some_addresses_keeps_keys_kinds_languages_and_counts()
    {
        var app = await StartAsync();
        var id = await IncidentAsync(app);
        await ImportAsync(app, id, 10);

        // Two stored addresses (one written differently) and one that is not a recipient.
        var result = await app.Erasure.EraseAsync(id, [Email(3), "  " + Email(4).ToUpperInvariant(), "stranger@example.com"], Dpo);

        Assert.False(result.All);
        Assert.Equal(2, result.Erased);
        Assert.Equal(0, result.AlreadyErased);
        Assert.Equal(1, result.NotFound);
        var rows = await RowsAsync(app, id);
        Assert.Equal(10, rows.Count);
        var erasedKeys = new[] { Email(3), Email(4) }.Select(e => RecipientKeys.RowKey(RecipientKeys.Hash(e))).ToHashSet();
        foreach (var row in rows.Where(r => erasedKeys.Contains(r.RowKey)))
        {
            AssertNothingPersonal(row);
            Assert.Equal(Clock.GetUtcNow(), row.GetDateTimeOffset("ErasedAt"));
        }
        Assert.Equal("en", rows.Single(r => r.RowKey == RecipientKeys.RowKey(RecipientKeys.Hash(Email(3)))).GetString("Language"));
        Assert.All(rows.Where(r => !erasedKeys.Contains(r.RowKey)), r => Assert.NotNull(r.GetString("Email")));

        var counts = await app.Recipients.CountAsync(id);
        Assert.Equal(10, counts.Total); // erased recipients were recipients: still counted
        Assert.Equal(2, counts.TotalErased);

        var entry = Assert.Single(await ErasuresAsync(app, id));
        Assert.Equal("dana", entry.Actor);
        Assert.Equal("2", entry.Changes.Single().NewValue);
        Assert.Contains(result.ErasureId, entry.Details);
        Assert.Contains("\"notFound\":1", entry.Details);
        Assert.DoesNotContain("@", entry.Details + entry.Note); // who and how many, never which address
        Assert.Null(await app.Recipients.FindErasureAsync(id));
    }

    [Fact]
    public async Task Erasing_again_changes_nothing_and_erasing_all_counts_each_recipient_once()
    {
        var app = await StartAsync();
        var id = await IncidentAsync(app);
        await ImportAsync(app, id, 10);
        await app.Erasure.EraseAsync(id, [Email(1), Email(2)], Dpo);

        var again = await app.Erasure.EraseAsync(id, [Email(1), Email(2)], Dpo);
        Assert.Equal((0L, 2L, 0L), (again.Erased, again.AlreadyErased, again.NotFound));

        var all = await app.Erasure.EraseAsync(id, null, Dpo);
        Assert.True(all.All);
        Assert.Equal((8L, 2L), (all.Erased, all.AlreadyErased));
        Assert.All(await RowsAsync(app, id), AssertNothingPersonal);
        Assert.Equal(10, (await app.Recipients.CountAsync(id)).TotalErased);
        Assert.Equal(["2", "0", "8"], (await ErasuresAsync(app, id)).Select(e => e.Changes.Single().NewValue));
    }

    [Fact]
    public async Task An_erased_address_uploaded_again_stays_erased()
    {
        var app = await StartAsync();
        var id = await IncidentAsync(app);
        await ImportAsync(app, id, 3);
        await app.Erasure.EraseAsync(id, [Email(1)], Dpo);

        var again = await ImportAsync(app, id, 4); // the same three, and one new
        Assert.Equal((1L, 2L, 1L), (again.Accepted, again.Duplicates, again.Erased));
        AssertNothingPersonal((await RowsAsync(app, id)).Single(r => r.RowKey == RecipientKeys.RowKey(RecipientKeys.Hash(Email(1)))));
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_never_quote_the_address()
    {
        var app = await StartAsync();
        var id = await IncidentAsync(app);
        var ex = await Assert.ThrowsAsync<Domain.Common.DomainValidationException>(() => app.Erasure.EraseAsync(id, [Email(1), "not-an-address", null], Dpo));
        Assert.Equal(["emails[1]", "emails[2]"], ex.Errors.Select(e => e.Field));
        Assert.DoesNotContain("not-an-address", ex.Errors[0].Message);
        await Assert.ThrowsAsync<Domain.Common.DomainValidationException>(() => app.Erasure.EraseAsync(id, [], Dpo));
        await Assert.ThrowsAsync<Application.Common.NotFoundException>(() => app.Erasure.EraseAsync("inc-unknown", null, Dpo));
        Assert.Empty(await ErasuresAsync(app, id));
    }

    [Fact]
    public async Task An_erasure_interrupted_by_a_restart_is_completed_and_recorded_once()
    {
        const int count = 2_000; // more than one batch per partition: the erasure takes several groups
        var crashing = new CrashingStore(OpenStore());
        var app = await StartAsync(crashing);
        var id = await IncidentAsync(app);
        Assert.Equal(count, (await ImportAsync(app, id, count)).Accepted);

        // The process dies as it writes the second group of erasures: the first group is committed, the rest is not.
        var groups = 0;
        crashing.CrashBefore = (table, ops) => table == "Recipients" && ops.Any(o => o.Entity.Properties.ContainsKey("ErasedAt")) && ++groups == 2;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => app.Erasure.EraseAsync(id, null, Dpo));
        var partly = (await app.Recipients.CountAsync(id)).TotalErased;
        Assert.InRange(partly, 1, count - 1);
        Assert.NotNull(await app.Recipients.FindErasureAsync(id));
        Assert.Empty(await ErasuresAsync(app, id));
        CloseStore(crashing.Inner);

        // Restarted: the next run of the retention timer finds the unfinished erasure (the incident is still open, so
        // nothing else is due) and completes it.
        var restarted = await StartAsync();
        var run = await restarted.Retention.RunAsync();
        Assert.Equal(1, run.Resumed);
        Assert.Equal(0, run.Erased);

        Assert.Equal(count, (await restarted.Recipients.CountAsync(id)).TotalErased);
        Assert.All(await RowsAsync(restarted, id), AssertNothingPersonal);
        var entry = Assert.Single(await ErasuresAsync(restarted, id));
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Changes.Single().NewValue); // the whole erasure, both runs
        Assert.Equal("dana", entry.Actor);
        Assert.Null(await restarted.Recipients.FindErasureAsync(id));
    }

    [Fact]
    public async Task A_restart_after_the_timeline_entry_does_not_record_the_erasure_twice()
    {
        var crashing = new CrashingStore(OpenStore());
        var app = await StartAsync(crashing);
        var id = await IncidentAsync(app);
        await ImportAsync(app, id, 20);
        // Dies as it removes the journal, after the timeline entry was written.
        crashing.CrashBefore = (table, ops) => table == "Recipients" && ops.Any(o => o.Kind == TableOperationKind.Delete && o.Entity.PartitionKey.EndsWith("|erasure", StringComparison.Ordinal));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => app.Erasure.EraseAsync(id, [Email(1), Email(2)], Dpo));
        Assert.Single(await ErasuresAsync(app, id));
        CloseStore(crashing.Inner);

        // Restarted: the next erasure request completes the unfinished one first, then does its own.
        var restarted = await StartAsync();
        var next = await restarted.Erasure.EraseAsync(id, [Email(3)], Dpo);
        Assert.Equal(1, next.Erased);
        Assert.Equal(["2", "1"], (await ErasuresAsync(restarted, id)).Select(e => e.Changes.Single().NewValue));
        Assert.Equal(3, (await restarted.Recipients.CountAsync(id)).TotalErased);
        Assert.Null(await restarted.Recipients.FindErasureAsync(id));
    }

    [Fact]
    public async Task Retention_erases_incidents_closed_at_least_RetainFor_ago_and_no_others()
    {
        var app = await StartAsync(retainFor: TimeSpan.FromDays(30));
        var (due, notYet, open) = (await IncidentAsync(app), await IncidentAsync(app), await IncidentAsync(app));
        foreach (var id in new[] { due, notYet, open }) await ImportAsync(app, id, 5);
        await app.Incidents.CloseAsync(due, "Handled", null, Dpo);
        Clock.Advance(TimeSpan.FromTicks(1));
        await app.Incidents.CloseAsync(notYet, "Handled", null, Dpo);
        Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromTicks(1)); // exactly 30 days after the first close

        var run = await app.Retention.RunAsync();

        Assert.Equal((3, 1, 5L, 0), (run.Holders, run.Erased, run.Recipients, run.Resumed));
        Assert.All(await RowsAsync(app, due), AssertNothingPersonal);
        Assert.All(await RowsAsync(app, notYet), r => Assert.NotNull(r.GetString("Email")));
        Assert.All(await RowsAsync(app, open), r => Assert.NotNull(r.GetString("Email")));
        var entry = Assert.Single(await ErasuresAsync(app, due));
        Assert.Equal("system", entry.Actor);
        Assert.Contains("retention", entry.Details);
        Assert.Equal(new[] { notYet, open }.Order(StringComparer.Ordinal), (await app.Recipients.ListHoldersAsync()).Order(StringComparer.Ordinal));

        Clock.Advance(TimeSpan.FromTicks(1)); // now the second is due too; the first is not erased again
        var next = await app.Retention.RunAsync();
        Assert.Equal((2, 1, 5L), (next.Holders, next.Erased, next.Recipients));
        Assert.Single(await ErasuresAsync(app, due));
        Assert.Equal([open], await app.Recipients.ListHoldersAsync());
    }

    [Fact]
    public async Task Retention_finds_recipients_stored_before_the_holders_index_existed()
    {
        var app = await StartAsync(retainFor: TimeSpan.Zero);
        var id = await IncidentAsync(app);
        await ImportAsync(app, id, 5);
        await app.Incidents.CloseAsync(id, null, null, Dpo);
        // As stored by a version without the index: no holder row, no marker.
        await app.Recipients.RemoveHolderAsync(id);
        Assert.Empty(await app.Recipients.ListHoldersAsync());

        var run = await app.Retention.RunAsync();
        Assert.Equal((1, 1, 5L), (run.Holders, run.Erased, run.Recipients));
        Assert.All(await RowsAsync(app, id), AssertNothingPersonal);
    }

    /// <summary>A store that "crashes" (throws before writing anything) when <see cref="CrashBefore"/> says so.</summary>
    protected sealed class CrashingStore(ITableStore inner) : ITableStore
    {
        public ITableStore Inner { get; } = inner;

        public Func<string, IReadOnlyList<TableOperation>, bool>? CrashBefore { get; set; }

        private void Check(string table, IReadOnlyList<TableOperation> ops)
        {
            if (CrashBefore?.Invoke(table, ops) == true) throw new SimulatedCrashException();
        }

        public Task<IReadOnlyList<string?>> SubmitTransactionAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
        {
            Check(table, operations);
            return Inner.SubmitTransactionAsync(table, operations, cancellationToken);
        }

        public Task<IReadOnlyList<TransactionResult>> SubmitTransactionsAsync(string table, IReadOnlyList<IReadOnlyList<TableOperation>> transactions, CancellationToken cancellationToken = default)
        {
            Check(table, transactions.SelectMany(t => t).ToList());
            return Inner.SubmitTransactionsAsync(table, transactions, cancellationToken);
        }

        public Task<string> AddAsync(string table, Application.Storage.TableEntity entity, CancellationToken cancellationToken = default)
        {
            Check(table, [TableOperation.Add(entity)]);
            return Inner.AddAsync(table, entity, cancellationToken);
        }

        public Task<string> UpsertAsync(string table, Application.Storage.TableEntity entity, CancellationToken cancellationToken = default)
        {
            Check(table, [TableOperation.Upsert(entity)]);
            return Inner.UpsertAsync(table, entity, cancellationToken);
        }

        public Task<string> UpdateAsync(string table, Application.Storage.TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
        {
            Check(table, [TableOperation.Update(entity, ifMatch)]);
            return Inner.UpdateAsync(table, entity, ifMatch, cancellationToken);
        }

        public Task<string> MergeAsync(string table, Application.Storage.TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
        {
            Check(table, [TableOperation.Merge(entity, ifMatch)]);
            return Inner.MergeAsync(table, entity, ifMatch, cancellationToken);
        }

        public Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default)
        {
            Check(table, [TableOperation.Delete(new Application.Storage.TableEntity(partitionKey, rowKey), ifMatch)]);
            return Inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken);
        }

        public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) => Inner.CreateTableIfNotExistsAsync(table, cancellationToken);
        public Task<Application.Storage.TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => Inner.GetAsync(table, partitionKey, rowKey, cancellationToken);
        public Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default) => Inner.QueryAsync(table, query, cancellationToken);
    }

    protected sealed class SimulatedCrashException : Exception
    {
        public SimulatedCrashException() : base("Simulated crash: the process died here.") { }
    }
}
