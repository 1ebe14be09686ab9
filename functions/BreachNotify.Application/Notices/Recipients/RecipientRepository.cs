using System.Text;
using System.Text.Json;
using BreachNotify.Application.Storage;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>A stored recipient with its keys. Personal data: never log <see cref="Recipient"/>.</summary>
public sealed record StoredRecipient(string PartitionKey, string RowKey, Recipient Recipient, DateTimeOffset AddedAt);

/// <summary>Counts of an incident's recipients by kind and language (kept exact, in the same transactions as the rows).</summary>
public sealed record RecipientCounts(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByKindAndLanguage)
{
    public long Total => ByKindAndLanguage.Values.Sum(l => l.Values.Sum());

    public long Of(string kind) => ByKindAndLanguage.TryGetValue(kind, out var l) ? l.Values.Sum() : 0;

    public long Of(string kind, string language) => ByKindAndLanguage.TryGetValue(kind, out var l) && l.TryGetValue(language, out var n) ? n : 0;

    public IReadOnlyDictionary<string, long> ByKind => RecipientKinds.All.ToDictionary(k => k, Of);

    public IReadOnlyDictionary<string, long> ByLanguage => NoticeLanguages.All.ToDictionary(l => l, l => RecipientKinds.All.Sum(k => Of(k, l)));
}

public sealed record RecipientPage(IReadOnlyList<StoredRecipient> Items, string? ContinuationToken);

/// <summary>Reads and writes recipient rows (see <see cref="RecipientKeys"/> for the layout).</summary>
public sealed class RecipientRepository(ITableStore store)
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableIfNotExistsAsync(RecipientKeys.Table, cancellationToken);

    public static string CounterName(string kind, string language) => (kind == RecipientKinds.Controller ? "Controller_" : "DataSubject_") + language;

    public static TableEntity ToEntity(string incidentId, byte[] hash, Recipient r, DateTimeOffset addedAt)
    {
        var e = new TableEntity(RecipientKeys.Partition(incidentId, RecipientKeys.Shard(hash)), RecipientKeys.RowKey(hash))
        {
            ["Email"] = r.Email,
            ["Language"] = r.Language,
            ["Kind"] = r.Kind,
            ["AddedAt"] = addedAt,
        };
        if (r.Name is not null) e["Name"] = r.Name;
        if (r.Country is not null) e["Country"] = r.Country;
        if (r.ExternalId is not null) e["ExternalId"] = r.ExternalId;
        return e;
    }

    public static StoredRecipient FromEntity(TableEntity e) => new(
        e.PartitionKey, e.RowKey,
        new Recipient(e.GetString("Email")!, e.GetString("Name"), e.GetString("Language")!, e.GetString("Country"), e.GetString("Kind")!, e.GetString("ExternalId")),
        e.GetDateTimeOffset("AddedAt")!.Value);

    public async Task<StoredRecipient?> FindAsync(string incidentId, string rowKey, CancellationToken cancellationToken = default)
    {
        var e = await store.GetAsync(RecipientKeys.Table, RecipientKeys.Partition(incidentId, RecipientKeys.ShardOfRowKey(rowKey)), rowKey, cancellationToken);
        return e is null ? null : FromEntity(e);
    }

    public async Task<RecipientCounts> CountAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var stats = await Task.WhenAll(Enumerable.Range(0, RecipientKeys.Shards)
            .Select(s => store.GetAsync(RecipientKeys.Table, RecipientKeys.Partition(incidentId, s), RecipientKeys.StatsRow, cancellationToken)));
        var result = new Dictionary<string, IReadOnlyDictionary<string, long>>();
        foreach (var kind in RecipientKinds.All)
        {
            var perLanguage = new Dictionary<string, long>();
            foreach (var language in NoticeLanguages.All)
                perLanguage[language] = stats.Sum(e => e?.GetInt64(CounterName(kind, language)) ?? 0);
            result[kind] = perLanguage;
        }
        return new RecipientCounts(result);
    }

    /// <summary>Every recipient of the incident, partition by partition in row key order (deterministic).</summary>
    public async IAsyncEnumerable<StoredRecipient> ReadAllAsync(string incidentId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var shard = 0; shard < RecipientKeys.Shards; shard++)
        {
            var query = new TableQuery(RecipientKeys.Partition(incidentId, shard), RecipientKeys.FirstRowKey, RecipientKeys.EndRowKey);
            await foreach (var e in store.QueryAllAsync(RecipientKeys.Table, query, cancellationToken))
                yield return FromEntity(e);
        }
    }

    /// <summary>One page of rows across the partitions; the token is opaque to callers.</summary>
    public async Task<RecipientPage> PageAsync(string incidentId, int pageSize, string? continuation, CancellationToken cancellationToken = default)
    {
        var (shard, token) = DecodeToken(continuation);
        var items = new List<StoredRecipient>(pageSize);
        while (shard < RecipientKeys.Shards && items.Count < pageSize)
        {
            var query = new TableQuery(RecipientKeys.Partition(incidentId, shard), RecipientKeys.FirstRowKey, RecipientKeys.EndRowKey, pageSize - items.Count, token);
            var page = await store.QueryAsync(RecipientKeys.Table, query, cancellationToken);
            items.AddRange(page.Items.Select(FromEntity));
            token = page.ContinuationToken;
            if (token is null) shard++;
        }
        return new RecipientPage(items, shard < RecipientKeys.Shards ? EncodeToken(shard, token) : null);
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
            throw new BreachNotify.Domain.Common.DomainValidationException("continuation", "Not a continuation token from this API.");
        }
    }
}
