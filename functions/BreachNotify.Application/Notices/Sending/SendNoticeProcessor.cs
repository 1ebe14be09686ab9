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
public sealed record SendResult(SendOutcome Outcome, string Log, int Recipients = 0)
{
    /// <summary>Whether the queue should deliver the message again.</summary>
    public bool Retry => Outcome is SendOutcome.Busy or SendOutcome.Transient;
}

/// <summary>
/// The SendNotice use case: sends one notice job, exactly once in effect. A delivery first leases the job with an
/// ETag-conditional update (a concurrent or repeated delivery sees the lease and backs off; a job already sent or
/// failed is acknowledged without sending), then sends one message with up to 1000 recipients, then marks the job sent
/// with the proof (template version, body hash, recipient count, send time, provider message id) — again conditional.
/// The remaining window: a crash after the provider accepted and before the mark leaves the job leased; once the lease
/// runs out the job is sent again (at least once; see docs/notices.md).
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
        var to = await RecipientsAsync(job, cancellationToken);
        if (to.Count == 0)
            return await FinishAsync(job, sent: false, null, "No recipient of this job has an address any more (removed or erased).", null, notice, 0, cancellationToken);

        var org = organisation.Value;
        var mail = new EmailMessage(
            jobId,
            email.Value.NoticeFrom(org.Name),
            notice.Subject, notice.Text, notice.Html, to,
            string.IsNullOrWhiteSpace(org.Dpo.Email) ? null : new EmailAddress(org.Dpo.Email, org.Dpo.Name),
            new Dictionary<string, string> { ["incidentId"] = job.IncidentId, ["notificationId"] = job.NotificationId, ["jobId"] = jobId },
            ["breachnotify", "notice-" + job.Kind.ToWire()],
            job.Language.ToWire());

        EmailSendResult result;
        try
        {
            result = await sender.SendAsync(mail, cancellationToken);
        }
        catch (EmailTransientException ex)
        {
            // Give the lease back so the next delivery can send at once.
            try { await jobs.UpdateAsync(job with { Status = JobStatus.Queued, LeaseUntil = null, LastError = Trim(ex.Message), LastErrorStatus = ex.StatusCode ?? 0 }, CancellationToken.None); }
            catch (StorageException) { /* the lease runs out by itself */ }
            LogTransient(jobId, "email", ex.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "network");
            return new SendResult(SendOutcome.Transient, $"Job {jobId}: transient e-mail failure ({ex.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "network"}); retry.");
        }
        catch (EmailPermanentException ex)
        {
            LogPermanent(jobId, ex.StatusCode);
            return await FinishAsync(job, sent: false, null, Trim(ex.Message), ex.StatusCode, notice, to.Count, cancellationToken);
        }
        LogSent(jobId, to.Count, result.ProviderMessageId);
        return await FinishAsync(job, sent: true, result, null, null, notice, to.Count, cancellationToken);
    }

    /// <summary>Marks the job sent or failed (conditional on the lease's ETag), clears it from the sweep and counts it on the notification.</summary>
    private async Task<SendResult> FinishAsync(NoticeJob job, bool sent, EmailSendResult? result, string? error, int? errorStatus, RenderedNotice notice, int count, CancellationToken cancellationToken)
    {
        var jobId = job.JobId;
        var now = time.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            var done = job with { Status = sent ? JobStatus.Sent : JobStatus.Failed, LeaseUntil = null, TemplateVersion = notice.TemplateVersion, BodySha256 = notice.BodySha256 };
            done = sent
                ? done with { SentAt = result!.AcceptedAt, ProviderMessageId = result.ProviderMessageId, RecipientCount = count }
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
            ? new SendResult(SendOutcome.Sent, $"Job {jobId}: sent to {count} recipients (message id {result!.ProviderMessageId}).", count)
            : new SendResult(SendOutcome.Permanent, $"Job {jobId}: failed permanently ({errorStatus?.ToString(CultureInfo.InvariantCulture) ?? "no recipients"}); recorded, not retried.", job.RecipientCount);
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

    /// <summary>The job's recipients with their salutation; a recipient gone or erased meanwhile is skipped.</summary>
    private async Task<IReadOnlyList<EmailRecipient>> RecipientsAsync(NoticeJob job, CancellationToken cancellationToken)
    {
        var list = await jobs.GetRecipientsAsync(job.JobId, cancellationToken);
        var lexicon = NoticeLexicon.For(job.Language.ToWire());
        if (list.Direct is { } direct) return [new EmailRecipient(new EmailAddress(direct.Address, direct.Name), Salutation(lexicon, null))];
        var keys = Enumerable.Range(0, list.KeyCount).Select(i => RecipientKeys.RowKey(list.Key(i))).ToList();
        var found = await recipients.ReadManyAsync(job.IncidentId, keys, options.Value.ReadParallelism, cancellationToken);
        // An erased recipient has no address any more: left out, like one deleted.
        return found.Where(r => r.Contact is not null)
            .Select(r => new EmailRecipient(new EmailAddress(r.Contact!.Email, r.Contact.Name), Salutation(lexicon, r.Contact.Name)))
            .OrderBy(r => r.To.Address, StringComparer.Ordinal).ToList();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message acknowledged without sending: {Reason}")]
    private partial void LogInvalid(string reason);
}
