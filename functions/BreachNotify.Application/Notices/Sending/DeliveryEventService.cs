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
public sealed partial class DeliveryEventService(NoticeJobRepository jobs, TimeProvider time, ILogger<DeliveryEventService> logger)
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
        var record = new DeliveryEventRecord(e.JobId, Ids.Sha256Hex(e.EventId), e.Event, e.Timestamp, recipient, time.GetUtcNow());

        for (var attempt = 1; ; attempt++)
        {
            var job = await jobs.FindAsync(e.JobId, cancellationToken);
            if (job is null) return null;
            var delivery = await jobs.FindDeliveryAsync(e.JobId, recipient, cancellationToken);
            var current = delivery?.Status;
            var currentAt = delivery?.StatusAt;
            var changedJob = job;
            RecipientDelivery? changedDelivery = null;
            if (outcome is not null && (current is null || current == "sent" || currentAt is null || e.Timestamp > currentAt))
            {
                if (current != outcome) changedJob = Count(Count(changedJob, current, -1), outcome, +1);
                changedDelivery = new RecipientDelivery(outcome, e.Timestamp, e.Event, e.BounceType ?? delivery?.BounceType,
                    e.Reason is null ? delivery?.Reason : Evidence(e.Reason)) { ETag = delivery?.ETag };
            }
            if (counted == "Deferred") changedJob = changedJob with { Deferred = changedJob.Deferred + 1 };
            if (counted == "SpamReports") changedJob = changedJob with { SpamReports = changedJob.SpamReports + 1 };
            try
            {
                return await jobs.RecordDeliveryEventAsync(record, changedDelivery, delivery is not null, ReferenceEquals(changedJob, job) ? null : changedJob, cancellationToken);
            }
            catch (TableTransactionFailedException) when (attempt < 10)
            {
                // A concurrent event for the same job or recipient: read again.
            }
        }
    }

    /// <summary>
    /// The provider's SMTP reason as stored evidence: at most 500 characters, with any e-mail address in it replaced (a
    /// receiving server often quotes the address it refused), so a delivery row holds no address to erase. Never logged.
    /// </summary>
    public static string Evidence(string reason)
    {
        var text = AddressInText().Replace(reason, "(address)");
        return text.Length > 500 ? text[..500] : text;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s<>()\[\]""',;:]+@[^\s<>()\[\]""',;:]+")]
    private static partial System.Text.RegularExpressions.Regex AddressInText();

    /// <summary>Moves a job's delivery counter of <paramref name="status"/> by <paramref name="delta"/> (never below zero).</summary>
    private static NoticeJob Count(NoticeJob job, string? status, int delta) => status switch
    {
        Delivered => job with { Delivered = Math.Max(0, job.Delivered + delta) },
        Bounced => job with { Bounced = Math.Max(0, job.Bounced + delta) },
        Failed => job with { Failed = Math.Max(0, job.Failed + delta) },
        _ => job,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery events: {Received} received, {Applied} applied, {Duplicates} duplicates, {Ignored} ignored")]
    private partial void LogApplied(int received, int applied, int duplicates, int ignored);
}
