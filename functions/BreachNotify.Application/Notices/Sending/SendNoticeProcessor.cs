using BreachNotify.Application.Organisation;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
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
    ITableStore store,
    IEmailSender sender,
    IncidentService incidents,
    NotificationService notifications,
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
        TableEntity? job = null;
        for (var attempt = 1; ; attempt++)
        {
            job = IncidentRepository.IsValidId(jobId) ? await store.GetAsync(NoticeTables.Jobs, jobId, NoticeTables.JobRow, cancellationToken) : null;
            if (job is null) { LogInvalid("unknown job"); return new SendResult(SendOutcome.Invalid, $"Job {jobId} does not exist: acknowledged."); }
            var status = job.GetString("Status");
            if (status is JobStatus.Sent or JobStatus.Failed) { LogAlreadyDone(jobId, status); return new SendResult(SendOutcome.AlreadyDone, $"Job {jobId} is already {status}: acknowledged without sending."); }
            var now = time.GetUtcNow();
            if (status == JobStatus.Sending && job.GetDateTimeOffset("LeaseUntil") is { } until && until > now)
                return new SendResult(SendOutcome.Busy, $"Job {jobId} is being sent by another delivery until {Incident.Format(until)}; retry.");
            job["Status"] = JobStatus.Sending;
            job["LeaseUntil"] = now + options.Value.SendLease;
            job["Attempts"] = (job.GetInt32("Attempts") ?? 0) + 1;
            job["LastAttemptAt"] = now;
            try
            {
                job.ETag = await store.UpdateAsync(NoticeTables.Jobs, job, job.ETag!, cancellationToken);
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

        var incidentId = job.GetString("IncidentId")!;
        var notificationId = job.GetString("NotificationId")!;
        var language = job.GetString("Language")!;
        var kind = job.GetString("Kind")!;
        var notice = await RenderedAsync(incidentId, notificationId, language, cancellationToken);
        var recipients = await RecipientsAsync(incidentId, jobId, language, cancellationToken);
        if (recipients.Count == 0)
            return await FinishAsync(job, incidentId, notificationId, sent: false, null, "No recipient of this job exists any more.", null, notice, 0, cancellationToken);

        var org = organisation.Value;
        var mail = new EmailMessage(
            jobId,
            email.Value.FromAddress,
            notice.Subject, notice.Text, notice.Html, recipients,
            string.IsNullOrWhiteSpace(org.Dpo.Email) ? null : new EmailAddress(org.Dpo.Email, org.Dpo.Name),
            new Dictionary<string, string> { ["incidentId"] = incidentId, ["notificationId"] = notificationId, ["jobId"] = jobId },
            ["breachnotify", "notice-" + kind],
            language);

        EmailSendResult result;
        try
        {
            result = await sender.SendAsync(mail, cancellationToken);
        }
        catch (EmailTransientException ex)
        {
            // Give the lease back so the next delivery can send at once.
            job["Status"] = JobStatus.Queued;
            job["LeaseUntil"] = null;
            job["LastError"] = Trim(ex.Message);
            job["LastErrorStatus"] = ex.StatusCode ?? 0;
            try { await store.UpdateAsync(NoticeTables.Jobs, job, job.ETag!, CancellationToken.None); }
            catch (StorageException) { /* the lease runs out by itself */ }
            LogTransient(jobId, "email", ex.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "network");
            return new SendResult(SendOutcome.Transient, $"Job {jobId}: transient e-mail failure ({ex.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "network"}); retry.");
        }
        catch (EmailPermanentException ex)
        {
            LogPermanent(jobId, ex.StatusCode);
            return await FinishAsync(job, incidentId, notificationId, sent: false, null, Trim(ex.Message), ex.StatusCode, notice, recipients.Count, cancellationToken);
        }
        LogSent(jobId, recipients.Count, result.ProviderMessageId);
        return await FinishAsync(job, incidentId, notificationId, sent: true, result, null, null, notice, recipients.Count, cancellationToken);
    }

    /// <summary>Marks the job sent or failed (conditional on the lease's ETag), clears it from the sweep and counts it on the notification.</summary>
    private async Task<SendResult> FinishAsync(TableEntity job, string incidentId, string notificationId, bool sent, EmailSendResult? result, string? error, int? errorStatus, RenderedNotice notice, int count, CancellationToken cancellationToken)
    {
        var jobId = job.PartitionKey;
        var now = time.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            job["Status"] = sent ? JobStatus.Sent : JobStatus.Failed;
            job["LeaseUntil"] = null;
            job["TemplateVersion"] = notice.TemplateVersion;
            job["BodySha256"] = notice.BodySha256;
            if (sent)
            {
                job["SentAt"] = result!.AcceptedAt;
                job["ProviderMessageId"] = result.ProviderMessageId;
                job["RecipientCount"] = count;
            }
            else
            {
                job["Error"] = error;
                job["ErrorStatus"] = errorStatus ?? 0;
                job["FailedAt"] = now;
            }
            try
            {
                await store.UpdateAsync(NoticeTables.Jobs, job, job.ETag!, CancellationToken.None);
                break;
            }
            catch (ConcurrencyConflictException) when (attempt < 5)
            {
                // The lease ran out and another delivery took the job; what we did still happened: record it on the latest copy.
                job = (await store.GetAsync(NoticeTables.Jobs, jobId, NoticeTables.JobRow, CancellationToken.None))!;
                if (job.GetString("Status") is JobStatus.Sent or JobStatus.Failed) break;
            }
        }
        await store.DeleteAsync(NoticeTables.Jobs, NoticeTables.PendingPartition, jobId, null, CancellationToken.None);
        if (!sent)
        {
            await incidents.ChangeAsync(incidentId, null, (incident, at) => incident.Record("notice-failed",
                [new FieldChange("job." + jobId, JobStatus.Sending, JobStatus.Failed)],
                error, StoredJson.Serialize(new { notificationId, jobId, status = errorStatus, recipients = job.GetInt32("RecipientCount") }), Actor.System, at), CancellationToken.None);
        }
        await notifications.JobFinishedAsync(incidentId, notificationId, job.GetInt32("Ordinal") ?? 0, sent, CancellationToken.None);
        return sent
            ? new SendResult(SendOutcome.Sent, $"Job {jobId}: sent to {count} recipients (message id {result!.ProviderMessageId}).", count)
            : new SendResult(SendOutcome.Permanent, $"Job {jobId}: failed permanently ({errorStatus?.ToString(CultureInfo.InvariantCulture) ?? "no recipients"}); recorded, not retried.", job.GetInt32("RecipientCount") ?? 0);
    }

    private async Task<RenderedNotice> RenderedAsync(string incidentId, string notificationId, string language, CancellationToken cancellationToken)
    {
        var key = notificationId + "|" + language;
        if (_notices.TryGetValue(key, out var cached)) return cached;
        var row = await store.GetAsync(NoticeTables.Notifications, incidentId, NoticeTables.RenderedRow(notificationId, language), cancellationToken)
            ?? throw new StorageException($"Rendered notice {notificationId}/{language} is missing.");
        var notice = NotificationService.FromEntity(row);
        if (_notices.Count > 256) _notices.Clear();
        _notices[key] = notice;
        return notice;
    }

    /// <summary>The job's recipients with their salutation, read several at a time; a recipient gone meanwhile is skipped.</summary>
    private async Task<IReadOnlyList<EmailRecipient>> RecipientsAsync(string incidentId, string jobId, string language, CancellationToken cancellationToken)
    {
        var list = await store.GetAsync(NoticeTables.Jobs, jobId, NoticeTables.RecipientsRow, cancellationToken)
            ?? throw new StorageException($"Recipient list of job {jobId} is missing.");
        var lexicon = NoticeLexicon.For(language);
        if (list.GetString("Direct") is { } direct)
        {
            return JsonSerializer.Deserialize<List<EmailAddressRecord>>(direct, StoredJson.Options)!
                .Select(a => new EmailRecipient(new EmailAddress(a.Address, a.Name), Salutation(lexicon, null))).ToList();
        }
        var keys = list.GetBinary("Keys") ?? [];
        var byShard = new Dictionary<int, SortedSet<string>>();
        for (var i = 0; i < keys.Length / 32; i++)
        {
            var hash = keys.AsSpan(i * 32, 32);
            var shard = RecipientKeys.Shard(hash);
            if (!byShard.TryGetValue(shard, out var set)) byShard[shard] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(RecipientKeys.RowKey(hash));
        }
        var found = new System.Collections.Concurrent.ConcurrentBag<EmailRecipient>();
        await Parallel.ForEachAsync(byShard, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ReadParallelism, CancellationToken = cancellationToken }, async (pair, ct) =>
        {
            foreach (var r in await ReadShardAsync(incidentId, pair.Key, pair.Value, ct))
                found.Add(new EmailRecipient(new EmailAddress(r.Email, r.Name), Salutation(lexicon, r.Name)));
        });
        return found.OrderBy(r => r.To.Address, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// A job's recipients in one partition. They were bucketed in key order, so they usually sit in a narrow key range:
    /// one range query reads them (plus the other languages' rows in between). When the range turns out wide (a rare
    /// language), reading stops after a bounded number of rows and the rest are point reads.
    /// </summary>
    private async Task<List<Recipient>> ReadShardAsync(string incidentId, int shard, SortedSet<string> wanted, CancellationToken cancellationToken)
    {
        var partition = RecipientKeys.Partition(incidentId, shard);
        var result = new List<Recipient>(wanted.Count);
        var missing = new HashSet<string>(wanted, StringComparer.Ordinal);
        var budget = (4L * wanted.Count) + 1000;
        long read = 0;
        var query = new TableQuery(partition, wanted.Min, wanted.Max + "0");
        await foreach (var e in store.QueryAllAsync(RecipientKeys.Table, query, cancellationToken))
        {
            if (missing.Remove(e.RowKey)) result.Add(RecipientRepository.FromEntity(e).Recipient);
            if (missing.Count == 0 || ++read > budget) break;
        }
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ReadParallelism, CancellationToken = cancellationToken }, async (rowKey, ct) =>
        {
            var e = await store.GetAsync(RecipientKeys.Table, partition, rowKey, ct);
            if (e is null) return; // removed meanwhile
            lock (result) result.Add(RecipientRepository.FromEntity(e).Recipient);
        });
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message acknowledged without sending: {Reason}")]
    private partial void LogInvalid(string reason);
}
