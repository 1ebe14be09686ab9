using System.Text;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Common;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>A stored recipient with its key (SHA-256 hex of the address). Personal data: never log <see cref="Recipient"/>.</summary>
public sealed record StoredRecipient(string Key, Recipient Recipient, DateTimeOffset AddedAt);

/// <summary>What is kept of every recipient whatever happens to their personal data: key, kind, language, when added.</summary>
public sealed record RecipientSummary(string Key, RecipientKind Kind, NoticeLanguage Language, DateTimeOffset AddedAt);

/// <summary>A validated recipient on its way into the store (kept small: an import holds a chunk of them).</summary>
public sealed record NewRecipient(RecipientHash Hash, Recipient Recipient, DateTimeOffset AddedAt)
{
    public string Key => Hash.ToKey();
}

/// <summary>Counts of an incident's recipients by kind and language (kept exact, in the same transactions as the rows).</summary>
public sealed class RecipientCounts
{
    private readonly long[,] _counts = new long[NoticeVocabulary.RecipientKindValues.Count, NoticeVocabulary.Languages.Count];

    internal void Add(RecipientKind kind, NoticeLanguage language, long n) => _counts[(int)kind, (int)language] += n;

    public long Total => NoticeVocabulary.RecipientKindValues.Sum(Of);

    public long Of(RecipientKind kind) => NoticeVocabulary.Languages.Sum(l => Of(kind, l));

    public long Of(RecipientKind kind, NoticeLanguage language) => _counts[(int)kind, (int)language];

    public IReadOnlyDictionary<string, long> ByKind => NoticeVocabulary.RecipientKindValues.ToDictionary(k => k.ToWire(), Of);

    public IReadOnlyDictionary<string, long> ByLanguage => NoticeVocabulary.Languages.ToDictionary(l => l.ToWire(), l => NoticeVocabulary.RecipientKindValues.Sum(k => Of(k, l)));

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByKindAndLanguage
        => NoticeVocabulary.RecipientKindValues.ToDictionary(k => k.ToWire(), k => (IReadOnlyDictionary<string, long>)NoticeVocabulary.Languages.ToDictionary(l => l.ToWire(), l => Of(k, l)));
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

    public async Task<RecipientCounts> CountAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var stats = await Task.WhenAll(Enumerable.Range(0, RecipientKeys.Shards)
            .Select(s => store.GetAsync(RecipientKeys.Table, RecipientKeys.Partition(incidentId, s), RecipientKeys.StatsRow, cancellationToken)));
        var result = new RecipientCounts();
        foreach (var kind in NoticeVocabulary.RecipientKindValues)
            foreach (var language in NoticeVocabulary.Languages)
                result.Add(kind, language, stats.Sum(e => e?.GetInt64(CounterName(kind, language)) ?? 0));
        return result;
    }

    /// <summary>
    /// Every recipient's key, kind, language and time added (no personal data), partition by partition in key order
    /// (deterministic): what job creation needs, read without decoding the rest of each row.
    /// </summary>
    public async IAsyncEnumerable<RecipientSummary> ReadSummariesAsync(string incidentId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var shard = 0; shard < RecipientKeys.Shards; shard++)
        {
            var query = new TableQuery(RecipientKeys.Partition(incidentId, shard), RecipientKeys.FirstRowKey, RecipientKeys.EndRowKey, Select: SummaryProperties);
            await foreach (var e in store.QueryAllAsync(RecipientKeys.Table, query, cancellationToken))
                yield return SummaryFromEntity(e);
        }
    }

    private static readonly IReadOnlySet<string> SummaryProperties = new HashSet<string>(["Kind", "Language", "AddedAt"], StringComparer.Ordinal);

    private static RecipientSummary SummaryFromEntity(TableEntity e) => new(
        e.RowKey,
        NoticeVocabulary.Stored<RecipientKind>(e.GetString("Kind"), NoticeVocabulary.TryParseRecipientKind, "recipient kind"),
        NoticeVocabulary.Stored<NoticeLanguage>(e.GetString("Language"), NoticeVocabulary.TryParseLanguage, "language"),
        e.GetDateTimeOffset("AddedAt")!.Value);

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
    /// Keys bucketed in key order usually sit in a narrow range of each partition: one range query reads them (plus the
    /// rows of other languages in between). When the range turns out wide, reading stops after a bounded number of rows
    /// and the rest are point reads.
    /// </summary>
    public async Task<IReadOnlyList<StoredRecipient>> ReadManyAsync(string incidentId, IEnumerable<string> keys, int parallelism, CancellationToken cancellationToken = default)
    {
        var byShard = new Dictionary<int, SortedSet<string>>();
        foreach (var key in keys)
        {
            var shard = RecipientKeys.ShardOfRowKey(key);
            if (!byShard.TryGetValue(shard, out var set)) byShard[shard] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(key);
        }
        var found = new System.Collections.Concurrent.ConcurrentBag<StoredRecipient>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(byShard, options, async (pair, ct) =>
        {
            var partition = RecipientKeys.Partition(incidentId, pair.Key);
            var wanted = pair.Value;
            var missing = new HashSet<string>(wanted, StringComparer.Ordinal);
            var budget = (4L * wanted.Count) + 1000;
            long read = 0;
            await foreach (var e in store.QueryAllAsync(RecipientKeys.Table, new TableQuery(partition, wanted.Min, wanted.Max + "0"), ct))
            {
                if (missing.Remove(e.RowKey)) found.Add(FromEntity(e));
                if (missing.Count == 0 || ++read > budget) break;
            }
            await Parallel.ForEachAsync(missing, options, async (key, ct2) =>
            {
                if (await store.GetAsync(RecipientKeys.Table, partition, key, ct2) is { } e) found.Add(FromEntity(e));
            });
        });
        return found.ToList();
    }

    /// <summary>An import's writer: keeps each partition's counters row between batches.</summary>
    public RecipientWriter OpenWriter(string incidentId) => new(store, incidentId);

    /// <summary>
    /// Writes batches of new recipients, insert-if-absent, each batch in one partition with that partition's counters in
    /// the same transaction (so the counts are exact and crash-safe). Batches of different partitions go to the store
    /// together (<see cref="ITableStore.SubmitTransactionsAsync"/>: one commit in SQLite, side by side in Table storage).
    /// One group at a time per writer; a group holds at most one batch per partition.
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

        /// <summary>Adds each batch (up to <see cref="RowsPerTransaction"/> recipients of one partition, given as its shard);
        /// returns per batch how many were new and how many were stored already.</summary>
        public async Task<IReadOnlyList<(int Added, int Duplicates)>> AddAsync(IReadOnlyList<(int Shard, IReadOnlyList<NewRecipient> Batch)> group, CancellationToken cancellationToken)
        {
            if (group.Select(g => g.Shard).Distinct().Count() != group.Count) throw new ArgumentException("At most one batch per partition.", nameof(group));
            foreach (var (shard, _) in group)
                _stats[shard] ??= await LoadStatsAsync(shard, cancellationToken);
            var transactions = group.Select(g => Transaction(g.Shard, g.Batch)).ToList();
            var results = await _store.SubmitTransactionsAsync(RecipientKeys.Table, transactions.Select(t => t.Operations).ToList(), cancellationToken);
            var outcome = new (int, int)[group.Count];
            for (var i = 0; i < group.Count; i++)
            {
                var (shard, batch) = group[i];
                if (results[i].Succeeded)
                {
                    transactions[i].Stats.ETag = results[i].ETags![^1];
                    _stats[shard] = transactions[i].Stats;
                    outcome[i] = (batch.Count, 0);
                }
                else
                {
                    outcome[i] = await RetryAsync(shard, batch, results[i].Failure!, cancellationToken); // rare: another upload got there first
                }
            }
            return outcome;
        }

        private async Task<TableEntity> LoadStatsAsync(int shard, CancellationToken cancellationToken)
            => await _store.GetAsync(RecipientKeys.Table, _partitions[shard], RecipientKeys.StatsRow, cancellationToken)
                ?? new TableEntity(_partitions[shard], RecipientKeys.StatsRow);

        /// <summary>The batch's adds and the partition's counters moved on by them (insert or ETag-conditional update).</summary>
        private (IReadOnlyList<TableOperation> Operations, TableEntity Stats) Transaction(int shard, IReadOnlyList<NewRecipient> batch)
        {
            if (batch.Count is 0 or > RowsPerTransaction) throw new ArgumentException($"1 to {RowsPerTransaction} rows per batch.", nameof(batch));
            var current = _stats[shard]!;
            var stats = current.Clone();
            var ops = new List<TableOperation>(batch.Count + 1);
            foreach (var r in batch)
            {
                var name = CounterName(r.Recipient.Kind, r.Recipient.Language);
                stats[name] = (stats.GetInt64(name) ?? 0) + 1;
                ops.Add(TableOperation.Add(ToEntity(_partitions[shard], r)));
            }
            ops.Add(current.ETag is null ? TableOperation.Add(stats) : TableOperation.Update(stats, current.ETag));
            return (ops, stats);
        }

        private async Task<(int Added, int Duplicates)> RetryAsync(int shard, IReadOnlyList<NewRecipient> batch, TableTransactionFailedException failure, CancellationToken cancellationToken)
        {
            var pending = batch;
            var duplicates = 0;
            for (var attempt = 1; ; attempt++)
            {
                if (failure.FailedOperationIndex == pending.Count)
                {
                    _stats[shard] = await LoadStatsAsync(shard, cancellationToken); // another upload moved the counters
                }
                else
                {
                    if (failure.InnerException is not EntityAlreadyExistsException || attempt >= MaxAttempts) throw failure;
                    // Some addresses are stored already (an earlier upload): keep only those that are not.
                    var exists = await Task.WhenAll(pending.Select(p => _store.GetAsync(RecipientKeys.Table, _partitions[shard], p.Key, cancellationToken)));
                    var fresh = pending.Where((_, i) => exists[i] is null).ToList();
                    duplicates += pending.Count - fresh.Count;
                    if (fresh.Count == 0) return (0, duplicates);
                    pending = fresh;
                }
                var (ops, stats) = Transaction(shard, pending);
                try
                {
                    var etags = await _store.SubmitTransactionAsync(RecipientKeys.Table, ops, cancellationToken);
                    stats.ETag = etags[^1];
                    _stats[shard] = stats;
                    return (pending.Count, duplicates);
                }
                catch (TableTransactionFailedException ex) when (attempt < MaxAttempts)
                {
                    failure = ex;
                }
            }
        }
    }

    private static string CounterName(RecipientKind kind, NoticeLanguage language)
        => (kind == RecipientKind.Controller ? "Controller_" : "DataSubject_") + language.ToWire();

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
        return e;
    }

    private static StoredRecipient FromEntity(TableEntity e) => new(
        e.RowKey,
        new Recipient(e.GetString("Email")!, e.GetString("Name"),
            NoticeVocabulary.Stored<NoticeLanguage>(e.GetString("Language"), NoticeVocabulary.TryParseLanguage, "language"),
            e.GetString("Country"),
            NoticeVocabulary.Stored<RecipientKind>(e.GetString("Kind"), NoticeVocabulary.TryParseRecipientKind, "recipient kind"),
            e.GetString("ExternalId")),
        e.GetDateTimeOffset("AddedAt")!.Value);

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
