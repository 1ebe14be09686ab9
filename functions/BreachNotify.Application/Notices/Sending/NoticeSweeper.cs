using System.Globalization;
using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Queue;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Sending;

public sealed record SweepResult(int Pending, int Requeued, int Exhausted, int Cleaned);

/// <summary>
/// The NoticeSweep timer: reads the <c>pending</c> partition (never a scan) and enqueues again every job still queued
/// (or leased with an expired lease) <see cref="NoticeOptions.RequeueAfter"/> after its last enqueue: an enqueue that
/// was lost, or a message Service Bus dead-lettered after its deliveries ran out. Each re-enqueue uses a new message id
/// (<c>{jobId}.r{n}</c>) so duplicate detection does not drop it. After <see cref="NoticeOptions.MaxEnqueues"/> the job
/// is reported as exhausted, marked failed and recorded on the incident.
/// </summary>
public sealed partial class NoticeSweeper(
    ITableStore store,
    INoticeQueue queue,
    IncidentService incidents,
    NotificationService notifications,
    IOptions<NoticeOptions> options,
    TimeProvider time,
    Telemetry.BreachNotifyTelemetry telemetry,
    ILogger<NoticeSweeper> logger)
{
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        int pending = 0, requeued = 0, exhausted = 0, cleaned = 0;
        var pendingRows = new List<TableEntity>();
        await foreach (var row in store.QueryAllAsync(NoticeTables.Jobs, new TableQuery(NoticeTables.PendingPartition), cancellationToken)) pendingRows.Add(row);
        foreach (var row in pendingRows)
        {
            pending++;
            var jobId = row.RowKey;
            var job = await store.GetAsync(NoticeTables.Jobs, jobId, NoticeTables.JobRow, cancellationToken);
            if (job is null) continue; // its notification is still being written
            var status = job.GetString("Status");
            if (status is JobStatus.Sent or JobStatus.Failed)
            {
                await store.DeleteAsync(NoticeTables.Jobs, NoticeTables.PendingPartition, jobId, null, cancellationToken);
                cleaned++;
                continue;
            }
            var now = time.GetUtcNow();
            var staleSince = job.GetDateTimeOffset("LastEnqueuedAt") ?? job.GetDateTimeOffset("CreatedAt") ?? now;
            var leased = status == JobStatus.Sending && job.GetDateTimeOffset("LeaseUntil") is { } until && until > now;
            if (leased || now - staleSince < o.RequeueAfter) continue;

            var enqueues = job.GetInt32("Enqueues") ?? 1;
            var incidentId = job.GetString("IncidentId")!;
            var notificationId = job.GetString("NotificationId")!;
            if (enqueues >= o.MaxEnqueues)
            {
                var error = string.Create(CultureInfo.InvariantCulture, $"Retries exhausted: enqueued {enqueues} times, {job.GetInt32("Attempts") ?? 0} send attempts; last error: {job.GetString("LastError") ?? "none recorded"}");
                job["Status"] = JobStatus.Failed;
                job["LeaseUntil"] = null;
                job["Error"] = error.Length > 500 ? error[..500] : error;
                job["FailedAt"] = now;
                try { await store.UpdateAsync(NoticeTables.Jobs, job, job.ETag!, cancellationToken); }
                catch (ConcurrencyConflictException) { continue; } // a delivery is working on it right now
                await store.DeleteAsync(NoticeTables.Jobs, NoticeTables.PendingPartition, jobId, null, cancellationToken);
                await incidents.ChangeAsync(incidentId, null, (incident, at) => incident.Record("notice-failed",
                    [new FieldChange("job." + jobId, status, JobStatus.Failed)], job.GetString("Error"),
                    StoredJson.Serialize(new { notificationId, jobId, exhausted = true, enqueues, attempts = job.GetInt32("Attempts") }), Actor.System, at), cancellationToken);
                await notifications.JobFinishedAsync(incidentId, notificationId, job.GetInt32("Ordinal") ?? 0, sent: false, cancellationToken);
                telemetry.NoticeJob(Telemetry.BreachNotifyTelemetry.NoticeOutcome.Failed, job.GetInt32("RecipientCount") ?? 0);
                LogExhausted(jobId, enqueues, job.GetInt32("Attempts") ?? 0);
                exhausted++;
                continue;
            }
            job["Enqueues"] = enqueues + 1;
            job["LastEnqueuedAt"] = now;
            try { await store.UpdateAsync(NoticeTables.Jobs, job, job.ETag!, cancellationToken); }
            catch (ConcurrencyConflictException) { continue; }
            // If this enqueue is lost too, the next sweep after RequeueAfter tries again.
            await queue.EnqueueAsync([new QueueMessage(jobId + ".r" + enqueues.ToString(CultureInfo.InvariantCulture), new NoticeJobMessage(jobId, incidentId, notificationId).ToJson())], cancellationToken);
            LogRequeued(jobId, enqueues + 1);
            requeued++;
        }
        return new SweepResult(pending, requeued, exhausted, cleaned);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice job {JobId} was still waiting; enqueued again (enqueue {Enqueues})")]
    private partial void LogRequeued(string jobId, int enqueues);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notice job {JobId} exhausted its retries ({Enqueues} enqueues, {Attempts} attempts); marked failed")]
    private partial void LogExhausted(string jobId, int enqueues, int attempts);
}
