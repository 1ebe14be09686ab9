using BreachNotify.Application.Organisation;
using System.Globalization;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Application.Queue;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Jobs;

/// <param name="Override">Send although the recorded decision does not call for this notice; needs <paramref name="Rationale"/>.</param>
public sealed record NotificationRequest(string? Kind, string? Phase, string? Language, string? ReasonsForDelay, bool Override, string? Rationale);

public sealed record NotificationCreated(string NotificationId, int Jobs, long Recipients, bool Replayed);

/// <summary>The body of a queue message: ids only, never personal data.</summary>
public sealed record NoticeJobMessage(string JobId, string IncidentId, string NotificationId)
{
    public string ToJson() => JsonSerializer.Serialize(this, StoredJson.Options);

    public static NoticeJobMessage? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var m = JsonSerializer.Deserialize<NoticeJobMessage>(json, StoredJson.Options);
            return m is { JobId.Length: > 0, IncidentId.Length: > 0, NotificationId.Length: > 0 } ? m : null;
        }
        catch (JsonException) { return null; }
    }
}

/// <summary>
/// Turns a decision into notice jobs, durably first (outbox): the notification and its rendered notices are written,
/// then one job per up to <see cref="NoticeOptions.JobSize"/> recipients of one language (deterministic ids), then the
/// job ids go to the queue. With an Idempotency-Key the notification id is deterministic, so a repeated request resumes
/// or replays instead of creating anything new. Everything that can be invalid is checked before the first write.
/// </summary>
public sealed partial class NotificationService(
    ITableStore store,
    IncidentService incidents,
    RecipientRepository recipients,
    NoticeContentService content,
    NoticeComposer composer,
    INoticeObligations obligations,
    INoticeQueue queue,
    IOptions<NoticeOptions> options,
    IOptions<OrganisationOptions> organisation,
    TimeProvider time,
    ILogger<NotificationService> logger)
{
    public const string CreatedAction = "notification-created";
    private const int MaxIdempotencyKeyLength = 200;
    private static readonly string[] CountedFields = ["Status", "Jobs", "Recipients", "Languages", "TemplateVersions"];

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await store.CreateTableIfNotExistsAsync(NoticeTables.Notifications, cancellationToken);
        await store.CreateTableIfNotExistsAsync(NoticeTables.Jobs, cancellationToken);
    }

    /// <summary>Renders a notice exactly as <see cref="CreateAsync"/> would, without storing or sending anything.</summary>
    public async Task<RenderedNotice> PreviewAsync(string incidentId, string? kind, string? language, string? phase, string? reasonsForDelay, CancellationToken cancellationToken = default)
    {
        var state = (await incidents.GetAsync(incidentId, cancellationToken)).Incident.State;
        var errors = new FieldErrors();
        if (!NoticeKinds.IsKnown(kind)) errors.Add("kind", "Use authority, data-subjects, controllers or public.");
        if (!NoticeLanguages.IsKnown(language)) errors.Add("language", "Use nl, en, fr or de.");
        if (phase is not null && !NoticePhases.IsKnown(phase)) errors.Add("phase", "Use initial, follow-up or final.");
        errors.ThrowIfAny();
        var p = phase ?? NoticePhases.Initial;
        obligations.EnsureReasonsForDelay(state, kind!, p, time.GetUtcNow(), reasonsForDelay);
        var texts = await content.GetAsync(incidentId, cancellationToken);
        return composer.Render(new NoticeRequest(state, texts, kind!, language!, p, Clean(reasonsForDelay)));
    }

    public async Task<NotificationCreated> CreateAsync(string incidentId, NotificationRequest request, Actor actor, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        var state = (await incidents.GetAsync(incidentId, cancellationToken)).Incident.State;
        var now = time.GetUtcNow();
        var (kind, phase, reasons) = Validate(request, idempotencyKey);
        if (state.Status is not (IncidentStatus.Confirmed or IncidentStatus.Notified))
            throw new InvalidStateException($"Notices go out for confirmed breaches; this incident is {state.Status.ToWire()}.");
        EnsureCalledFor(state, kind, request);
        obligations.EnsureReasonsForDelay(state, kind, phase, now, reasons);

        // Who receives it and in which languages; then render every notice before anything is written.
        var recipientKind = NoticeKinds.RecipientKindFor(kind);
        var org = organisation.Value;
        IReadOnlyList<string> languages;
        EmailAddressRecord? direct = null;
        if (recipientKind is not null)
        {
            if (request.Language is not null) throw new DomainValidationException("language", "The language of each recipient comes from the upload; omit language for this kind.");
            var counts = await recipients.CountAsync(incidentId, cancellationToken);
            languages = NoticeLanguages.All.Where(l => counts.Of(recipientKind, l) > 0).ToList();
            if (languages.Count == 0) throw new InvalidStateException($"Upload the recipients (kind {recipientKind}) first: POST /api/incidents/{incidentId}/recipients.");
        }
        else
        {
            var language = request.Language ?? composer.LeadAuthority?.NoticeLanguage ?? NoticeLanguages.English;
            languages = [language];
            var (address, setting) = kind == NoticeKinds.Authority
                ? (org.AuthorityNoticeEmail, "Organisation:AuthorityNoticeEmail")
                : (string.IsNullOrWhiteSpace(org.PublicNoticeEmail) ? org.Dpo.Email : org.PublicNoticeEmail, "Organisation:PublicNoticeEmail");
            if (string.IsNullOrWhiteSpace(address)) throw new DomainValidationException(setting, "Configure the address this notice is e-mailed to.");
            direct = new EmailAddressRecord(address.Trim(), kind == NoticeKinds.Authority ? composer.LeadAuthority?.Name : org.Name);
        }
        var texts = await content.GetAsync(incidentId, cancellationToken);
        var rendered = languages.Select(l => composer.Render(new NoticeRequest(state, texts, kind, l, phase, reasons))).ToList();

        var fingerprint = Ids.Sha256Hex(string.Join("\u001f", kind, phase, request.Language ?? "", reasons ?? "", request.Override ? "override" : "", Clean(request.Rationale) ?? ""));
        var notificationId = idempotencyKey is null ? Ids.New("ntf", now) : Ids.Deterministic("ntf", incidentId, actor.Name, idempotencyKey);

        var row = new TableEntity(incidentId, NoticeTables.NotificationRow(notificationId))
        {
            ["Kind"] = kind, ["Phase"] = phase, ["Status"] = NotificationStatus.Creating, ["CreatedAt"] = now, ["CreatedBy"] = actor.Name,
            ["Fingerprint"] = fingerprint, ["Override"] = request.Override, ["RecipientKind"] = recipientKind ?? "",
        };
        if (reasons is not null) row["ReasonsForDelay"] = reasons;
        if (request.Override) row["OverrideRationale"] = Clean(request.Rationale);
        var ops = new List<TableOperation> { TableOperation.Add(row) };
        foreach (var r in rendered) ops.Add(TableOperation.Add(ToEntity(incidentId, notificationId, r)));
        try
        {
            await store.SubmitTransactionAsync(NoticeTables.Notifications, ops, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.InnerException is EntityAlreadyExistsException)
        {
            row = (await store.GetAsync(NoticeTables.Notifications, incidentId, NoticeTables.NotificationRow(notificationId), cancellationToken))!;
            if (row.GetString("Fingerprint") != fingerprint) throw new ConflictException("This Idempotency-Key was already used for a different notification request.");
            if (row.GetString("Status") != NotificationStatus.Creating)
            {
                LogReplay(incidentId, notificationId);
                return new NotificationCreated(notificationId, row.GetInt32("Jobs") ?? 0, row.GetInt64("Recipients") ?? 0, Replayed: true);
            }
            // An earlier attempt stopped half-way: resume with what it stored (its cut-off time and rendered notices).
            rendered = [];
            foreach (var l in languages)
            {
                var r = await store.GetAsync(NoticeTables.Notifications, incidentId, NoticeTables.RenderedRow(notificationId, l), cancellationToken);
                if (r is not null) rendered.Add(FromEntity(r));
            }
        }

        var cutoff = row.GetDateTimeOffset("CreatedAt")!.Value;
        using var jobs = new JobWriter(this, incidentId, notificationId, kind, phase, cancellationToken);
        if (recipientKind is null)
        {
            await jobs.AddDirectAsync(rendered[0], direct!);
        }
        else
        {
            var versions = rendered.ToDictionary(r => r.Language, r => r.TemplateVersion);
            await foreach (var r in recipients.ReadAllAsync(incidentId, cancellationToken))
            {
                // Recipients uploaded after the notification was first created belong to a later notification.
                if (r.Recipient.Kind != recipientKind || r.AddedAt > cutoff || !versions.TryGetValue(r.Recipient.Language, out var version)) continue;
                await jobs.AddRecipientAsync(r.Recipient.Language, version, Convert.FromHexString(r.RowKey));
            }
            await jobs.FlushPartialAsync();
        }
        await jobs.CompleteAsync();

        await queue.EnqueueAsync(jobs.Created.Select(j => new QueueMessage(j.JobId, new NoticeJobMessage(j.JobId, incidentId, notificationId).ToJson())).ToList(), cancellationToken);

        var languageSplit = jobs.Created.GroupBy(j => j.Language).ToDictionary(g => g.Key, g => g.Sum(j => (long)j.Recipients));
        var total = languageSplit.Values.Sum();
        await RecordCreatedAsync(incidentId, notificationId, kind, phase, jobs.Created.Count, total, languageSplit, rendered, request, actor, cancellationToken);

        row["Status"] = NotificationStatus.Queued;
        row["Jobs"] = jobs.Created.Count;
        row["Recipients"] = total;
        row["Languages"] = JsonSerializer.Serialize(languageSplit);
        row["TemplateVersions"] = JsonSerializer.Serialize(rendered.Select(r => r.TemplateVersion).ToList());
        await UpdateNotificationAsync(incidentId, notificationId, r =>
        {
            if (r.GetString("Status") != NotificationStatus.Creating) return false;
            foreach (var key in CountedFields) r[key] = row[key];
            return true;
        }, cancellationToken);
        LogCreated(incidentId, notificationId, kind, jobs.Created.Count, total);
        // A job that finished before the counts were written could not complete the notification; check once more.
        await TryCompleteAsync(incidentId, notificationId, cancellationToken);
        return new NotificationCreated(notificationId, jobs.Created.Count, total, Replayed: false);
    }

    private static (string Kind, string Phase, string? Reasons) Validate(NotificationRequest request, string? idempotencyKey)
    {
        var errors = new FieldErrors();
        if (!NoticeKinds.IsKnown(request.Kind)) errors.Add("kind", "Use authority, data-subjects, controllers or public.");
        if (request.Phase is not null && !NoticePhases.IsKnown(request.Phase)) errors.Add("phase", "Use initial, follow-up or final.");
        if (request.Language is not null && !NoticeLanguages.IsKnown(request.Language)) errors.Add("language", "Use nl, en, fr or de.");
        if (request.ReasonsForDelay is { Length: > NoticeTexts.MaxLength }) errors.Add("reasonsForDelay", $"At most {NoticeTexts.MaxLength} characters.");
        if (request.Rationale is { Length: > NotificationDecision.MaxRationaleLength }) errors.Add("rationale", $"At most {NotificationDecision.MaxRationaleLength} characters.");
        if (idempotencyKey is { Length: > MaxIdempotencyKeyLength }) errors.Add("Idempotency-Key", $"At most {MaxIdempotencyKeyLength} characters.");
        errors.ThrowIfAny();
        return (request.Kind!, request.Phase ?? NoticePhases.Initial, Clean(request.ReasonsForDelay));
    }

    /// <summary>The recorded decision must call for the notice (a processor always informs its controller, Art 33(2)), or the DPO overrides with a rationale.</summary>
    private static void EnsureCalledFor(IncidentState state, string kind, NotificationRequest request)
    {
        var calledFor = kind switch
        {
            NoticeKinds.Authority => state.Decision?.NotifyAuthority == true,
            NoticeKinds.DataSubjects => state.Decision?.NotifyDataSubjects == true,
            NoticeKinds.Public => state.Decision?.PublicCommunication == true,
            NoticeKinds.Controllers => state.Role == ProcessingRole.Processor,
            _ => false,
        };
        if (calledFor) return;
        if (!request.Override)
        {
            var why = kind == NoticeKinds.Controllers ? "we are not the processor for this incident" : state.Decision is null ? "no decision is recorded" : "the recorded decision does not call for it";
            throw new InvalidStateException($"A {kind} notice is not called for: {why}. Record a decision (POST /decision) or send with \"override\": true and a rationale.");
        }
        if (string.IsNullOrWhiteSpace(request.Rationale)) throw new DomainValidationException("rationale", "An override needs a rationale (Art 33(5): document the reasoning).");
    }

    private async Task RecordCreatedAsync(string incidentId, string notificationId, string kind, string phase, int jobCount, long recipientCount, Dictionary<string, long> split, IReadOnlyList<RenderedNotice> rendered, NotificationRequest request, Actor actor, CancellationToken cancellationToken)
    {
        // A resumed request must not record the notification twice.
        var timeline = await incidents.GetTimelineAsync(incidentId, cancellationToken);
        if (timeline.Any(e => e.Action == CreatedAction && e.Details is not null && e.Details.Contains(notificationId, StringComparison.Ordinal))) return;
        var details = StoredJson.Serialize(new
        {
            notificationId, kind, phase, jobs = jobCount, recipients = recipientCount, languages = split,
            notices = rendered.Select(r => new { r.Language, r.TemplateVersion, r.BodySha256 }),
            @override = request.Override, rationale = request.Override ? Clean(request.Rationale) : null,
        });
        await incidents.ChangeAsync(incidentId, null, (incident, now) =>
            incident.Record(request.Override ? "notification-override" : CreatedAction,
                [new FieldChange("notification." + kind, null, notificationId)],
                request.Override ? Clean(request.Rationale) : null, details, actor, now), cancellationToken);
    }

    /// <summary>Conditional read-modify-write of the notification row; <paramref name="change"/> returns false to leave it.</summary>
    internal async Task<TableEntity?> UpdateNotificationAsync(string incidentId, string notificationId, Func<TableEntity, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var row = await store.GetAsync(NoticeTables.Notifications, incidentId, NoticeTables.NotificationRow(notificationId), cancellationToken);
            if (row is null || !change(row)) return row;
            try
            {
                row.ETag = await store.UpdateAsync(NoticeTables.Notifications, row, row.ETag!, cancellationToken);
                return row;
            }
            catch (ConcurrencyConflictException) when (attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 10))), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Records that a job finished (sent or failed); when it was the last one the notification is completed and the
    /// incident records the notice as given.
    /// </summary>
    public async Task JobFinishedAsync(string incidentId, string notificationId, int ordinal, bool sent, CancellationToken cancellationToken = default)
    {
        await UpdateNotificationAsync(incidentId, notificationId, row =>
        {
            // One bit per job (its ordinal) so a redelivered message is never counted twice.
            var sentBits = JobBits.Read(row, "SentBits");
            var failedBits = JobBits.Read(row, "FailedBits");
            if (JobBits.Get(sentBits, ordinal) || JobBits.Get(failedBits, ordinal)) return false;
            if (sent) row["SentBits"] = JobBits.Set(sentBits, ordinal);
            else row["FailedBits"] = JobBits.Set(failedBits, ordinal);
            return true;
        }, cancellationToken);
        await TryCompleteAsync(incidentId, notificationId, cancellationToken);
    }

    internal async Task TryCompleteAsync(string incidentId, string notificationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var completed = false;
        var row = await UpdateNotificationAsync(incidentId, notificationId, r =>
        {
            completed = false;
            if (r.GetString("Status") != NotificationStatus.Queued) return false;
            var jobs = r.GetInt32("Jobs") ?? 0;
            if (JobBits.Count(r, "SentBits") + JobBits.Count(r, "FailedBits") < jobs) return false;
            r["Status"] = NotificationStatus.Completed;
            r["CompletedAt"] = now;
            completed = true;
            return true;
        }, cancellationToken);
        if (!completed || row is null) return;
        var kind = row.GetString("Kind")!;
        var sentJobs = JobBits.Count(row, "SentBits");
        var direct = string.IsNullOrEmpty(row.GetString("RecipientKind"));
        var authorityIsRecipient = kind == NoticeKinds.Authority && composer.LeadAuthority?.Email is { } channel
            && string.Equals(channel, organisation.Value.AuthorityNoticeEmail?.Trim(), StringComparison.OrdinalIgnoreCase);
        await incidents.ChangeAsync(incidentId, null, (incident, at) =>
        {
            incident.Record("notification-completed", [new FieldChange("notification." + kind, NotificationStatus.Queued, NotificationStatus.Completed)],
                string.Create(CultureInfo.InvariantCulture, $"{sentJobs} of {row.GetInt32("Jobs")} jobs sent."), StoredJson.Serialize(new { notificationId, kind, jobsSent = sentJobs, jobsFailed = JobBits.Count(row, "FailedBits") }), Actor.System, at);
            if (sentJobs == 0) return;
            // The authority notice e-mailed to the DPO's mailbox is not yet a notification of the authority: that is
            // recorded with POST /authority-submissions. It counts only when the address is the authority's own channel.
            if (kind == NoticeKinds.Authority && !authorityIsRecipient) return;
            obligations.MarkSent(incident, kind, now, notificationId, Actor.System, at);
            if (!direct || kind == NoticeKinds.Authority) incident.MarkNotified(Actor.System, at);
        }, cancellationToken);
        LogCompleted(incidentId, notificationId, sentJobs);
    }

    internal static TableEntity ToEntity(string incidentId, string notificationId, RenderedNotice r)
    {
        var e = new TableEntity(incidentId, NoticeTables.RenderedRow(notificationId, r.Language))
        {
            ["Kind"] = r.Kind, ["Language"] = r.Language, ["Phase"] = r.Phase, ["TemplateVersion"] = r.TemplateVersion,
            ["Subject"] = r.Subject, ["BodySha256"] = r.BodySha256,
        };
        NoticeTables.WriteText(e, "Text", r.Text);
        NoticeTables.WriteText(e, "Html", r.Html);
        return e;
    }

    internal static RenderedNotice FromEntity(TableEntity e) => new(
        e.GetString("Kind")!, e.GetString("Language")!, e.GetString("Phase")!, e.GetString("TemplateVersion")!, e.GetString("Subject")!,
        NoticeTables.ReadText(e, "Text"), NoticeTables.ReadText(e, "Html"), e.GetString("BodySha256")!);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal ITableStore Store => store;
    internal NoticeOptions Options => options.Value;
    internal TimeProvider Time => time;

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} for incident {IncidentId}: {Kind}, {Jobs} jobs, {Recipients} recipients queued")]
    private partial void LogCreated(string incidentId, string notificationId, string kind, int jobs, long recipients);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotent replay of notification {NotificationId} for incident {IncidentId}")]
    private partial void LogReplay(string incidentId, string notificationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} for incident {IncidentId} completed: {JobsSent} jobs sent")]
    private partial void LogCompleted(string incidentId, string notificationId, int jobsSent);
}

/// <summary>An address that is configuration, not an uploaded recipient (the authority's or the publication mailbox).</summary>
public sealed record EmailAddressRecord(string Address, string? Name);
