using System.Text;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Common;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>A recipient's personal data: what erasure removes. Never log it.</summary>
public sealed record RecipientContact(string Email, string? Name, string? Country, string? ExternalId);

/// <summary>
/// A stored recipient: its key (SHA-256 hex of the address), kind, language and when it was added, which are kept for
/// good (proof of who was notified), and its <see cref="Contact"/>, which erasure removes (<see cref="ErasedAt"/>).
/// </summary>
/// <param name="Controller">The controller-customer the recipient belongs to (we as processor), if the upload said:
/// a customer's name, not the recipient's personal data, so it is kept after erasure like the kind.</param>
public sealed record StoredRecipient(string Key, RecipientKind Kind, NoticeLanguage Language, DateTimeOffset AddedAt, RecipientContact? Contact, DateTimeOffset? ErasedAt, string? Controller = null)
{
    /// <summary>Set by the repository on read; opaque.</summary>
    public string? ETag { get; init; }

    public bool IsErased => ErasedAt is not null;
}

/// <summary>
/// What is kept of every recipient whatever happens to their personal data: key, kind, language, controller, when added
/// (and erased). <paramref name="Country"/> is read with it for choosing the notice's wording (Dutch in Belgium) and is
/// gone once the recipient is erased.
/// </summary>
public sealed record RecipientSummary(string Key, RecipientKind Kind, NoticeLanguage Language, DateTimeOffset AddedAt, DateTimeOffset? ErasedAt, string? Controller = null, string? Country = null)
{
    /// <summary>Set by the repository on read; opaque.</summary>
    public string? ETag { get; init; }
}

/// <summary>
/// An erasure in progress: written before the first row is erased and removed after the timeline entry, so a restart
/// resumes it (the next request or the retention timer) and the count stays exact (erased counters now minus
/// <see cref="ErasedBefore"/>). <see cref="Keys"/>: the 32-byte keys of the addresses asked for (never the addresses),
/// or null for every recipient.
/// </summary>
public sealed record ErasureJournal(string ErasureId, string IncidentId, byte[]? Keys, long ErasedBefore, DateTimeOffset StartedAt, string By, string ByRole, string Reason)
{
    /// <summary>The rows are done and someone is recording the timeline entry.</summary>
    public bool Completing { get; init; }

    /// <summary>Set by the repository on read and write; opaque.</summary>
    public string? ETag { get; init; }
}

/// <summary>A validated recipient on its way into the store (kept small: an import holds a chunk of them).</summary>
public sealed record NewRecipient(RecipientHash Hash, Recipient Recipient, DateTimeOffset AddedAt)
{
    public string Key => Hash.ToKey();
}

/// <summary>
/// Counts of an incident's recipients by kind and language, and of those whose personal data was erased (kept exact, in
/// the same transactions as the rows). Erased recipients are still counted: they were recipients.
/// </summary>
public sealed class RecipientCounts
{
    private readonly long[,] _counts = new long[NoticeVocabulary.RecipientKindValues.Count, NoticeVocabulary.Languages.Count];
    private readonly long[,] _erased = new long[NoticeVocabulary.RecipientKindValues.Count, NoticeVocabulary.Languages.Count];
    private readonly Dictionary<(RecipientKind, NoticeLanguage, string), long> _regional = [];

    internal void Add(RecipientKind kind, NoticeLanguage language, long n, long erased)
    {
        _counts[(int)kind, (int)language] += n;
        _erased[(int)kind, (int)language] += erased;
    }

    internal void AddRegional(RecipientKind kind, NoticeLanguage language, string country, long n)
        => _regional[(kind, language, country)] = _regional.GetValueOrDefault((kind, language, country)) + n;

    /// <summary>Recipients of a language who read a regional variant of it (<see cref="NoticeVocabulary.VariantCountry"/>), counted since the counter exists.</summary>
    public long Regional(RecipientKind kind, NoticeLanguage language, string country) => _regional.GetValueOrDefault((kind, language, country));

    public long Total => NoticeVocabulary.RecipientKindValues.Sum(Of);

    public long Of(RecipientKind kind) => NoticeVocabulary.Languages.Sum(l => Of(kind, l));

    public long Of(RecipientKind kind, NoticeLanguage language) => _counts[(int)kind, (int)language];

    public long TotalErased => NoticeVocabulary.RecipientKindValues.Sum(ErasedOf);

    public long ErasedOf(RecipientKind kind) => NoticeVocabulary.Languages.Sum(l => _erased[(int)kind, (int)l]);

    public IReadOnlyDictionary<string, long> ByKind => NoticeVocabulary.RecipientKindValues.ToDictionary(k => k.ToWire(), Of);

    public IReadOnlyDictionary<string, long> ByLanguage => NoticeVocabulary.Languages.ToDictionary(l => l.ToWire(), l => NoticeVocabulary.RecipientKindValues.Sum(k => Of(k, l)));

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByKindAndLanguage
        => NoticeVocabulary.RecipientKindValues.ToDictionary(k => k.ToWire(), k => (IReadOnlyDictionary<string, long>)NoticeVocabulary.Languages.ToDictionary(l => l.ToWire(), l => Of(k, l)));

    public IReadOnlyDictionary<string, long> ErasedByKind => NoticeVocabulary.RecipientKindValues.ToDictionary(k => k.ToWire(), ErasedOf);
}

public sealed record RecipientPage(IReadOnlyList<StoredRecipient> Items, string? ContinuationToken);

/// <summary>
/// The <c>Recipients</c> table (layout in <see cref="RecipientKeys"/>): recipient rows and each partition's counters.
/// Callers get typed records, never rows.
/// </summary>
public sealed class RecipientRepository(ITableStore store)
{
    /// <summary>Rows per import transaction: with the partition's counters row, Table storage's 100 operations.</summary>
    public const int RowsPerTransaction = 99;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableIfNotExistsAsync(RecipientKeys.Table, cancellationToken);

    public async Task<StoredRecipient?> FindAsync(string incidentId, string key, CancellationToken cancellationToken = default)
    {
        var e = await store.GetAsync(RecipientKeys.Table, RecipientKeys.Partition(incidentId, RecipientKeys.ShardOfRowKey(key)), key, cancellationToken);
        return e is null ? null : FromEntity(e);
    }

    /// <summary>A recipient's summary with its ETag (what an erasure reads), or null.</summary>
    public async Task<RecipientSummary?> FindSummaryAsync(string incidentId, string key, CancellationToken cancellationToken = default)
    {
        var e = await store.GetAsync(RecipientKeys.Table, RecipientKeys.Partition(incidentId, RecipientKeys.ShardOfRowKey(key)), key, cancellationToken);
        return e is null ? null : SummaryFromEntity(e);
    }

    public async Task<RecipientCounts> CountAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var stats = await Task.WhenAll(Enumerable.Range(0, RecipientKeys.Shards)
            .Select(s => store.GetAsync(RecipientKeys.Table, RecipientKeys.Partition(incidentId, s), RecipientKeys.StatsRow, cancellationToken)));
        var result = new RecipientCounts();
        foreach (var kind in NoticeVocabulary.RecipientKindValues)
        {
            foreach (var language in NoticeVocabulary.Languages)
            {
                result.Add(kind, language, stats.Sum(e => e?.GetInt64(CounterName(kind, language)) ?? 0), stats.Sum(e => e?.GetInt64(ErasedCounterName(kind, language)) ?? 0));
                foreach (var country in NoticeVocabulary.VariantCountries)
                    result.AddRegional(kind, language, country, stats.Sum(e => e?.GetInt64(RegionalCounterName(kind, language, country)) ?? 0));
            }
        }
        return result;
    }

    /// <summary>
    /// Every recipient's key, kind, language, time added and erased (no personal data), partition by partition in key
    /// order (deterministic): what job creation and erasure need, read without decoding the rest of each row.
    /// </summary>
    public async IAsyncEnumerable<RecipientSummary> ReadSummariesAsync(string incidentId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var shard = 0; shard < RecipientKeys.Shards; shard++)
            await foreach (var r in ReadSummariesAsync(incidentId, shard, cancellationToken)) yield return r;
    }

    /// <summary>The summaries of one partition, in key order.</summary>
    public async IAsyncEnumerable<RecipientSummary> ReadSummariesAsync(string incidentId, int shard, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new TableQuery(RecipientKeys.Partition(incidentId, shard), RecipientKeys.FirstRowKey, RecipientKeys.EndRowKey, Select: SummaryProperties);
        await foreach (var e in store.QueryAllAsync(RecipientKeys.Table, query, cancellationToken))
            yield return SummaryFromEntity(e);
    }

    private static readonly IReadOnlySet<string> SummaryProperties = new HashSet<string>(["Kind", "Language", "AddedAt", "ErasedAt", "Controller", "Country"], StringComparer.Ordinal);

    private static RecipientSummary SummaryFromEntity(TableEntity e) => new(
        e.RowKey,
        NoticeVocabulary.Stored<RecipientKind>(e.GetString("Kind"), NoticeVocabulary.TryParseRecipientKind, "recipient kind"),
        NoticeVocabulary.Stored<NoticeLanguage>(e.GetString("Language"), NoticeVocabulary.TryParseLanguage, "language"),
        e.GetDateTimeOffset("AddedAt")!.Value,
        e.GetDateTimeOffset("ErasedAt"), e.GetString("Controller"), e.GetString("Country")) { ETag = e.ETag };

    /// <summary>One page of rows across the partitions; the continuation token is opaque to callers.</summary>
    public async Task<RecipientPage> PageAsync(string incidentId, PageRequest page, CancellationToken cancellationToken = default)
    {
        var (shard, token) = DecodeToken(page.Continuation);
        var items = new List<StoredRecipient>(page.Size);
        while (shard < RecipientKeys.Shards && items.Count < page.Size)
        {
            var query = new TableQuery(RecipientKeys.Partition(incidentId, shard), RecipientKeys.FirstRowKey, RecipientKeys.EndRowKey, page.Size - items.Count, token);
            var result = await store.QueryAsync(RecipientKeys.Table, query, cancellationToken);
            items.AddRange(result.Items.Select(FromEntity));
            token = result.ContinuationToken;
            if (token is null) shard++;
        }
        return new RecipientPage(items, shard < RecipientKeys.Shards ? EncodeToken(shard, token) : null);
    }

    /// <summary>
    /// The recipients with the given keys (a job's list), several partitions at a time; a key with no row is left out.
    /// Each partition's keys are one <see cref="ITableStore.GetManyAsync"/>: Table storage reads the narrow key range that
    /// keys bucketed in key order usually span (bounded, then point reads), SQLite looks up just those keys.
    /// </summary>
    public async Task<IReadOnlyList<StoredRecipient>> ReadManyAsync(string incidentId, IEnumerable<string> keys, int parallelism, CancellationToken cancellationToken = default)
    {
        var byShard = new Dictionary<int, List<string>>();
        foreach (var key in keys)
        {
            var shard = RecipientKeys.ShardOfRowKey(key);
            if (!byShard.TryGetValue(shard, out var list)) byShard[shard] = list = [];
            list.Add(key);
        }
        var found = new System.Collections.Concurrent.ConcurrentBag<StoredRecipient>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(byShard, options, async (pair, ct) =>
        {
            foreach (var e in await store.GetManyAsync(RecipientKeys.Table, RecipientKeys.Partition(incidentId, pair.Key), pair.Value, parallelism, ct))
                found.Add(FromEntity(e));
        });
        return found.ToList();
    }

    /// <summary>Records that the incident holds recipients' personal data (idempotent), for the retention timer.</summary>
    public Task MarkHolderAsync(string incidentId, CancellationToken cancellationToken = default)
        => store.UpsertAsync(RecipientKeys.Table, new TableEntity(RecipientKeys.HoldersPartition, incidentId), cancellationToken);

    /// <summary>The incidents that may hold recipients' personal data (never a scan of the recipients).</summary>
    public async Task<IReadOnlyList<string>> ListHoldersAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<string>();
        var query = new TableQuery(RecipientKeys.HoldersPartition, RowKeyTo: RecipientKeys.HoldersMarkerPrefix);
        await foreach (var e in store.QueryAllAsync(RecipientKeys.Table, query, cancellationToken)) list.Add(e.RowKey);
        return list;
    }

    public Task RemoveHolderAsync(string incidentId, CancellationToken cancellationToken = default)
        => store.DeleteAsync(RecipientKeys.Table, RecipientKeys.HoldersPartition, incidentId, null, cancellationToken);

    /// <summary>Whether a one-off marker (e.g. that the holders index was filled for data stored before it existed) is set.</summary>
    public async Task<bool> HasMarkerAsync(string name, CancellationToken cancellationToken = default)
        => await store.GetAsync(RecipientKeys.Table, RecipientKeys.HoldersPartition, RecipientKeys.HoldersMarkerPrefix + name, cancellationToken) is not null;

    public Task SetMarkerAsync(string name, CancellationToken cancellationToken = default)
        => store.UpsertAsync(RecipientKeys.Table, new TableEntity(RecipientKeys.HoldersPartition, RecipientKeys.HoldersMarkerPrefix + name), cancellationToken);

    /// <summary>The erasure in progress for the incident (at most one), or null.</summary>
    public async Task<ErasureJournal?> FindErasureAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var e = await store.GetAsync(RecipientKeys.Table, RecipientKeys.ErasurePartition(incidentId), RecipientKeys.ErasureRow, cancellationToken);
        return e is null ? null : new ErasureJournal(
            e.GetString("ErasureId")!, incidentId, e.GetBinary("Keys"), e.GetInt64("ErasedBefore") ?? 0,
            e.GetDateTimeOffset("StartedAt")!.Value, e.GetString("By")!, e.GetString("ByRole")!, e.GetString("Reason")!)
        {
            Completing = e.GetBoolean("Completing") ?? false,
            ETag = e.ETag,
        };
    }

    /// <summary>Starts an erasure; false when another one is in progress for the incident (nothing written).</summary>
    public async Task<bool> StartErasureAsync(ErasureJournal journal, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.AddAsync(RecipientKeys.Table, ToEntity(journal), cancellationToken);
            return true;
        }
        catch (EntityAlreadyExistsException)
        {
            return false;
        }
    }

    /// <summary>Claims the completion of an erasure (ETag-conditional); null when someone else changed it first.</summary>
    public async Task<ErasureJournal?> ClaimErasureCompletionAsync(ErasureJournal journal, CancellationToken cancellationToken = default)
    {
        try
        {
            var claimed = journal with { Completing = true };
            var etag = await store.UpdateAsync(RecipientKeys.Table, ToEntity(claimed), journal.ETag!, cancellationToken);
            return claimed with { ETag = etag };
        }
        catch (Exception ex) when (ex is ConcurrencyConflictException or EntityNotFoundException)
        {
            return null;
        }
    }

    public Task FinishErasureAsync(ErasureJournal journal, CancellationToken cancellationToken = default)
        => store.DeleteAsync(RecipientKeys.Table, RecipientKeys.ErasurePartition(journal.IncidentId), RecipientKeys.ErasureRow, null, cancellationToken);

    private static TableEntity ToEntity(ErasureJournal j)
    {
        var e = new TableEntity(RecipientKeys.ErasurePartition(j.IncidentId), RecipientKeys.ErasureRow)
        {
            ["ErasureId"] = j.ErasureId, ["ErasedBefore"] = j.ErasedBefore, ["StartedAt"] = j.StartedAt,
            ["By"] = j.By, ["ByRole"] = j.ByRole, ["Reason"] = j.Reason, ["Completing"] = j.Completing,
        };
        if (j.Keys is not null) e["Keys"] = j.Keys;
        return e;
    }

    /// <summary>A writer for an import or an erasure: keeps each partition's counters row between batches.</summary>
    public RecipientWriter OpenWriter(string incidentId) => new(store, incidentId);

    /// <summary>What one import batch did.</summary>
    /// <param name="Erased">Already stored with their personal data erased: not stored again (an erased address stays erased).</param>
    public readonly record struct AddOutcome(int Added, int Duplicates, int Erased);

    /// <summary>
    /// Writes batches to the recipients of one incident, each batch in one partition with that partition's counters in the
    /// same transaction (so the counts are exact and crash-safe): new recipients (insert-if-absent) or erasures (each row
    /// replaced by what is kept, conditional on the row read). Batches of different partitions go to the store together
    /// (<see cref="ITableStore.SubmitTransactionsAsync"/>: one commit in SQLite, side by side in Table storage). One group
    /// at a time per writer; a group holds at most one batch per partition.
    /// </summary>
    public sealed class RecipientWriter
    {
        private const int MaxAttempts = 20;
        private readonly ITableStore _store;
        private readonly string[] _partitions;
        private readonly TableEntity?[] _stats = new TableEntity?[RecipientKeys.Shards];

        internal RecipientWriter(ITableStore store, string incidentId)
        {
            _store = store;
            _partitions = Enumerable.Range(0, RecipientKeys.Shards).Select(s => RecipientKeys.Partition(incidentId, s)).ToArray();
        }

        /// <summary>Adds each batch (up to <see cref="RowsPerTransaction"/> recipients of one partition, given as its shard).</summary>
        public Task<IReadOnlyList<AddOutcome>> AddAsync(IReadOnlyList<(int Shard, IReadOnlyList<NewRecipient> Batch)> group, CancellationToken cancellationToken)
            => WriteAsync(group, AddTransaction, (shard, batch) => new AddOutcome(batch.Count, 0, 0), RetryAddAsync, cancellationToken);

        /// <summary>
        /// Erases each batch (up to <see cref="RowsPerTransaction"/> recipients of one partition, as read with their ETags);
        /// returns per batch how many were erased by it (a row erased meanwhile by someone else is not counted).
        /// </summary>
        public Task<IReadOnlyList<int>> EraseAsync(IReadOnlyList<(int Shard, IReadOnlyList<RecipientSummary> Batch)> group, DateTimeOffset erasedAt, CancellationToken cancellationToken)
            => WriteAsync(group, (shard, batch) => EraseTransaction(shard, batch, erasedAt), (_, batch) => batch.Count,
                (shard, batch, failure, ct) => RetryEraseAsync(shard, batch, erasedAt, failure, ct), cancellationToken);

        private async Task<IReadOnlyList<TResult>> WriteAsync<TRow, TResult>(
            IReadOnlyList<(int Shard, IReadOnlyList<TRow> Batch)> group,
            Func<int, IReadOnlyList<TRow>, (IReadOnlyList<TableOperation> Operations, TableEntity Stats)> transaction,
            Func<int, IReadOnlyList<TRow>, TResult> succeeded,
            Func<int, IReadOnlyList<TRow>, TableTransactionFailedException, CancellationToken, Task<TResult>> retry,
            CancellationToken cancellationToken)
        {
            if (group.Select(g => g.Shard).Distinct().Count() != group.Count) throw new ArgumentException("At most one batch per partition.", nameof(group));
            foreach (var (shard, _) in group)
                _stats[shard] ??= await LoadStatsAsync(shard, cancellationToken);
            var transactions = group.Select(g => transaction(g.Shard, g.Batch)).ToList();
            var results = await _store.SubmitTransactionsAsync(RecipientKeys.Table, transactions.Select(t => t.Operations).ToList(), cancellationToken);
            var outcome = new TResult[group.Count];
            for (var i = 0; i < group.Count; i++)
            {
                var (shard, batch) = group[i];
                if (results[i].Succeeded)
                {
                    transactions[i].Stats.ETag = results[i].ETags![^1];
                    _stats[shard] = transactions[i].Stats;
                    outcome[i] = succeeded(shard, batch);
                }
                else
                {
                    outcome[i] = await retry(shard, batch, results[i].Failure!, cancellationToken); // rare: someone else got there first
                }
            }
            return outcome;
        }

        private async Task<TableEntity> LoadStatsAsync(int shard, CancellationToken cancellationToken)
            => await _store.GetAsync(RecipientKeys.Table, _partitions[shard], RecipientKeys.StatsRow, cancellationToken)
                ?? new TableEntity(_partitions[shard], RecipientKeys.StatsRow);

        /// <summary>The batch's operations and the partition's counters moved on by them (insert or ETag-conditional update).</summary>
        private (IReadOnlyList<TableOperation> Operations, TableEntity Stats) Transaction<TRow>(int shard, IReadOnlyList<TRow> batch, Func<TRow, string> counter, Func<TRow, TableOperation> operation, Func<TRow, string?>? extraCounter = null)
        {
            if (batch.Count is 0 or > RowsPerTransaction) throw new ArgumentException($"1 to {RowsPerTransaction} rows per batch.", nameof(batch));
            var current = _stats[shard]!;
            var stats = current.Clone();
            var ops = new List<TableOperation>(batch.Count + 1);
            foreach (var r in batch)
            {
                foreach (var name in new[] { counter(r), extraCounter?.Invoke(r) })
                {
                    if (name is not null) stats[name] = (stats.GetInt64(name) ?? 0) + 1;
                }
                ops.Add(operation(r));
            }
            ops.Add(current.ETag is null ? TableOperation.Add(stats) : TableOperation.Update(stats, current.ETag));
            return (ops, stats);
        }

        private (IReadOnlyList<TableOperation>, TableEntity) AddTransaction(int shard, IReadOnlyList<NewRecipient> batch)
            => Transaction(shard, batch, r => CounterName(r.Recipient.Kind, r.Recipient.Language), r => TableOperation.Add(ToEntity(_partitions[shard], r)),
                r => NoticeVocabulary.VariantCountry(r.Recipient.Language, r.Recipient.Country) is { } country ? RegionalCounterName(r.Recipient.Kind, r.Recipient.Language, country) : null);

        private (IReadOnlyList<TableOperation>, TableEntity) EraseTransaction(int shard, IReadOnlyList<RecipientSummary> batch, DateTimeOffset erasedAt)
            => Transaction(shard, batch, r => ErasedCounterName(r.Kind, r.Language),
                r => TableOperation.Update(ErasedEntity(_partitions[shard], r, erasedAt), r.ETag ?? throw new ArgumentException("Erase rows as read, with their ETags.", nameof(batch))));

        /// <summary>Writes a failed batch again on its own: counters moved by someone else are reloaded, and rows that are
        /// not as expected any more are read again and <paramref name="remaining"/> decides which of them are still to do.</summary>
        private async Task<(IReadOnlyList<TRow> Done, TableEntity[] Existing)> RetryAsync<TRow>(
            int shard, IReadOnlyList<TRow> batch, TableTransactionFailedException failure, Func<TRow, string> key,
            Func<int, IReadOnlyList<TRow>, (IReadOnlyList<TableOperation> Operations, TableEntity Stats)> transaction,
            Func<IReadOnlyList<TRow>, TableEntity?[], IReadOnlyList<TRow>> remaining, Func<Exception?, bool> rowConflict, CancellationToken cancellationToken)
        {
            var pending = batch;
            var seen = new List<TableEntity>();
            for (var attempt = 1; ; attempt++)
            {
                if (failure.FailedOperationIndex == pending.Count)
                {
                    _stats[shard] = await LoadStatsAsync(shard, cancellationToken); // someone else moved the counters
                }
                else
                {
                    if (!rowConflict(failure.InnerException) || attempt >= MaxAttempts) throw failure;
                    var current = await Task.WhenAll(pending.Select(p => _store.GetAsync(RecipientKeys.Table, _partitions[shard], key(p), cancellationToken)));
                    seen.AddRange(current.Where(e => e is not null)!);
                    pending = remaining(pending, current);
                    if (pending.Count == 0) return ([], seen.ToArray());
                }
                var (ops, stats) = transaction(shard, pending);
                try
                {
                    var etags = await _store.SubmitTransactionAsync(RecipientKeys.Table, ops, cancellationToken);
                    stats.ETag = etags[^1];
                    _stats[shard] = stats;
                    return (pending, seen.ToArray());
                }
                catch (TableTransactionFailedException ex) when (attempt < MaxAttempts)
                {
                    failure = ex;
                }
            }
        }

        /// <summary>Some addresses are stored already (an earlier upload): only those that are not are added.</summary>
        private async Task<AddOutcome> RetryAddAsync(int shard, IReadOnlyList<NewRecipient> batch, TableTransactionFailedException failure, CancellationToken cancellationToken)
        {
            var (done, existing) = await RetryAsync(shard, batch, failure, r => r.Key, AddTransaction,
                (pending, current) => pending.Where((_, i) => current[i] is null).ToList(),
                ex => ex is EntityAlreadyExistsException, cancellationToken);
            var erased = existing.Count(e => e.GetDateTimeOffset("ErasedAt") is not null);
            return new AddOutcome(done.Count, batch.Count - done.Count - erased, erased);
        }

        /// <summary>Rows changed meanwhile (erased by someone else, or gone) are read again; those still holding data are erased.</summary>
        private async Task<int> RetryEraseAsync(int shard, IReadOnlyList<RecipientSummary> batch, DateTimeOffset erasedAt, TableTransactionFailedException failure, CancellationToken cancellationToken)
        {
            var (done, _) = await RetryAsync(shard, batch, failure, r => r.Key, (s, b) => EraseTransaction(s, b, erasedAt),
                (pending, current) => current.Where(e => e is not null && e.GetDateTimeOffset("ErasedAt") is null).Select(e => SummaryFromEntity(e!)).ToList(),
                ex => ex is ConcurrencyConflictException or EntityNotFoundException, cancellationToken);
            return done.Count;
        }
    }

    private static string CounterName(RecipientKind kind, NoticeLanguage language)
        => (kind == RecipientKind.Controller ? "Controller_" : "DataSubject_") + language.ToWire();

    private static string ErasedCounterName(RecipientKind kind, NoticeLanguage language) => "Erased_" + CounterName(kind, language);

    private static string RegionalCounterName(RecipientKind kind, NoticeLanguage language, string country) => CounterName(kind, language) + "_" + country;

    private static TableEntity ToEntity(string partitionKey, NewRecipient n)
    {
        var r = n.Recipient;
        var e = new TableEntity(partitionKey, n.Key)
        {
            ["Email"] = r.Email,
            ["Language"] = r.Language.ToWire(),
            ["Kind"] = r.Kind.ToWire(),
            ["AddedAt"] = n.AddedAt,
        };
        if (r.Name is not null) e["Name"] = r.Name;
        if (r.Country is not null) e["Country"] = r.Country;
        if (r.ExternalId is not null) e["ExternalId"] = r.ExternalId;
        if (r.Controller is not null) e["Controller"] = r.Controller;
        return e;
    }

    private static StoredRecipient FromEntity(TableEntity e) => new(
        e.RowKey,
        NoticeVocabulary.Stored<RecipientKind>(e.GetString("Kind"), NoticeVocabulary.TryParseRecipientKind, "recipient kind"),
        NoticeVocabulary.Stored<NoticeLanguage>(e.GetString("Language"), NoticeVocabulary.TryParseLanguage, "language"),
        e.GetDateTimeOffset("AddedAt")!.Value,
        e.GetString("Email") is { } email ? new RecipientContact(email, e.GetString("Name"), e.GetString("Country"), e.GetString("ExternalId")) : null,
        e.GetDateTimeOffset("ErasedAt"), e.GetString("Controller")) { ETag = e.ETag };

    /// <summary>The row of an erased recipient: what is kept, nothing else (a replace, so no personal property survives).</summary>
    private static TableEntity ErasedEntity(string partitionKey, RecipientSummary r, DateTimeOffset erasedAt)
    {
        var e = new TableEntity(partitionKey, r.Key)
        {
            ["Language"] = r.Language.ToWire(),
            ["Kind"] = r.Kind.ToWire(),
            ["AddedAt"] = r.AddedAt,
            ["ErasedAt"] = erasedAt,
        };
        if (r.Controller is not null) e["Controller"] = r.Controller;
        return e;
    }

    private sealed record PageToken(int S, string? T);

    private static string EncodeToken(int shard, string? token)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new PageToken(shard, token)))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (int Shard, string? Token) DecodeToken(string? continuation)
    {
        if (string.IsNullOrEmpty(continuation)) return (0, null);
        try
        {
            var b64 = continuation.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var t = JsonSerializer.Deserialize<PageToken>(Convert.FromBase64String(b64));
            if (t is null || t.S is < 0 or >= RecipientKeys.Shards) throw new FormatException();
            return (t.S, t.T);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new DomainValidationException("continuation", "Not a continuation token from this API.");
        }
    }
}
