using BreachNotify.Application.Storage;

namespace BreachNotify.Application.Deadlines;

/// <summary>
/// Exactly-once claims for reminders. One row per (incident, reminder key): partition = incident id, row key = the
/// planner's deterministic key. A sweep inserts the row BEFORE sending; the insert is atomic in both stores, so of two
/// overlapping sweeps (or a retried run) only one gets the claim and sends. A claim left unsent by a crashed sender
/// can be taken over (ETag-guarded) after the lease; a failed send releases it so the next sweep tries again.
/// </summary>
public sealed class ReminderLedger(ITableStore store)
{
    public const string Table = "DeadlineReminders";
    public const string Claimed = "claimed";
    public const string Sent = "sent";
    public const string Skipped = "skipped";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableIfNotExistsAsync(Table, cancellationToken);

    /// <returns>The claim's ETag, or null when someone else holds or has sent it.</returns>
    public async Task<string?> TryClaimAsync(string incidentId, string key, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(incidentId, key) { ["Status"] = Claimed, ["ClaimedAt"] = now };
        try
        {
            return await store.AddAsync(Table, row, cancellationToken);
        }
        catch (EntityAlreadyExistsException)
        {
            var existing = await store.GetAsync(Table, incidentId, key, cancellationToken);
            if (existing is null || existing.GetString("Status") != Claimed || existing.GetDateTimeOffset("ClaimedAt") is not { } at || now - at < lease)
                return null;
            // A stale claim: its sender died between claiming and sending. Take it over unless someone else just did.
            row["TakenOver"] = true;
            try { return await store.UpdateAsync(Table, row, existing.ETag!, cancellationToken); }
            catch (StorageException ex) when (ex is ConcurrencyConflictException or EntityNotFoundException) { return null; }
        }
    }

    public Task MarkSentAsync(string incidentId, string key, string etag, int recipients, DateTimeOffset now, CancellationToken cancellationToken = default)
        => store.MergeAsync(Table, new TableEntity(incidentId, key) { ["Status"] = Sent, ["SentAt"] = now, ["Recipients"] = recipients }, etag, cancellationToken);

    /// <summary>Gives a claim back after a failed send so a later sweep retries it.</summary>
    public async Task ReleaseAsync(string incidentId, string key, string etag, CancellationToken cancellationToken = default)
    {
        try { await store.DeleteAsync(Table, incidentId, key, etag, cancellationToken); }
        catch (StorageException ex) when (ex is ConcurrencyConflictException or EntityNotFoundException) { }
    }

    /// <summary>Records a threshold that was passed over; already present is fine.</summary>
    public async Task MarkSkippedAsync(string incidentId, string key, string skippedFor, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try { await store.AddAsync(Table, new TableEntity(incidentId, key) { ["Status"] = Skipped, ["SkippedFor"] = skippedFor, ["ClaimedAt"] = now }, cancellationToken); }
        catch (EntityAlreadyExistsException) { }
    }

    public async Task<IReadOnlyList<TableEntity>> ListAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var list = new List<TableEntity>();
        await foreach (var e in store.QueryAllAsync(Table, new TableQuery(incidentId), cancellationToken)) list.Add(e);
        return list;
    }
}
