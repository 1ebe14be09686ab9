using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Storage;
using Microsoft.Extensions.Logging;

namespace BreachNotify.Application.Notices.Sending;

/// <summary>A provider's delivery event, reduced to what proof of delivery needs. <see cref="Email"/> is personal data: never log it.</summary>
public sealed record DeliveryEvent(string EventId, string Event, DateTimeOffset Timestamp, string? Email, string? JobId, string? BounceType, string? Reason);

public sealed record DeliveryEventsResult(int Received, int Applied, int Duplicates, int Ignored);

/// <summary>
/// Applies delivery events to the per-recipient status of a job. Each event is one transaction in the job's partition:
/// the event's dedupe row (so a repeated <c>sg_event_id</c> changes nothing), the recipient's status row and the job's
/// counters move together. Status: <c>sent</c> until an outcome arrives; <c>delivered</c>, <c>bounced</c> (bounce or
/// blocked) and <c>failed</c> (dropped) are outcomes, the latest by event time wins; <c>deferred</c> and
/// <c>spamreport</c> are counted; engagement events (open, click, …) are ignored on purpose.
/// </summary>
public sealed partial class DeliveryEventService(ITableStore store, TimeProvider time, ILogger<DeliveryEventService> logger)
{
    public const string Delivered = "delivered";
    public const string Bounced = "bounced";
    public const string Failed = "failed";

    public async Task<DeliveryEventsResult> ApplyAsync(IReadOnlyList<DeliveryEvent> events, CancellationToken cancellationToken = default)
    {
        int applied = 0, duplicates = 0, ignored = 0;
        foreach (var e in events)
        {
            switch (await ApplyOneAsync(e, cancellationToken))
            {
                case true: applied++; break;
                case false: duplicates++; break;
                default: ignored++; break;
            }
        }
        LogApplied(events.Count, applied, duplicates, ignored);
        return new DeliveryEventsResult(events.Count, applied, duplicates, ignored);
    }

    /// <returns>True applied, false duplicate, null ignored.</returns>
    private async Task<bool?> ApplyOneAsync(DeliveryEvent e, CancellationToken cancellationToken)
    {
        var outcome = e.Event switch
        {
            "delivered" => Delivered,
            "bounce" => Bounced,
            "dropped" => Failed,
            _ => null,
        };
        var counted = e.Event switch { "deferred" => "Deferred", "spamreport" => "SpamReports", _ => null };
        if (e.Event != "processed" && outcome is null && counted is null) return null;
        if (string.IsNullOrEmpty(e.JobId) || !IncidentRepository.IsValidId(e.JobId) || string.IsNullOrWhiteSpace(e.Email)) return null;
        var recipient = RecipientKeys.RowKey(RecipientKeys.Hash(e.Email));
        var eventRow = new TableEntity(e.JobId, NoticeTables.EventRow(Ids.Sha256Hex(e.EventId)))
        {
            ["Event"] = e.Event, ["At"] = e.Timestamp, ["Recipient"] = recipient, ["ReceivedAt"] = time.GetUtcNow(),
        };

        for (var attempt = 1; ; attempt++)
        {
            var job = await store.GetAsync(NoticeTables.Jobs, e.JobId, NoticeTables.JobRow, cancellationToken);
            if (job is null) return null;
            var ops = new List<TableOperation> { TableOperation.Add(eventRow) };
            var delivery = await store.GetAsync(NoticeTables.Jobs, e.JobId, NoticeTables.DeliveryRow(recipient), cancellationToken);
            var current = delivery?.GetString("Status");
            var currentAt = delivery?.GetDateTimeOffset("StatusAt");
            var jobChanged = false;
            if (outcome is not null && (current is null || current == "sent" || currentAt is null || e.Timestamp > currentAt))
            {
                if (current != outcome)
                {
                    if (CounterOf(current) is { } old) job[old] = Math.Max(0, (job.GetInt64(old) ?? 0) - 1);
                    job[CounterOf(outcome)!] = (job.GetInt64(CounterOf(outcome)!) ?? 0) + 1;
                    jobChanged = true;
                }
                var row = delivery ?? new TableEntity(e.JobId, NoticeTables.DeliveryRow(recipient));
                row["Status"] = outcome;
                row["StatusAt"] = e.Timestamp;
                row["Event"] = e.Event;
                if (e.BounceType is not null) row["BounceType"] = e.BounceType;
                if (e.Reason is not null) row["Reason"] = e.Reason.Length > 500 ? e.Reason[..500] : e.Reason; // SMTP text: stored as evidence, never logged
                ops.Add(delivery is null ? TableOperation.Add(row) : TableOperation.Update(row, delivery.ETag!));
            }
            if (counted is not null)
            {
                job[counted] = (job.GetInt64(counted) ?? 0) + 1;
                jobChanged = true;
            }
            if (jobChanged) ops.Add(TableOperation.Update(job, job.ETag!));
            try
            {
                await store.SubmitTransactionAsync(NoticeTables.Jobs, ops, cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedOperationIndex == 0 && ex.InnerException is EntityAlreadyExistsException)
            {
                return false; // this event was applied before
            }
            catch (TableTransactionFailedException) when (attempt < 10)
            {
                // A concurrent event for the same job or recipient: read again.
            }
        }
    }

    private static string? CounterOf(string? status) => status switch
    {
        Delivered => "Delivered",
        Bounced => "Bounced",
        Failed => "Failed",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery events: {Received} received, {Applied} applied, {Duplicates} duplicates, {Ignored} ignored")]
    private partial void LogApplied(int received, int applied, int duplicates, int ignored);
}
