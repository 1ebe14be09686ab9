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

/// <param name="Resumed">Notifications a crash left half-created that this sweep finished.</param>
public sealed record SweepResult(int Pending, int Requeued, int Exhausted, int Cleaned, int Resumed = 0);

/// <summary>
/// The NoticeSweep timer: reads the <c>pending</c> partition (never a scan) and enqueues again every job still queued
/// (or leased with an expired lease) <see cref="NoticeOptions.RequeueAfter"/> after its last enqueue: an enqueue that
/// was lost, or a message Service Bus dead-lettered after its deliveries ran out. Each re-enqueue uses a new message id
/// (<c>{jobId}.r{n}</c>) so duplicate detection does not drop it. After <see cref="NoticeOptions.MaxEnqueues"/> the job
/// is reported as exhausted, marked failed and recorded on the incident. It also finishes notifications a crash left in
/// <c>creating</c> (partition <c>creating</c>) once they are <see cref="NoticeOptions.RequeueAfter"/> old: their jobs are
/// written and queued and the notification recorded, as the request would have (a retry with the same key does the same).
/// </summary>
public sealed partial class NoticeSweeper(
    NoticeJobRepository jobs,
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
        foreach (var row in await jobs.ListPendingAsync(cancellationToken))
        {
            pending++;
            var jobId = row.JobId;
            var job = await jobs.FindAsync(jobId, cancellationToken);
            if (job is null) continue; // its notification is still being written
            if (job.IsDone)
            {
                await jobs.RemovePendingAsync(jobId, cancellationToken);
                cleaned++;
                continue;
            }
            var now = time.GetUtcNow();
            var staleSince = job.LastEnqueuedAt ?? job.CreatedAt;
            var leased = job.Status == JobStatus.Sending && job.LeaseUntil is { } until && until > now;
            if (leased || now - staleSince < o.RequeueAfter) continue;

            var enqueues = job.Enqueues;
            var status = NoticeJobRepository.Wire(job.Status);
            if (enqueues >= o.MaxEnqueues)
            {
                var error = string.Create(CultureInfo.InvariantCulture, $"Retries exhausted: enqueued {enqueues} times, {job.Attempts} send attempts; last error: {job.LastError ?? "none recorded"}");
                try { job = await jobs.UpdateAsync(job with { Status = JobStatus.Failed, LeaseUntil = null, Error = error.Length > 500 ? error[..500] : error, FailedAt = now }, cancellationToken); }
                catch (ConcurrencyConflictException) { continue; } // a delivery is working on it right now
                await jobs.RemovePendingAsync(jobId, cancellationToken);
                var failed = job;
                await incidents.ChangeAsync(job.IncidentId, null, (incident, at) => incident.Record("notice-failed",
                    [new FieldChange("job." + jobId, status, "failed")], failed.Error,
                    StoredJson.Serialize(new { notificationId = failed.NotificationId, jobId, exhausted = true, enqueues, attempts = failed.Attempts }), Actor.System, at), cancellationToken);
                await notifications.JobFinishedAsync(job.IncidentId, job.NotificationId, job.Ordinal, sent: false, cancellationToken);
                telemetry.NoticeJob(Telemetry.BreachNotifyTelemetry.NoticeOutcome.Failed, job.RecipientCount);
                LogExhausted(jobId, enqueues, job.Attempts);
                exhausted++;
                continue;
            }
            try { job = await jobs.UpdateAsync(job with { Enqueues = enqueues + 1, LastEnqueuedAt = now }, cancellationToken); }
            catch (ConcurrencyConflictException) { continue; }
            // If this enqueue is lost too, the next sweep after RequeueAfter tries again.
            await queue.EnqueueAsync([new QueueMessage(jobId + ".r" + enqueues.ToString(CultureInfo.InvariantCulture), new NoticeJobMessage(jobId, job.IncidentId, job.NotificationId).ToJson())], cancellationToken);
            LogRequeued(jobId, enqueues + 1);
            requeued++;
        }
        // After the jobs: a resumed notification enqueues its own jobs (those a crashed request wrote early are not stale then).
        var resumed = await ResumeCreatingAsync(o, cancellationToken);
        return new SweepResult(pending, requeued, exhausted, cleaned, resumed);
    }

    private async Task<int> ResumeCreatingAsync(NoticeOptions o, CancellationToken cancellationToken)
    {
        var resumed = 0;
        foreach (var c in await jobs.ListCreatingAsync(cancellationToken))
        {
            // Younger ones may still be written by their request.
            if (time.GetUtcNow() - c.At < o.RequeueAfter) continue;
            try
            {
                if (await notifications.ResumeAsync(c.IncidentId, c.NotificationId, cancellationToken) is null)
                {
                    await jobs.UnmarkCreatingAsync(c.NotificationId, cancellationToken); // never written, or finished meanwhile
                    continue;
                }
                resumed++;
            }
            catch (Exception ex) when (ex is Domain.Common.InvalidStateException or NotFoundException or Domain.Common.DomainValidationException)
            {
                LogResumeFailed(c.NotificationId, ex.GetType().Name);
            }
        }
        return resumed;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {NotificationId} was left half-created and could not be finished ({ExceptionType}); the next sweep tries again")]
    private partial void LogResumeFailed(string notificationId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice job {JobId} was still waiting; enqueued again (enqueue {Enqueues})")]
    private partial void LogRequeued(string jobId, int enqueues);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notice job {JobId} exhausted its retries ({Enqueues} enqueues, {Attempts} attempts); marked failed")]
    private partial void LogExhausted(string jobId, int enqueues, int attempts);
}
