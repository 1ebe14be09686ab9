using System.Text;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Common;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>A stored recipient with its key (SHA-256 hex of the address). Personal data: never log <see cref="Recipient"/>.</summary>
public sealed record StoredRecipient(string Key, Recipient Recipient, DateTimeOffset AddedAt);

/// <summary>A validated recipient on its way into the store.</summary>
public sealed record NewRecipient(byte[] Hash, Recipient Recipient, DateTimeOffset AddedAt)
{
    public string Key { get; } = RecipientKeys.RowKey(Hash);
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

    /// <summary>Every recipient of the incident, partition by partition in key order (deterministic).</summary>
    public async IAsyncEnumerable<StoredRecipient> ReadAllAsync(string incidentId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var shard = 0; shard < RecipientKeys.Shards; shard++)
        {
            var query = new TableQuery(RecipientKeys.Partition(incidentId, shard), RecipientKeys.FirstRowKey, RecipientKeys.EndRowKey);
            await foreach (var e in store.QueryAllAsync(RecipientKeys.Table, query, cancellationToken))
                yield return FromEntity(e);
        }
    }

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

    /// <summary>An import's writer for one partition: keeps the partition's counters row between batches.</summary>
    public ShardWriter OpenShard(string incidentId, int shard) => new(this, RecipientKeys.Partition(incidentId, shard));

    /// <summary>
    /// Writes batches of new recipients to one partition, insert-if-absent, each with the partition's counters in the same
    /// transaction (so the counts are exact and crash-safe). One batch at a time per partition.
    /// </summary>
    public sealed class ShardWriter
    {
        private const int MaxAttempts = 20;
        private readonly RecipientRepository _repository;
        private TableEntity? _stats;

        internal ShardWriter(RecipientRepository repository, string partitionKey)
        {
            _repository = repository;
            PartitionKey = partitionKey;
        }

        public string PartitionKey { get; }

        /// <summary>Adds up to <see cref="RowsPerTransaction"/> recipients; returns how many were new and how many were stored already.</summary>
        public async Task<(int Added, int Duplicates)> AddAsync(IReadOnlyList<NewRecipient> batch, CancellationToken cancellationToken)
        {
            if (batch.Count > RowsPerTransaction) throw new ArgumentException($"At most {RowsPerTransaction} rows per batch.", nameof(batch));
            var store = _repository.Store;
            var pending = batch;
            var duplicates = 0;
            for (var attempt = 1; ; attempt++)
            {
                _stats ??= await store.GetAsync(RecipientKeys.Table, PartitionKey, RecipientKeys.StatsRow, cancellationToken)
                    ?? new TableEntity(PartitionKey, RecipientKeys.StatsRow);
                var stats = _stats.Clone();
                foreach (var r in pending)
                {
                    var name = CounterName(r.Recipient.Kind, r.Recipient.Language);
                    stats[name] = (stats.GetInt64(name) ?? 0) + 1;
                }
                var ops = pending.Select(p => TableOperation.Add(ToEntity(PartitionKey, p))).ToList();
                ops.Add(_stats.ETag is null ? TableOperation.Add(stats) : TableOperation.Update(stats, _stats.ETag));
                try
                {
                    var etags = await store.SubmitTransactionAsync(RecipientKeys.Table, ops, cancellationToken);
                    stats.ETag = etags[^1];
                    _stats = stats;
                    return (pending.Count, duplicates);
                }
                catch (TableTransactionFailedException ex) when (attempt < MaxAttempts)
                {
                    if (ex.FailedOperationIndex == ops.Count - 1)
                    {
                        _stats = null; // another upload moved the counters: reload them
                        continue;
                    }
                    if (ex.InnerException is not EntityAlreadyExistsException) throw;
                    // Some addresses are stored already (an earlier upload): keep only those that are not.
                    var exists = await Task.WhenAll(pending.Select(p => store.GetAsync(RecipientKeys.Table, PartitionKey, p.Key, cancellationToken)));
                    var fresh = pending.Where((_, i) => exists[i] is null).ToList();
                    duplicates += pending.Count - fresh.Count;
                    if (fresh.Count == 0) return (0, duplicates);
                    pending = fresh;
                }
            }
        }
    }

    private ITableStore Store => store;

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
