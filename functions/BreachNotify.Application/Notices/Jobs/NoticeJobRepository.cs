using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;

namespace BreachNotify.Application.Notices.Jobs;

/// <summary>
/// The <c>NoticeJobs</c> table (layout in <see cref="NoticeTables"/>): jobs, their recipient lists, the <c>pending</c>
/// partition the sweep reads, and per-recipient delivery rows with the events already applied. Every write that must
/// not race is ETag-conditional; callers get typed records, never rows.
/// </summary>
public sealed class NoticeJobRepository(ITableStore store)
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableIfNotExistsAsync(NoticeTables.Jobs, cancellationToken);

    /// <summary>Writes the job and its recipient list in one transaction; false when an earlier attempt wrote them (same id, same contents).</summary>
    public async Task<bool> CreateAsync(NoticeJob job, JobRecipients recipients, CancellationToken cancellationToken = default)
    {
        var list = new TableEntity(job.JobId, NoticeTables.RecipientsRow);
        if (recipients.Direct is null) list["Keys"] = recipients.Keys;
        else list["Direct"] = JsonSerializer.Serialize(new[] { recipients.Direct }, StoredJson.Options);
        try
        {
            await store.SubmitTransactionAsync(NoticeTables.Jobs, [TableOperation.Add(ToEntity(job)), TableOperation.Add(list)], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.InnerException is EntityAlreadyExistsException)
        {
            return false;
        }
    }

    public async Task<NoticeJob?> FindAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var e = await store.GetAsync(NoticeTables.Jobs, jobId, NoticeTables.JobRow, cancellationToken);
        return e is null ? null : FromEntity(e);
    }

    /// <summary>Replaces the job when it has not changed since it was read (its <see cref="NoticeJob.ETag"/>); returns it with the new ETag.
    /// Throws <see cref="ConcurrencyConflictException"/> otherwise.</summary>
    public async Task<NoticeJob> UpdateAsync(NoticeJob job, CancellationToken cancellationToken = default)
    {
        var etag = await store.UpdateAsync(NoticeTables.Jobs, ToEntity(job), job.ETag ?? throw new ArgumentException("The job was not read from the store.", nameof(job)), cancellationToken);
        return job with { ETag = etag };
    }

    public async Task<JobRecipients> GetRecipientsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var list = await store.GetAsync(NoticeTables.Jobs, jobId, NoticeTables.RecipientsRow, cancellationToken)
            ?? throw new StorageException($"Recipient list of job {jobId} is missing.");
        var direct = list.GetString("Direct") is { } json ? JsonSerializer.Deserialize<List<EmailAddressRecord>>(json, StoredJson.Options)!.Single() : null;
        return new JobRecipients(list.GetBinary("Keys") ?? [], direct);
    }

    /// <summary>Marks jobs as waiting for the sweep (idempotent upserts, 100 per transaction).</summary>
    public async Task AddPendingAsync(IEnumerable<PendingJob> jobs, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in jobs.Chunk(100))
        {
            await store.SubmitTransactionAsync(NoticeTables.Jobs, chunk.Select(j => TableOperation.Upsert(new TableEntity(NoticeTables.PendingPartition, j.JobId)
            {
                ["IncidentId"] = j.IncidentId, ["NotificationId"] = j.NotificationId,
            })).ToList(), cancellationToken);
        }
    }

    public async Task<IReadOnlyList<PendingJob>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<PendingJob>();
        await foreach (var e in store.QueryAllAsync(NoticeTables.Jobs, new TableQuery(NoticeTables.PendingPartition), cancellationToken))
            result.Add(new PendingJob(e.RowKey, e.GetString("IncidentId") ?? "", e.GetString("NotificationId") ?? ""));
        return result;
    }

    public Task RemovePendingAsync(string jobId, CancellationToken cancellationToken = default)
        => store.DeleteAsync(NoticeTables.Jobs, NoticeTables.PendingPartition, jobId, null, cancellationToken);

    /// <summary>Marks a notification as being created (written before the notification itself, so a crash at any later point leaves it for the sweep).</summary>
    public Task MarkCreatingAsync(string incidentId, string notificationId, DateTimeOffset at, CancellationToken cancellationToken = default)
        => store.UpsertAsync(NoticeTables.Jobs, new TableEntity(NoticeTables.CreatingPartition, notificationId) { ["IncidentId"] = incidentId, ["At"] = at }, cancellationToken);

    public async Task<IReadOnlyList<CreatingNotification>> ListCreatingAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<CreatingNotification>();
        await foreach (var e in store.QueryAllAsync(NoticeTables.Jobs, new TableQuery(NoticeTables.CreatingPartition), cancellationToken))
            result.Add(new CreatingNotification(e.GetString("IncidentId") ?? "", e.RowKey, e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue));
        return result;
    }

    public Task UnmarkCreatingAsync(string notificationId, CancellationToken cancellationToken = default)
        => store.DeleteAsync(NoticeTables.Jobs, NoticeTables.CreatingPartition, notificationId, null, cancellationToken);

    /// <summary>
    /// Records recipients refused at send time as their delivery state (<c>failed</c>, event <c>refused</c>, the reason):
    /// upserts, so a batch sent again after a crash writes the same rows. The job's count moves with its progress, not here.
    /// </summary>
    public async Task RecordRefusedAsync(string jobId, IReadOnlyList<(string RecipientKey, string Reason)> refused, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in refused.Chunk(100))
        {
            await store.SubmitTransactionAsync(NoticeTables.Jobs, chunk.Select(r => TableOperation.Upsert(new TableEntity(jobId, NoticeTables.DeliveryRow(r.RecipientKey))
            {
                ["Status"] = RefusedStatus, ["StatusAt"] = at, ["Event"] = RefusedEvent, ["Reason"] = r.Reason,
            })).ToList(), cancellationToken);
        }
    }

    /// <summary>The delivery state of a recipient refused at send time.</summary>
    public const string RefusedStatus = "failed";
    public const string RefusedEvent = "refused";

    public async Task<RecipientDelivery?> FindDeliveryAsync(string jobId, string recipientKey, CancellationToken cancellationToken = default)
    {
        var e = await store.GetAsync(NoticeTables.Jobs, jobId, NoticeTables.DeliveryRow(recipientKey), cancellationToken);
        return e is null ? null : new RecipientDelivery(e.GetString("Status")!, e.GetDateTimeOffset("StatusAt")!.Value, e.GetString("Event")!, e.GetString("BounceType"), e.GetString("Reason")) { ETag = e.ETag };
    }

    /// <summary>
    /// Records a delivery event in one transaction with what it changes: the event's dedupe row, the recipient's new
    /// delivery state (when given; conditional on the state read, or insert-if-absent) and the job's counters (when given;
    /// conditional). Returns false when this event was recorded before. Throws <see cref="TableTransactionFailedException"/>
    /// when the delivery state or the job changed meanwhile (read again and retry).
    /// </summary>
    public async Task<bool> RecordDeliveryEventAsync(DeliveryEventRecord e, RecipientDelivery? delivery, bool deliveryExisted, NoticeJob? job, CancellationToken cancellationToken = default)
    {
        var ops = new List<TableOperation>
        {
            TableOperation.Add(new TableEntity(e.JobId, NoticeTables.EventRow(e.EventHash))
            {
                ["Event"] = e.Event, ["At"] = e.At, ["Recipient"] = e.RecipientKey, ["ReceivedAt"] = e.ReceivedAt,
            }),
        };
        if (delivery is not null)
        {
            var row = new TableEntity(e.JobId, NoticeTables.DeliveryRow(e.RecipientKey))
            {
                ["Status"] = delivery.Status, ["StatusAt"] = delivery.StatusAt, ["Event"] = delivery.Event,
            };
            if (delivery.BounceType is not null) row["BounceType"] = delivery.BounceType;
            if (delivery.Reason is not null) row["Reason"] = delivery.Reason;
            ops.Add(deliveryExisted ? TableOperation.Update(row, delivery.ETag!) : TableOperation.Add(row));
        }
        if (job is not null) ops.Add(TableOperation.Update(ToEntity(job), job.ETag!));
        try
        {
            await store.SubmitTransactionAsync(NoticeTables.Jobs, ops, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.FailedOperationIndex == 0 && ex.InnerException is EntityAlreadyExistsException)
        {
            return false;
        }
    }

    private static TableEntity ToEntity(NoticeJob j)
    {
        var e = new TableEntity(j.JobId, NoticeTables.JobRow)
        {
            ["IncidentId"] = j.IncidentId, ["NotificationId"] = j.NotificationId, ["Kind"] = j.Kind.ToWire(), ["Phase"] = j.Phase.ToWire(),
            ["Language"] = j.Language.ToWire(), ["TemplateVersion"] = j.TemplateVersion, ["Ordinal"] = j.Ordinal,
            ["Variant"] = j.Variant.Length == 0 ? null : j.Variant, ["Controller"] = j.Controller,
            ["RecipientCount"] = j.RecipientCount, ["Status"] = Wire(j.Status), ["CreatedAt"] = j.CreatedAt,
            ["Enqueues"] = j.Enqueues, ["LastEnqueuedAt"] = j.LastEnqueuedAt, ["Attempts"] = j.Attempts, ["LastAttemptAt"] = j.LastAttemptAt,
            ["LeaseUntil"] = j.LeaseUntil, ["LastError"] = j.LastError, ["LastErrorStatus"] = j.LastErrorStatus,
            ["Progress"] = j.Progress, ["SentRecipients"] = j.SentRecipients, ["Refused"] = j.Refused,
            ["SentAt"] = j.SentAt, ["ProviderMessageId"] = j.ProviderMessageId, ["BodySha256"] = j.BodySha256,
            ["Error"] = j.Error, ["ErrorStatus"] = j.ErrorStatus, ["FailedAt"] = j.FailedAt,
            ["Delivered"] = j.Delivered, ["Bounced"] = j.Bounced, ["Failed"] = j.Failed, ["Deferred"] = j.Deferred, ["SpamReports"] = j.SpamReports,
        };
        return e;
    }

    private static NoticeJob FromEntity(TableEntity e) => new()
    {
        JobId = e.PartitionKey,
        IncidentId = e.GetString("IncidentId")!,
        NotificationId = e.GetString("NotificationId")!,
        Kind = NoticeVocabulary.Stored<NoticeKind>(e.GetString("Kind"), NoticeVocabulary.TryParseKind, "notice kind"),
        Phase = NoticeVocabulary.Stored<NoticePhase>(e.GetString("Phase"), NoticeVocabulary.TryParsePhase, "notice phase"),
        Language = NoticeVocabulary.Stored<NoticeLanguage>(e.GetString("Language"), NoticeVocabulary.TryParseLanguage, "language"),
        TemplateVersion = e.GetString("TemplateVersion")!,
        Variant = e.GetString("Variant") ?? "",
        Controller = e.GetString("Controller"),
        Ordinal = e.GetInt32("Ordinal") ?? 0,
        RecipientCount = e.GetInt32("RecipientCount") ?? 0,
        Status = ParseStatus(e.GetString("Status")),
        CreatedAt = e.GetDateTimeOffset("CreatedAt")!.Value,
        Enqueues = e.GetInt32("Enqueues") ?? 1,
        LastEnqueuedAt = e.GetDateTimeOffset("LastEnqueuedAt"),
        Attempts = e.GetInt32("Attempts") ?? 0,
        LastAttemptAt = e.GetDateTimeOffset("LastAttemptAt"),
        LeaseUntil = e.GetDateTimeOffset("LeaseUntil"),
        Progress = e.GetInt32("Progress") ?? 0,
        SentRecipients = e.GetInt32("SentRecipients") ?? 0,
        Refused = e.GetInt64("Refused") ?? 0,
        LastError = e.GetString("LastError"),
        LastErrorStatus = e.GetInt32("LastErrorStatus"),
        SentAt = e.GetDateTimeOffset("SentAt"),
        ProviderMessageId = e.GetString("ProviderMessageId"),
        BodySha256 = e.GetString("BodySha256"),
        Error = e.GetString("Error"),
        ErrorStatus = e.GetInt32("ErrorStatus"),
        FailedAt = e.GetDateTimeOffset("FailedAt"),
        Delivered = e.GetInt64("Delivered") ?? 0,
        Bounced = e.GetInt64("Bounced") ?? 0,
        Failed = e.GetInt64("Failed") ?? 0,
        Deferred = e.GetInt64("Deferred") ?? 0,
        SpamReports = e.GetInt64("SpamReports") ?? 0,
        ETag = e.ETag,
    };

    public static string Wire(JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Sending => "sending",
        JobStatus.Sent => "sent",
        JobStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static JobStatus ParseStatus(string? value) => value switch
    {
        "queued" => JobStatus.Queued,
        "sending" => JobStatus.Sending,
        "sent" => JobStatus.Sent,
        "failed" => JobStatus.Failed,
        _ => throw new StorageException($"Stored job status '{value}' is not known."),
    };
}
