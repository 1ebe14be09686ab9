using System.Globalization;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Application.Incidents;

/// <summary>
/// Stores incidents in Table-storage shape. Partition = incident id, holding the state ("incident") and
/// its timeline ("t0000000001", ...), so a change and its timeline entries are written in one atomic
/// transaction guarded by the state's ETag. Lists read the index table (newest first, and an "open"
/// partition for the deadline watch), which is kept by idempotent upserts right after each save.
/// </summary>
public sealed class IncidentRepository(ITableStore store)
{
    public const string Table = "Incidents";
    public const string IndexTable = "IncidentIndex";
    public const string AllPartition = "all";
    public const string OpenPartition = "open";
    private const string StateRow = "incident";
    private const string TimelinePrefix = "t";

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
        await store.CreateTableIfNotExistsAsync(IndexTable, cancellationToken);
    }

    public async Task<StoredIncident?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(id)) return null;
        var e = await store.GetAsync(Table, id, StateRow, cancellationToken);
        if (e is null) return null;
        var state = StoredJson.Deserialize<IncidentState>(e.GetString("Data")!);
        return new StoredIncident(Incident.Load(state), e.ETag!);
    }

    public async Task<StoredIncident> GetAsync(string id, CancellationToken cancellationToken = default)
        => await FindAsync(id, cancellationToken) ?? throw new NotFoundException($"Incident '{id}' does not exist.");

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string id, CancellationToken cancellationToken = default)
    {
        var list = new List<TimelineEntry>();
        await foreach (var e in store.QueryAllAsync(Table, TableQuery.WithPrefix(id, TimelinePrefix), cancellationToken))
            list.Add(StoredJson.Deserialize<TimelineEntry>(e.GetString("Data")!));
        return list;
    }

    /// <summary>
    /// Writes the state and the new timeline entries atomically. <paramref name="expectedETag"/> null means a new
    /// incident. Throws <see cref="ConcurrencyConflictException"/> when someone else changed it meanwhile.
    /// </summary>
    public async Task<string> SaveAsync(Incident incident, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var entries = incident.NewEntries;
        // One transaction holds at most 100 operations: the state plus 99 entries is far above any single change.
        if (entries.Count > 99) throw new InvalidOperationException("Too many timeline entries in one change.");
        var state = new TableEntity(incident.Id, StateRow)
        {
            ["Data"] = StoredJson.Serialize(incident.State),
            ["Status"] = incident.Status.ToWire(),
        };
        var ops = new List<TableOperation>(entries.Count + 1)
        {
            expectedETag is null ? TableOperation.Add(state) : TableOperation.Update(state, expectedETag),
        };
        foreach (var entry in entries)
        {
            ops.Add(TableOperation.Add(new TableEntity(incident.Id, TimelineRowKey(entry.Sequence))
            {
                ["Data"] = StoredJson.Serialize(entry),
                ["Action"] = entry.Action,
            }));
        }

        IReadOnlyList<string?> etags;
        try
        {
            etags = await store.SubmitTransactionAsync(Table, ops, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.InnerException is ConcurrencyConflictException or EntityAlreadyExistsException or EntityNotFoundException)
        {
            // Another writer won: the state's ETag moved or a timeline sequence number was taken.
            throw new ConcurrencyConflictException($"Incident '{incident.Id}' was changed concurrently.", ex);
        }

        await UpdateIndexAsync(incident.State, cancellationToken);
        return etags[0]!;
    }

    private async Task UpdateIndexAsync(IncidentState s, CancellationToken cancellationToken)
    {
        var summary = Summary(s, AllPartition, AllRowKey(s));
        await store.UpsertAsync(IndexTable, summary, cancellationToken);
        if (s.Status.IsOpen())
            await store.UpsertAsync(IndexTable, Summary(s, OpenPartition, s.Id), cancellationToken);
        else
            await store.DeleteAsync(IndexTable, OpenPartition, s.Id, null, cancellationToken);
    }

    private static TableEntity Summary(IncidentState s, string pk, string rk) => new(pk, rk)
    {
        ["Id"] = s.Id,
        ["Title"] = s.Title,
        ["Status"] = s.Status.ToWire(),
        ["Source"] = s.Source.Kind,
        ["CreatedAt"] = s.CreatedAt,
        ["AwareAt"] = s.AwareAt,
        ["DetectedAt"] = s.DetectedAt,
    };

    /// <summary>Newest first: row keys sort by inverted creation ticks.</summary>
    private static string AllRowKey(IncidentState s)
        => (DateTimeOffset.MaxValue.UtcTicks - s.CreatedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + s.Id;

    private static string TimelineRowKey(long sequence) => TimelinePrefix + sequence.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>Lists incidents newest first, optionally of one status; page is 1-based.</summary>
    public async Task<IncidentSummaryPage> ListAsync(IncidentStatus? status, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        var skip = (long)(page - 1) * pageSize;
        var items = new List<IncidentSummary>(pageSize);
        var more = false;
        await foreach (var e in store.QueryAllAsync(IndexTable, new TableQuery(AllPartition), cancellationToken))
        {
            var summary = ToSummary(e);
            if (status is not null && summary.Status != status) continue;
            if (skip > 0) { skip--; continue; }
            if (items.Count == pageSize) { more = true; break; }
            items.Add(summary);
        }
        return new IncidentSummaryPage(items, page, pageSize, more);
    }

    /// <summary>Every incident's summary, newest first, streamed from the index (the register reads this).</summary>
    public IAsyncEnumerable<IncidentSummary> ListAllAsync(CancellationToken cancellationToken = default)
        => store.QueryAllAsync(IndexTable, new TableQuery(AllPartition), cancellationToken).Select(ToSummary);

    /// <summary>Open incidents (suspected, confirmed, notified) from their own index partition: never a scan of all incidents.</summary>
    public IAsyncEnumerable<IncidentSummary> ListOpenAsync(CancellationToken cancellationToken = default)
        => store.QueryAllAsync(IndexTable, new TableQuery(OpenPartition), cancellationToken).Select(ToSummary);

    private static IncidentSummary ToSummary(TableEntity e)
    {
        if (!IncidentStatusExtensions.TryParse(e.GetString("Status"), out var status))
            throw new StorageException($"Index entry {e.RowKey} has an unknown status.");
        return new IncidentSummary(e.GetString("Id")!, e.GetString("Title")!, status, e.GetString("Source")!,
            e.GetDateTimeOffset("CreatedAt")!.Value, e.GetDateTimeOffset("DetectedAt")!.Value, e.GetDateTimeOffset("AwareAt"));
    }

    public static bool IsValidId(string? id)
        => !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}

public sealed record StoredIncident(Incident Incident, string ETag);

public sealed record IncidentSummary(string Id, string Title, IncidentStatus Status, string Source, DateTimeOffset CreatedAt, DateTimeOffset DetectedAt, DateTimeOffset? AwareAt);

public sealed record IncidentSummaryPage(IReadOnlyList<IncidentSummary> Items, int Page, int PageSize, bool HasMore);
