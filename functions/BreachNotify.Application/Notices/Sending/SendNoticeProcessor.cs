using BreachNotify.Application.Organisation;
using System.Collections.Concurrent;
using System.Globalization;
using BreachNotify.Application.Common;
using BreachNotify.Application.Email;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Sending;

public enum SendOutcome
{
    /// <summary>The job was sent now.</summary>
    Sent,
    /// <summary>Already sent or failed earlier: acknowledged without sending (redelivery).</summary>
    AlreadyDone,
    /// <summary>Another delivery holds the job's lease: retry later.</summary>
    Busy,
    /// <summary>Throttling, a provider 5xx or storage trouble: retry later.</summary>
    Transient,
    /// <summary>The provider refused the message for good (400/401/403/413): recorded on the job and the incident.</summary>
    Permanent,
    /// <summary>The message names no job we know: acknowledged (retrying cannot help).</summary>
    Invalid,
}

/// <param name="Recipients">How many recipients the job held (for a job sent or failed now; 0 otherwise).</param>
/// <param name="Refused">How many recipients were refused alone by this delivery (the rest of the job was sent).</param>
public sealed record SendResult(SendOutcome Outcome, string Log, int Recipients = 0, int Refused = 0)
{
    /// <summary>Whether the queue should deliver the message again.</summary>
    public bool Retry => Outcome is SendOutcome.Busy or SendOutcome.Transient;
}

/// <summary>
/// The SendNotice use case: sends one notice job, exactly once in effect where the sender can know it. A delivery first
/// leases the job with an ETag-conditional update (a concurrent or repeated delivery sees the lease and backs off; a job
/// already sent or failed is acknowledged without sending), then sends its recipients in the sender's units
/// (<see cref="IEmailSender.RecipientsPerSend"/>: one SendGrid request, a batch of outbox files), in the job's recipient
/// order, recording after each unit how far it got (<see cref="NoticeJob.Progress"/>, conditional on the lease's ETag, which
/// also extends the lease) before it sends the next; then marks the job sent with the proof (template version, body hash,
/// recipient count, send time, provider message id). A delivery that takes the job over once a lease ran out (a crash)
/// starts at the recorded progress, and a delivery whose lease was taken over meanwhile stops at its next record. What
/// remains at least once: the unit in flight when a process died (accepted by the provider, not yet recorded); see
/// docs/notices.md. A recipient the provider refuses fails alone, with its reason; the rest of the job is sent.
/// </summary>
public sealed partial class SendNoticeProcessor(
    NoticeJobRepository jobs,
    NotificationRepository notifications,
    RecipientRepository recipients,
    IEmailSender sender,
    IncidentService incidents,
    NotificationService notificationService,
    IOptions<NoticeOptions> options,
    IOptions<OrganisationOptions> organisation,
    IOptions<EmailOptions> email,
    TimeProvider time,
    ILogger<SendNoticeProcessor> logger)
{
    private readonly ConcurrentDictionary<string, RenderedNotice> _notices = new(StringComparer.Ordinal);

    public async Task<SendResult> ProcessAsync(string? body, CancellationToken cancellationToken = default)
    {
        var message = NoticeJobMessage.TryParse(body);
        if (message is null) { LogInvalid("malformed"); return new SendResult(SendOutcome.Invalid, "Message is not a notice job: acknowledged."); }
        try
        {
            return await ProcessJobAsync(message, cancellationToken);
        }
        catch (StorageUnavailableException ex)
        {
            LogTransient(message.JobId, "storage", ex.Message);
            return new SendResult(SendOutcome.Transient, $"Job {message.JobId}: storage unavailable; retry.");
        }
    }

    private async Task<SendResult> ProcessJobAsync(NoticeJobMessage message, CancellationToken cancellationToken)
    {
        var jobId = message.JobId;
        NoticeJob? job;
        for (var attempt = 1; ; attempt++)
        {
            job = IncidentRepository.IsValidId(jobId) ? await jobs.FindAsync(jobId, cancellationToken) : null;
            if (job is null) { LogInvalid("unknown job"); return new SendResult(SendOutcome.Invalid, $"Job {jobId} does not exist: acknowledged."); }
            var status = NoticeJobRepository.Wire(job.Status);
            if (job.IsDone) { LogAlreadyDone(jobId, status); return new SendResult(SendOutcome.AlreadyDone, $"Job {jobId} is already {status}: acknowledged without sending."); }
            var now = time.GetUtcNow();
            if (job.Status == JobStatus.Sending && job.LeaseUntil is { } until && until > now)
                return new SendResult(SendOutcome.Busy, $"Job {jobId} is being sent by another delivery until {Incident.Format(until)}; retry.");
            try
            {
                job = await jobs.UpdateAsync(job with { Status = JobStatus.Sending, LeaseUntil = now + options.Value.SendLease, Attempts = job.Attempts + 1, LastAttemptAt = now }, cancellationToken);
                break;
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                // Someone else moved the job meanwhile: look again.
            }
            catch (ConcurrencyConflictException)
            {
                return new SendResult(SendOutcome.Busy, $"Job {jobId} is contended; retry.");
            }
        }

        var notice = await RenderedAsync(job.IncidentId, job.NotificationId, job.Language, job.Variant, cancellationToken);
        var pending = await PendingRecipientsAsync(job, cancellationToken);
        if (pending.Count == 0 && job.SentRecipients == 0)
            return await FinishAsync(job, job.Refused > 0 ? "Every recipient was refused." : "No recipient of this job has an address any more (removed or erased).", null, notice, 0, cancellationToken);

        var org = organisation.Value;
        var template = new EmailMessage(
            jobId,
            email.Value.NoticeFrom(org.Name),
            notice.Subject, notice.Text, notice.Html, [],
            string.IsNullOrWhiteSpace(org.Dpo.Email) ? null : new EmailAddress(org.Dpo.Email, org.Dpo.Name),
            new Dictionary<string, string> { ["incidentId"] = job.IncidentId, ["notificationId"] = job.NotificationId, ["jobId"] = jobId },
            ["breachnotify", "notice-" + job.Kind.ToWire()],
            job.Language.ToWire());

        var unit = Math.Clamp(sender.RecipientsPerSend, 1, EmailMessage.MaxRecipients);
        var refusedNow = 0;
        string? firstRefusal = null;
        for (var start = 0; start < pending.Count; start += unit)
        {
            var batch = pending.GetRange(start, Math.Min(unit, pending.Count - start));
            EmailSendResult result;
            try
            {
                result = await sender.SendAsync(template with { Recipients = batch.Select(p => p.Recipient).ToList() }, cancellationToken);
            }
            catch (EmailTransientException ex)
            {
                // Give the lease back (keeping the progress) so the next delivery can go on at once.
                try { await jobs.UpdateAsync(job with { Status = JobStatus.Queued, LeaseUntil = null, LastError = Trim(ex.Message), LastErrorStatus = ex.StatusCode ?? 0 }, CancellationToken.None); }
                catch (StorageException) { /* the lease runs out by itself */ }
                LogTransient(jobId, "email", ex.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "network");
                return new SendResult(SendOutcome.Transient, $"Job {jobId}: transient e-mail failure ({ex.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "network"}); retry.");
            }
            catch (EmailPermanentException ex)
            {
                LogPermanent(jobId, ex.StatusCode);
                if (job.SentRecipients == 0) return await FinishAsync(job, Trim(ex.Message), ex.StatusCode, notice, refusedNow, cancellationToken);
                // Part of the job went out already: what is left is refused, with the provider's answer as the reason.
                var rest = pending.GetRange(start, pending.Count - start);
                await RecordRefusedAsync(job, rest.Select(p => (p, Trim(ex.Message))).ToList(), cancellationToken);
                job = job with { Progress = rest[^1].Position + 1, Refused = job.Refused + rest.Count };
                refusedNow += rest.Count;
                break;
            }

            var refused = result.Refused.Where(r => r.Index >= 0 && r.Index < batch.Count).DistinctBy(r => r.Index).ToList();
            if (refused.Count > 0)
            {
                await RecordRefusedAsync(job, refused.Select(r => (batch[r.Index], r.Reason)).ToList(), cancellationToken);
                firstRefusal ??= refused[0].Reason;
                LogRefused(jobId, refused.Count);
            }
            var accepted = batch.Count - refused.Count;
            refusedNow += refused.Count;
            job = job with
            {
                Progress = batch[^1].Position + 1,
                SentRecipients = job.SentRecipients + accepted,
                Refused = job.Refused + refused.Count,
                SentAt = job.SentAt ?? (accepted > 0 ? result.AcceptedAt : null),
                ProviderMessageId = job.ProviderMessageId ?? (accepted > 0 ? result.ProviderMessageId : null),
                LeaseUntil = time.GetUtcNow() + options.Value.SendLease,
            };
            if (start + unit >= pending.Count) break; // the last unit is recorded by marking the job done
            try
            {
                // Recorded before the next unit goes out: a delivery that takes over after a crash starts after this one.
                job = await jobs.UpdateAsync(job, CancellationToken.None);
            }
            catch (ConcurrencyConflictException)
            {
                // Our lease ran out and another delivery took the job: it goes on from the progress it read.
                LogLeaseLost(jobId, job.Progress);
                return new SendResult(SendOutcome.Busy, $"Job {jobId}: its lease was taken over by another delivery, which continues from the recorded progress.");
            }
        }
        if (job.SentRecipients > 0) LogSent(jobId, job.SentRecipients, job.ProviderMessageId);
        return await FinishAsync(job, job.SentRecipients > 0 ? null : "Every recipient was refused: " + (firstRefusal ?? "no reason given"), null, notice, refusedNow, cancellationToken);
    }

    /// <summary>Refused recipients' delivery rows (a configured address has none: the job's error says it).</summary>
    private Task RecordRefusedAsync(NoticeJob job, IReadOnlyList<(PendingRecipient Recipient, string Reason)> refused, CancellationToken cancellationToken)
    {
        var rows = refused.Where(r => r.Recipient.Key is not null).Select(r => (r.Recipient.Key!, r.Reason)).ToList();
        return rows.Count == 0 ? Task.CompletedTask : jobs.RecordRefusedAsync(job.JobId, rows, time.GetUtcNow(), CancellationToken.None);
    }

    /// <summary>
    /// Marks the job done (conditional on the lease's ETag): sent when any recipient was sent, with the proof, else failed
    /// with <paramref name="error"/>; clears it from the sweep and counts it on the notification.
    /// </summary>
    private async Task<SendResult> FinishAsync(NoticeJob job, string? error, int? errorStatus, RenderedNotice notice, int refusedNow, CancellationToken cancellationToken)
    {
        var jobId = job.JobId;
        var now = time.GetUtcNow();
        var ours = job;
        var sent = ours.SentRecipients > 0;
        for (var attempt = 1; ; attempt++)
        {
            var done = job with
            {
                Status = sent ? JobStatus.Sent : JobStatus.Failed, LeaseUntil = null, TemplateVersion = notice.TemplateVersion, BodySha256 = notice.BodySha256,
                Progress = Math.Max(job.Progress, ours.Progress), SentRecipients = Math.Max(job.SentRecipients, ours.SentRecipients), Refused = Math.Max(job.Refused, ours.Refused),
                SentAt = ours.SentAt ?? job.SentAt, ProviderMessageId = ours.ProviderMessageId ?? job.ProviderMessageId,
            };
            done = sent
                ? done with { RecipientCount = done.SentRecipients }
                : done with { Error = error, ErrorStatus = errorStatus ?? 0, FailedAt = now };
            try
            {
                job = await jobs.UpdateAsync(done, CancellationToken.None);
                break;
            }
            catch (ConcurrencyConflictException) when (attempt < 5)
            {
                // The lease ran out and another delivery took the job; what we did still happened: record it on the latest copy.
                job = (await jobs.FindAsync(jobId, CancellationToken.None))!;
                if (job.IsDone) break;
            }
        }
        await jobs.RemovePendingAsync(jobId, CancellationToken.None);
        if (!sent)
        {
            await incidents.ChangeAsync(job.IncidentId, null, (incident, at) => incident.Record("notice-failed",
                [new FieldChange("job." + jobId, "sending", "failed")],
                error, StoredJson.Serialize(new { notificationId = job.NotificationId, jobId, status = errorStatus, recipients = job.RecipientCount }), Actor.System, at), CancellationToken.None);
        }
        await notificationService.JobFinishedAsync(job.IncidentId, job.NotificationId, job.Ordinal, sent, CancellationToken.None);
        return sent
            ? new SendResult(SendOutcome.Sent, string.Create(CultureInfo.InvariantCulture, $"Job {jobId}: sent to {ours.SentRecipients} recipients{(ours.Refused > 0 ? $", {ours.Refused} refused" : "")} (message id {ours.ProviderMessageId})."), ours.SentRecipients, refusedNow)
            : new SendResult(SendOutcome.Permanent, $"Job {jobId}: failed permanently ({errorStatus?.ToString(CultureInfo.InvariantCulture) ?? (ours.Refused > 0 ? "every recipient refused" : "no recipients")}); recorded, not retried.", job.RecipientCount, refusedNow);
    }

    private async Task<RenderedNotice> RenderedAsync(string incidentId, string notificationId, NoticeLanguage language, string variant, CancellationToken cancellationToken)
    {
        var key = notificationId + "|" + language.ToWire() + "|" + variant;
        if (_notices.TryGetValue(key, out var cached)) return cached;
        var notice = await notifications.FindRenderedAsync(incidentId, notificationId, language, variant, cancellationToken)
            ?? throw new StorageException($"Rendered notice {notificationId}/{language.ToWire()} {variant} is missing.");
        if (_notices.Count > 256) _notices.Clear();
        _notices[key] = notice;
        return notice;
    }

    /// <summary>One recipient still to send: its position in the job's list, its key (null for a configured address) and its copy.</summary>
    private sealed record PendingRecipient(int Position, string? Key, EmailRecipient Recipient);

    /// <summary>The job's recipients from its recorded progress on, in the job's order, each with a salutation; a recipient
    /// gone or erased meanwhile is skipped.</summary>
    private async Task<List<PendingRecipient>> PendingRecipientsAsync(NoticeJob job, CancellationToken cancellationToken)
    {
        var list = await jobs.GetRecipientsAsync(job.JobId, cancellationToken);
        var lexicon = NoticeLexicon.For(job.Language.ToWire());
        if (list.Direct is { } direct)
            return job.Progress > 0 ? [] : [new PendingRecipient(0, null, new EmailRecipient(new EmailAddress(direct.Address, direct.Name), Salutation(lexicon, null)))];
        var from = Math.Min(job.Progress, list.KeyCount);
        var keys = new List<string>(list.KeyCount - from);
        for (var i = from; i < list.KeyCount; i++) keys.Add(RecipientKeys.RowKey(list.Key(i)));
        // An erased recipient has no address any more: left out, like one deleted.
        var found = (await recipients.ReadManyAsync(job.IncidentId, keys, options.Value.ReadParallelism, cancellationToken))
            .Where(r => r.Contact is not null).ToDictionary(r => r.Key, StringComparer.Ordinal);
        var result = new List<PendingRecipient>(found.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (!found.TryGetValue(keys[i], out var r)) continue;
            result.Add(new PendingRecipient(from + i, keys[i], new EmailRecipient(new EmailAddress(r.Contact!.Email, r.Contact.Name), Salutation(lexicon, r.Contact.Name))));
        }
        return result;
    }

    private static Dictionary<string, string> Salutation(NoticeLexicon lexicon, string? name)
    {
        var text = lexicon.Salutation(name);
        return new Dictionary<string, string>
        {
            [NoticeComposer.SalutationToken] = text,
            // Substitutions are inserted verbatim by the providers: the HTML one is escaped here.
            [NoticeComposer.SalutationHtmlToken] = Templates.Html.Escape(text),
        };
    }

    private static string Trim(string message) => message.Length <= 500 ? message : message[..500];

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice job {JobId} sent to {Recipients} recipients, provider message id {ProviderMessageId}")]
    private partial void LogSent(string jobId, int recipients, string? providerMessageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice job {JobId} already {Status}; redelivery acknowledged")]
    private partial void LogAlreadyDone(string jobId, string? status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice job {JobId}: transient {Source} failure ({Detail}); will be retried")]
    private partial void LogTransient(string jobId, string source, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notice job {JobId} refused permanently with status {Status}; recorded as failed")]
    private partial void LogPermanent(string jobId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice job {JobId}: {Refused} recipients refused alone at send time; the others were sent")]
    private partial void LogRefused(string jobId, int refused);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice job {JobId}: lease taken over by another delivery at progress {Progress}; stopped")]
    private partial void LogLeaseLost(string jobId, int progress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message acknowledged without sending: {Reason}")]
    private partial void LogInvalid(string reason);
}
