using System.Globalization;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Application.Incidents;

/// <summary>
/// Stores incidents in Table-storage shape. Partition = incident id, holding the state ("incident") and
/// its timeline ("t0000000001", ...), so a change and its timeline entries are written in one atomic
/// transaction guarded by the state's ETag; the state carries the timeline's head hash, so each entry chains from
/// the entry actually before it (<see cref="TimelineChain"/>). Lists read the index table (newest first, and an
/// "open" partition for the deadline watch), written right after each save by conditional writes that carry the
/// incident's version (its timeline count), so that concurrent changes converge on the newest. A new incident's "open"
/// row is written before its state (as a placeholder of version 0), so a crash between the two can leave an orphan row
/// but never an open incident the deadline watch cannot see; the watch repairs what a crash left
/// (<see cref="RepairIndexAsync"/>).
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
        if (state.TimelineHead is null && state.TimelineCount > 0)
        {
            // Stored before the timeline was chained: chain the entries as they are now (flagged as legacy, never
            // verified). The next change stores this head with the state, so later edits of them break the chain.
            var legacy = await GetTimelineAsync(id, cancellationToken);
            state = state with { TimelineHead = TimelineChain.LegacyHead(id, legacy), LegacyTimelineEntries = state.TimelineCount };
        }
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
    /// The incident's state and timeline as of one moment: the timeline is read between two reads of the state, and
    /// again until both state reads agree (entries are only ever written together with a new state).
    /// </summary>
    public async Task<IncidentRecord> GetRecordAsync(string id, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = await GetAsync(id, cancellationToken);
            var timeline = await GetTimelineAsync(id, cancellationToken);
            var after = await GetAsync(id, cancellationToken);
            if (string.Equals(before.ETag, after.ETag, StringComparison.Ordinal) || attempt == MaxSnapshotAttempts)
                return new IncidentRecord(before, timeline);
        }
    }

    private const int MaxSnapshotAttempts = 5;

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

        if (expectedETag is null && incident.Status.IsOpen())
        {
            // Before the state, as version 0: any row a saved state writes supersedes it, and it never overrides one.
            await WriteIfNewerAsync(Summary(incident.State, OpenPartition, incident.Id, PlaceholderVersion), PlaceholderVersion, insertFirst: true, cancellationToken);
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

        await UpdateIndexAsync(incident.State, isNew: expectedETag is null, cancellationToken);
        return etags[0]!;
    }

    /// <summary>
    /// Brings the index rows up to <paramref name="s"/>, unless a newer change already did. Two instances changing one
    /// incident at once may run this in any order; each row keeps the highest version written (the version is the
    /// timeline count, which every save increases), so the index converges on the newest state whichever lands last.
    /// </summary>
    /// <param name="isNew">The incident was just created: its rows are inserted straight away (only a newer version could be there).</param>
    private async Task UpdateIndexAsync(IncidentState s, bool isNew, CancellationToken cancellationToken)
    {
        var version = s.TimelineCount;
        // A newer version in the "all" row means a newer change committed and writes (or wrote) both rows itself.
        if (await WriteIfNewerAsync(Summary(s, AllPartition, AllRowKey(s), version), version, isNew, cancellationToken) == IndexWrite.Skipped) return;
        if (!s.Status.IsOpen())
        {
            // Closing and dismissing are final: no later version is open, so the row can go unconditionally.
            await store.DeleteAsync(IndexTable, OpenPartition, s.Id, null, cancellationToken);
            return;
        }
        // Only an insert can bring back a row that a change ending the incident has just removed (replacing needs the
        // row to be there). That change's state committed before its removal, so reading the state now tells: an ended
        // incident leaves the open partition.
        if (await WriteIfNewerAsync(Summary(s, OpenPartition, s.Id, version), version, isNew, cancellationToken) != IndexWrite.Inserted) return;
        var current = await store.GetAsync(Table, s.Id, StateRow, cancellationToken);
        if (current is not null && IncidentStatusExtensions.TryParse(current.GetString("Status"), out var now) && !now.IsOpen())
            await store.DeleteAsync(IndexTable, OpenPartition, s.Id, null, cancellationToken);
    }

    private enum IndexWrite { Skipped, Replaced, Inserted }

    /// <summary>The version of a new incident's open row written before its state: below every saved version.</summary>
    private const long PlaceholderVersion = 0;

    /// <summary>An open row whose incident has no state this long after its creation time was left by a crash.</summary>
    public static readonly TimeSpan OrphanGrace = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Repairs what a crash can leave in the index, for one row of the open partition and its incident as read
    /// (<paramref name="stored"/>, null when it has no state): an orphan row (no state <see cref="OrphanGrace"/> after
    /// its creation time) and the row of an incident no longer open are removed; an open incident's rows in both
    /// partitions are brought up to its version when missing or older. Conditional writes throughout, so it converges
    /// with concurrent changes.
    /// </summary>
    public async Task<IndexRepair> RepairIndexAsync(IncidentSummary row, StoredIncident? stored, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (stored is null || !stored.Incident.Status.IsOpen())
        {
            if (stored is null && now - row.CreatedAt < OrphanGrace) return IndexRepair.None; // its create may still be under way
            var current = await store.GetAsync(IndexTable, OpenPartition, row.Id, cancellationToken);
            if (current is null) return IndexRepair.None;
            // Read the state after the row: a create that wrote both since is left alone (the delete below is conditional).
            var state = await store.GetAsync(Table, row.Id, StateRow, cancellationToken);
            if (state is not null && IncidentStatusExtensions.TryParse(state.GetString("Status"), out var status) && status.IsOpen()) return IndexRepair.None;
            try { await store.DeleteAsync(IndexTable, OpenPartition, row.Id, current.ETag, cancellationToken); }
            catch (Exception ex) when (ex is ConcurrencyConflictException or EntityNotFoundException) { return IndexRepair.None; }
            return IndexRepair.Removed;
        }
        var s = stored.Incident.State;
        var version = s.TimelineCount;
        var repaired = false;
        foreach (var summary in new[] { Summary(s, AllPartition, AllRowKey(s), version), Summary(s, OpenPartition, s.Id, version) })
        {
            var existing = await store.GetAsync(IndexTable, summary.PartitionKey, summary.RowKey, cancellationToken);
            if (existing is not null && (existing.GetInt64("Version") ?? 0) >= version) continue;
            repaired |= await WriteIfNewerAsync(summary, version, insertFirst: existing is null, cancellationToken) != IndexWrite.Skipped;
        }
        return repaired ? IndexRepair.Updated : IndexRepair.None;
    }

    /// <summary>
    /// Writes an index row unless the stored one has a higher version: read, then replace under the read ETag (or
    /// insert when missing), again after a conflict. Skipped when a newer version was there. With
    /// <paramref name="insertFirst"/> the insert is tried before reading, for rows that normally do not exist yet.
    /// </summary>
    private async Task<IndexWrite> WriteIfNewerAsync(TableEntity row, long version, bool insertFirst, CancellationToken cancellationToken)
    {
        if (insertFirst)
        {
            try
            {
                await store.AddAsync(IndexTable, row, cancellationToken);
                return IndexWrite.Inserted;
            }
            catch (EntityAlreadyExistsException)
            {
                // A newer change wrote it already: compare versions below.
            }
        }
        // Each conflict means another writer's row landed; a writer gives up once a newer one is there, so this ends
        // after at most one round per concurrent writer. The bound only guards against a store that breaks its contract.
        for (var attempt = 0; attempt < MaxIndexAttempts; attempt++)
        {
            var existing = await store.GetAsync(IndexTable, row.PartitionKey, row.RowKey, cancellationToken);
            // Rows written before versions existed have none: any versioned write replaces them.
            if (existing is not null && (existing.GetInt64("Version") ?? 0) > version) return IndexWrite.Skipped;
            try
            {
                if (existing is not null)
                {
                    await store.UpdateAsync(IndexTable, row, existing.ETag!, cancellationToken);
                    return IndexWrite.Replaced;
                }
                await store.AddAsync(IndexTable, row, cancellationToken);
                return IndexWrite.Inserted;
            }
            catch (Exception ex) when (ex is ConcurrencyConflictException or EntityAlreadyExistsException or EntityNotFoundException)
            {
                // Someone wrote or removed the row since we read it: read again and compare versions.
            }
        }
        throw new StorageException($"Index row {row.PartitionKey}/{row.RowKey} kept changing; gave up after {MaxIndexAttempts} attempts.");
    }

    private const int MaxIndexAttempts = 50;

    private static TableEntity Summary(IncidentState s, string pk, string rk, long version) => new(pk, rk)
    {
        ["Version"] = version,
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

/// <summary>What <see cref="IncidentRepository.RepairIndexAsync"/> did to an incident's index rows.</summary>
public enum IndexRepair
{
    None,
    /// <summary>A missing or older row was written.</summary>
    Updated,
    /// <summary>An orphan row, or the open row of an incident no longer open, was removed.</summary>
    Removed,
}

/// <summary>An incident's state and its stored timeline, read as of one moment (<see cref="IncidentRepository.GetRecordAsync"/>).</summary>
public sealed record IncidentRecord(StoredIncident Stored, IReadOnlyList<TimelineEntry> Timeline);

public sealed record IncidentSummary(string Id, string Title, IncidentStatus Status, string Source, DateTimeOffset CreatedAt, DateTimeOffset DetectedAt, DateTimeOffset? AwareAt);

public sealed record IncidentSummaryPage(IReadOnlyList<IncidentSummary> Items, int Page, int PageSize, bool HasMore);
