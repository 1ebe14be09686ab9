using BreachNotify.Application.Organisation;
using System.Globalization;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Application.Queue;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Jobs;

/// <param name="Override">Send although the recorded decision does not call for this notice; needs <paramref name="Rationale"/>.</param>
/// <param name="Resend">Send a notice of a kind and phase that was given already, on purpose; needs <paramref name="Rationale"/>.
/// Without it a second notification of the same kind and phase is refused (409 naming the first).</param>
public sealed record NotificationRequest(string? Kind, string? Phase, string? Language, string? ReasonsForDelay, bool Override, string? Rationale, bool Resend = false);

public sealed record NotificationCreated(string NotificationId, int Jobs, long Recipients, bool Replayed);

/// <summary>What to preview: <paramref name="Language"/> may be left out for the authority and public notices (the lead
/// authority's language, as sent); <paramref name="Country"/> picks a regional wording (Dutch in Belgium) and
/// <paramref name="Controller"/> the controller-customer of a controller notice.</summary>
public sealed record NoticePreviewRequest(string? Kind, string? Language, string? Phase, string? ReasonsForDelay, string? Country = null, string? Controller = null);

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
/// or replays instead of creating anything new. A second notification of a kind and phase needs <c>resend</c> with a
/// rationale (a client retrying without a key must not notify people twice). A creation a crash left half-way is finished
/// by the sweep (<see cref="ResumeAsync"/>). Everything that can be invalid is checked before the first write.
/// </summary>
public sealed partial class NotificationService(
    NotificationRepository notifications,
    NoticeJobRepository jobs,
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
    public const string OverrideAction = "notification-override";
    private const int MaxIdempotencyKeyLength = 200;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await notifications.InitializeAsync(cancellationToken);
        await jobs.InitializeAsync(cancellationToken);
    }

    /// <summary>Renders a notice exactly as <see cref="CreateAsync"/> would, without storing or sending anything.</summary>
    public async Task<RenderedNotice> PreviewAsync(string incidentId, NoticePreviewRequest request, CancellationToken cancellationToken = default)
    {
        var state = (await incidents.GetAsync(incidentId, cancellationToken)).Incident.State;
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var k = NoticeVocabulary.ParseKind(request.Kind, "kind", errors);
        var p = NoticeVocabulary.ParsePhase(request.Phase, "phase", errors);
        // The authority and public notices go out in the lead authority's language unless asked otherwise; so does their preview.
        var l = request.Language is null && k is NoticeKind.Authority or NoticeKind.Public ? DirectLanguage(null) : NoticeVocabulary.ParseLanguage(request.Language, "language", errors);
        var country = request.Country?.Trim().ToUpperInvariant();
        if (country is not null && !CountryCodes.IsValid(country)) errors.Add("country", "An ISO 3166-1 alpha-2 code (the readers' country).");
        errors.ThrowIfAny();
        obligations.EnsureReasonsForDelay(state, k!.Value, p!.Value, now, request.ReasonsForDelay);
        var texts = await content.GetAsync(incidentId, cancellationToken);
        ControllerShare? share = null;
        if (k == NoticeKind.Controllers)
        {
            var plan = await NoticeAudiences.ScanControllersAsync(recipients, incidentId, state.ControllerCustomer, cancellationToken);
            var controller = request.Controller?.Trim();
            if (controller is not null && !plan.Controllers.Contains(controller, StringComparer.Ordinal))
                throw new DomainValidationException("controller", "Not a controller-customer of this incident (the incident's controllerCustomer or a recipient's controller).");
            if (controller is null && plan.Several)
                throw new DomainValidationException("controller", $"This breach touches {plan.Controllers.Count} controller-customers and each gets its own notice: preview one of them (controller=…).");
            share = plan.ShareOf(controller ?? (plan.Controllers.Count > 0 ? plan.Controllers[0] : null));
        }
        var audience = new NoticeAudience(k is NoticeKind.DataSubjects or NoticeKind.Controllers ? NoticeVocabulary.VariantCountry(l!.Value, country) : null, share);
        return composer.Render(new NoticeRequest(state, texts, k.Value, l!.Value, p.Value, Clean(request.ReasonsForDelay))
        {
            Audience = audience,
            Late = obligations.IsLate(state, k.Value, now),
        });
    }

    /// <summary>The configured address an authority or public notice is e-mailed to, addressed to whom it really goes to.</summary>
    private EmailAddressRecord DirectRecipient(NoticeKind kind, NoticeLanguage language)
    {
        var org = organisation.Value;
        var (address, setting) = kind == NoticeKind.Authority
            ? (org.AuthorityNoticeEmail, "Organisation:AuthorityNoticeEmail")
            : (string.IsNullOrWhiteSpace(org.PublicNoticeEmail) ? org.Dpo.Email : org.PublicNoticeEmail, "Organisation:PublicNoticeEmail");
        if (string.IsNullOrWhiteSpace(address)) throw new DomainValidationException(setting, "Configure the address this notice is e-mailed to.");
        // Addressed to whom it really goes to: the authority by name only when the address is its own channel (else
        // it is our mailbox, for entry in the authority's portal); the publication mailbox is ours.
        var name = kind != NoticeKind.Authority ? org.Name : composer.AuthorityTakesTheEmail ? composer.AuthorityName(language) : null;
        return new EmailAddressRecord(address.Trim(), name);
    }

    /// <summary>The language of a notice to a configured address: as asked, else the lead authority's first one we have, else English.</summary>
    private NoticeLanguage DirectLanguage(NoticeLanguage? requested) => requested ?? composer.LeadAuthority?.NoticeLanguage ?? NoticeLanguage.En;

    /// <summary>
    /// Renders every rendering a notification needs, and reports what is missing in all of them at once (every language
    /// the recipients need), never one language at a time.
    /// </summary>
    private List<RenderedNotice> RenderAll(IncidentState state, NoticeContent texts, NoticeKind kind, NoticePhase phase, string? reasons, bool late, IReadOnlyList<NoticeRendering> renderings)
    {
        var rendered = new List<RenderedNotice>(renderings.Count);
        var problems = new List<FieldError>();
        foreach (var r in renderings)
        {
            try
            {
                rendered.Add(composer.Render(new NoticeRequest(state, texts, kind, r.Language, phase, reasons) { Audience = r.Audience, Late = late }));
            }
            catch (DomainValidationException ex)
            {
                problems.AddRange(ex.Errors);
            }
        }
        if (problems.Count > 0) throw new DomainValidationException(problems.DistinctBy(e => (e.Field, e.Message)).OrderBy(e => e.Field, StringComparer.Ordinal).ToList());
        return rendered;
    }

    public async Task<NotificationCreated> CreateAsync(string incidentId, NotificationRequest request, Actor actor, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        var state = (await incidents.GetAsync(incidentId, cancellationToken)).Incident.State;
        var now = time.GetUtcNow();
        var (kind, phase, requestedLanguage, reasons) = Validate(request, idempotencyKey);
        if (state.Status is not (IncidentStatus.Confirmed or IncidentStatus.Notified))
            throw new InvalidStateException($"Notices go out for confirmed breaches; this incident is {state.Status.ToWire()}.");
        EnsureCalledFor(state, kind, request);
        obligations.EnsureReasonsForDelay(state, kind, phase, now, reasons);

        // Who receives it and in which languages; then render every notice before anything is written.
        var recipientKind = kind.RecipientKindFor();
        var org = organisation.Value;
        IReadOnlyList<NoticeRendering> renderings;
        ControllerPlan? controllers = null;
        EmailAddressRecord? direct = null;
        string? erasedProblem = null;
        if (recipientKind is { } rk)
        {
            if (requestedLanguage is not null) throw new DomainValidationException("language", "The language of each recipient comes from the upload; omit language for this kind.");
            var counts = await recipients.CountAsync(incidentId, cancellationToken);
            if (counts.Of(rk) == 0) throw new InvalidStateException($"Upload the recipients (kind {rk.ToWire()}) first: POST /api/incidents/{incidentId}/recipients.");
            if (rk == RecipientKind.Controller)
            {
                controllers = await NoticeAudiences.ScanControllersAsync(recipients, incidentId, state.ControllerCustomer, cancellationToken);
                renderings = controllers.Renderings();
            }
            else
            {
                renderings = NoticeAudiences.ForDataSubjects(counts);
            }
            // A notice to the recipients needs every recipient's address; sending to some and silently not to others is no notice.
            if (counts.ErasedOf(rk) is var erased and > 0)
            {
                erasedProblem = string.Create(CultureInfo.InvariantCulture,
                    $"This notice needs the addresses of every {rk.ToWire()} recipient, and {erased} of the {counts.Of(rk)} were erased (erasure request or retention; see the recipients-erased timeline entries). Their keys and delivery statuses are kept; their addresses cannot be recovered.");
            }
        }
        else
        {
            var language = DirectLanguage(requestedLanguage);
            renderings = [new NoticeRendering(language, NoticeAudience.Everyone)];
            direct = DirectRecipient(kind, language);
        }
        var texts = await content.GetAsync(incidentId, cancellationToken);
        var rendered = RenderAll(state, texts, kind, phase, reasons, obligations.IsLate(state, kind, now), renderings);

        var fingerprint = Ids.Sha256Hex(string.Join("\u001f", kind.ToWire(), phase.ToWire(), request.Language ?? "", reasons ?? "", request.Override ? "override" : "", Clean(request.Rationale) ?? "", request.Resend ? "resend" : ""));
        var notificationId = idempotencyKey is null ? Ids.New("ntf", now) : Ids.Deterministic("ntf", incidentId, actor.Name, idempotencyKey);

        // The same notice twice: refused unless it is meant (a repeat of this very request is a replay, not a second one).
        // The claim names the latest of the kind and phase; notifications written before claims existed are found by listing.
        var earlierOfKind = await notifications.FindGivenAsync(incidentId, kind, phase, cancellationToken)
            ?? (await notifications.ListAsync(incidentId, cancellationToken)).LastOrDefault(n => n.Kind == kind && n.Phase == phase)?.NotificationId;
        if (earlierOfKind == notificationId) earlierOfKind = null;
        if (earlierOfKind is not null && !request.Resend) throw AlreadyGiven(kind, phase, earlierOfKind);

        var notification = new NotificationRecord
        {
            IncidentId = incidentId, NotificationId = notificationId, Kind = kind, Phase = phase, Status = NotificationStatus.Creating,
            CreatedAt = now, CreatedBy = actor.Name, Fingerprint = fingerprint, Override = request.Override, RecipientKind = recipientKind,
            ReasonsForDelay = reasons, OverrideRationale = request.Override ? Clean(request.Rationale) : null,
            ResendOf = request.Resend ? earlierOfKind : null, ResendRationale = request.Resend ? Clean(request.Rationale) : null,
        };
        if (erasedProblem is not null)
        {
            // Refused before anything is written, unless this is a replay of a notification created before the erasure.
            var earlier = idempotencyKey is null ? null : await notifications.FindAsync(incidentId, notificationId, cancellationToken);
            if (earlier is null || earlier.Fingerprint != fingerprint || earlier.Status == NotificationStatus.Creating) throw new InvalidStateException(erasedProblem);
        }
        // Marked before the notification is written, so that a crash at any later point leaves it for the sweep.
        await jobs.MarkCreatingAsync(incidentId, notificationId, now, cancellationToken);
        var (written, existingId) = await notifications.CreateAsync(new NewNotification(notification, rendered, request.Resend), cancellationToken);
        if (written == NotificationWrite.KindAndPhaseTaken)
        {
            await jobs.UnmarkCreatingAsync(notificationId, CancellationToken.None);
            throw AlreadyGiven(kind, phase, existingId!);
        }
        if (written == NotificationWrite.Exists)
        {
            notification = (await notifications.FindAsync(incidentId, notificationId, cancellationToken))!;
            if (notification.Fingerprint != fingerprint) throw new ConflictException("This Idempotency-Key was already used for a different notification request.");
            if (notification.Status != NotificationStatus.Creating)
            {
                await jobs.UnmarkCreatingAsync(notificationId, CancellationToken.None);
                LogReplay(incidentId, notificationId);
                return new NotificationCreated(notificationId, notification.Jobs ?? 0, notification.Recipients ?? 0, Replayed: true);
            }
            // An earlier attempt stopped half-way: resume with what it stored (its cut-off time and rendered notices).
            var fresh = rendered;
            rendered = [];
            foreach (var n in fresh)
            {
                if (await notifications.FindRenderedAsync(incidentId, notificationId, n.Language, n.Variant, cancellationToken) is { } r) rendered.Add(r);
            }
        }
        return await FinishCreatingAsync(notification, rendered, direct, controllers, actor, cancellationToken);
    }

    /// <summary>
    /// Finishes a notification a crash left in <c>creating</c> (the sweep calls this): its jobs are written from what it
    /// stored (cut-off time, rendered notices, request), queued, and recorded on the timeline once, as the request would have.
    /// Null when there is nothing to finish (gone, or finished meanwhile).
    /// </summary>
    public async Task<NotificationCreated?> ResumeAsync(string incidentId, string notificationId, CancellationToken cancellationToken = default)
    {
        var notification = await notifications.FindAsync(incidentId, notificationId, cancellationToken);
        if (notification is null || notification.Status != NotificationStatus.Creating) return null;
        var rendered = await notifications.ListRenderedAsync(incidentId, notificationId, cancellationToken);
        if (rendered.Count == 0) throw new Storage.StorageException($"Notification {notificationId} has no rendered notices.");
        // Stored with the job once written; when the crash came before that, the address configured now.
        var direct = notification.RecipientKind is null ? DirectRecipient(notification.Kind, rendered[0].Language) : null;
        var controllers = notification.RecipientKind == RecipientKind.Controller
            ? await NoticeAudiences.ScanControllersAsync(recipients, incidentId, (await incidents.GetAsync(incidentId, cancellationToken)).Incident.State.ControllerCustomer, cancellationToken)
            : null;
        LogResumed(incidentId, notificationId);
        // Only the DPO creates notifications: the entry names who asked for it.
        return await FinishCreatingAsync(notification, rendered, direct, controllers, new Actor(notification.CreatedBy, "dpo"), cancellationToken);
    }

    private static ConflictException AlreadyGiven(NoticeKind kind, NoticePhase phase, string existingId)
        => new($"A {kind.ToWire()} notice ({phase.ToWire()}) was given already: notification {existingId}. To send it again on purpose, send \"resend\": true with a rationale.",
            new Dictionary<string, string> { ["existingNotificationId"] = existingId });

    /// <summary>Writes the jobs (idempotently), queues them, records the notification once and marks it queued.</summary>
    private async Task<NotificationCreated> FinishCreatingAsync(NotificationRecord notification, IReadOnlyList<RenderedNotice> rendered, EmailAddressRecord? direct, ControllerPlan? controllers, Actor actor, CancellationToken cancellationToken)
    {
        var (incidentId, notificationId) = (notification.IncidentId, notification.NotificationId);
        var cutoff = notification.CreatedAt;
        using var writer = new JobWriter(jobs, notifications, options.Value, time, notification, cancellationToken);
        if (notification.RecipientKind is not { } recipientKind)
        {
            await writer.AddDirectAsync(rendered[0], direct!);
        }
        else
        {
            // Controller recipients were read already (they are few); data subjects are read as they stream by.
            var rows = controllers is not null ? controllers.Rows.ToAsyncEnumerable() : recipients.ReadSummariesAsync(incidentId, cancellationToken);
            await foreach (var r in rows.WithCancellation(cancellationToken))
            {
                // Recipients uploaded after the notification was first created belong to a later notification.
                // Erased recipients have no address (a notification resumed after an erasure leaves them out).
                if (r.Kind != recipientKind || r.AddedAt > cutoff || r.ErasedAt is not null) continue;
                var variant = controllers?.VariantOf(r) ?? NoticeAudiences.VariantOf(r);
                if (NoticeAudiences.Pick(rendered, r.Language, variant) is not { } notice) continue;
                await writer.AddRecipientAsync(notice, Convert.FromHexString(r.Key));
            }
            await writer.FlushPartialAsync();
        }
        await writer.CompleteAsync();

        await queue.EnqueueAsync(writer.Created.Select(j => new QueueMessage(j.JobId, new NoticeJobMessage(j.JobId, incidentId, notificationId).ToJson())).ToList(), cancellationToken);

        var languageSplit = writer.Created.GroupBy(j => j.Language).ToDictionary(g => g.Key, g => g.Sum(j => (long)j.Recipients));
        var total = languageSplit.Values.Sum();
        await RecordCreatedAsync(notification, writer.Created.Count, total, languageSplit, rendered, actor, cancellationToken);

        var versionsSent = rendered.Select(r => r.TemplateVersion).Distinct(StringComparer.Ordinal).ToList();
        await notifications.UpdateAsync(incidentId, notificationId, n => n.Status != NotificationStatus.Creating ? null : n with
        {
            Status = NotificationStatus.Queued, Jobs = writer.Created.Count, Recipients = total, Languages = languageSplit, TemplateVersions = versionsSent,
        }, cancellationToken);
        await jobs.UnmarkCreatingAsync(notificationId, cancellationToken);
        LogCreated(incidentId, notificationId, notification.Kind.ToWire(), writer.Created.Count, total);
        // A job that finished before the counts were written could not complete the notification; check once more.
        await TryCompleteAsync(incidentId, notificationId, cancellationToken);
        return new NotificationCreated(notificationId, writer.Created.Count, total, Replayed: false);
    }

    private static (NoticeKind Kind, NoticePhase Phase, NoticeLanguage? Language, string? Reasons) Validate(NotificationRequest request, string? idempotencyKey)
    {
        var errors = new FieldErrors();
        var kind = NoticeVocabulary.ParseKind(request.Kind, "kind", errors);
        var phase = NoticeVocabulary.ParsePhase(request.Phase, "phase", errors);
        var language = request.Language is null ? null : NoticeVocabulary.ParseLanguage(request.Language, "language", errors);
        if (request.ReasonsForDelay is { Length: > NoticeTexts.MaxLength }) errors.Add("reasonsForDelay", $"At most {NoticeTexts.MaxLength} characters.");
        if (request.Rationale is { Length: > NotificationDecision.MaxRationaleLength }) errors.Add("rationale", $"At most {NotificationDecision.MaxRationaleLength} characters.");
        if (request.Resend && string.IsNullOrWhiteSpace(request.Rationale)) errors.Add("rationale", "A resend needs a rationale (Art 33(5): document why the notice goes out again).");
        if (idempotencyKey is { Length: > MaxIdempotencyKeyLength }) errors.Add("Idempotency-Key", $"At most {MaxIdempotencyKeyLength} characters.");
        errors.ThrowIfAny();
        return (kind!.Value, phase!.Value, language, Clean(request.ReasonsForDelay));
    }

    /// <summary>The recorded decision must call for the notice (a processor always informs its controller, Art 33(2)), or the DPO overrides with a rationale.</summary>
    private static void EnsureCalledFor(IncidentState state, NoticeKind kind, NotificationRequest request)
    {
        var calledFor = kind switch
        {
            NoticeKind.Authority => state.Decision?.NotifyAuthority == true,
            NoticeKind.DataSubjects => state.Decision?.NotifyDataSubjects == true,
            NoticeKind.Public => state.Decision?.PublicCommunication == true,
            NoticeKind.Controllers => state.Role == ProcessingRole.Processor,
            _ => false,
        };
        if (calledFor) return;
        if (!request.Override)
        {
            var why = kind == NoticeKind.Controllers ? "we are not the processor for this incident" : state.Decision is null ? "no decision is recorded" : "the recorded decision does not call for it";
            throw new InvalidStateException($"A {kind.ToWire()} notice is not called for: {why}. Record a decision (POST /decision) or send with \"override\": true and a rationale.");
        }
        if (string.IsNullOrWhiteSpace(request.Rationale)) throw new DomainValidationException("rationale", "An override needs a rationale (Art 33(5): document the reasoning).");
    }

    /// <summary>
    /// The <c>notification-created</c> (or <c>-override</c>) entry: once per notification, also when two requests with the
    /// same key, or a request and the sweep, finish it at the same time (the check and the write are one conditional save).
    /// </summary>
    private async Task RecordCreatedAsync(NotificationRecord notification, int jobCount, long recipientCount, Dictionary<NoticeLanguage, long> split, IReadOnlyList<RenderedNotice> rendered, Actor actor, CancellationToken cancellationToken)
    {
        var (incidentId, notificationId, kind) = (notification.IncidentId, notification.NotificationId, notification.Kind.ToWire());
        var resend = notification.ResendRationale is not null;
        var details = StoredJson.Serialize(new
        {
            notificationId, kind, phase = notification.Phase.ToWire(), jobs = jobCount, recipients = recipientCount,
            languages = split.ToDictionary(l => l.Key.ToWire(), l => l.Value),
            notices = rendered.Select(r => new { Language = r.Language.ToWire(), r.TemplateVersion, r.BodySha256, Variant = r.Variant.Length == 0 ? null : r.Variant, r.Controller }),
            @override = notification.Override, rationale = notification.OverrideRationale,
            resend, resendOf = notification.ResendOf, resendRationale = notification.ResendRationale,
        });
        var reason = string.Join(" ", new[] { notification.OverrideRationale, notification.ResendRationale is { } r ? "Resent: " + r : null }.Where(t => t is not null));
        await incidents.RecordOnceAsync(incidentId,
            e => e.Action is CreatedAction or OverrideAction && e.Details is not null && e.Details.Contains(notificationId, StringComparison.Ordinal),
            (incident, now) => incident.Record(notification.Override ? OverrideAction : CreatedAction,
                [new FieldChange("notification." + kind, null, notificationId)],
                reason.Length == 0 ? null : reason, details, actor, now), cancellationToken);
    }

    /// <summary>
    /// Records that a job finished (sent or failed); when it was the last one the notification is completed and the
    /// incident records the notice as given.
    /// </summary>
    public async Task JobFinishedAsync(string incidentId, string notificationId, int ordinal, bool sent, CancellationToken cancellationToken = default)
    {
        // One bit per job (its ordinal) so a redelivered message is never counted twice.
        await notifications.UpdateAsync(incidentId, notificationId, n =>
            JobBits.Get(n.SentBits, ordinal) || JobBits.Get(n.FailedBits, ordinal) ? null
            : sent ? n with { SentBits = JobBits.Set(n.SentBits, ordinal) } : n with { FailedBits = JobBits.Set(n.FailedBits, ordinal) },
            cancellationToken);
        await TryCompleteAsync(incidentId, notificationId, cancellationToken);
    }

    internal async Task TryCompleteAsync(string incidentId, string notificationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var completed = false;
        var n = await notifications.UpdateAsync(incidentId, notificationId, r =>
        {
            completed = false;
            if (r.Status != NotificationStatus.Queued) return null;
            if (JobBits.Count(r.SentBits) + JobBits.Count(r.FailedBits) < (r.Jobs ?? 0)) return null;
            completed = true;
            return r with { Status = NotificationStatus.Completed, CompletedAt = now };
        }, cancellationToken);
        if (!completed || n is null) return;
        var kind = n.Kind;
        var sentJobs = JobBits.Count(n.SentBits);
        var authorityIsRecipient = kind == NoticeKind.Authority && composer.AuthorityTakesTheEmail;
        await incidents.ChangeAsync(incidentId, null, (incident, at) =>
        {
            incident.Record("notification-completed", [new FieldChange("notification." + kind.ToWire(), "queued", "completed")],
                string.Create(CultureInfo.InvariantCulture, $"{sentJobs} of {n.Jobs} jobs sent."), StoredJson.Serialize(new { notificationId, kind = kind.ToWire(), jobsSent = sentJobs, jobsFailed = JobBits.Count(n.FailedBits) }), Actor.System, at);
            if (sentJobs == 0) return;
            // The authority notice e-mailed to the DPO's mailbox is not yet a notification of the authority: that is
            // recorded with POST /authority-submissions. It counts only when the address is the authority's own channel.
            if (kind == NoticeKind.Authority && !authorityIsRecipient) return;
            obligations.MarkSent(incident, kind, now, notificationId, Actor.System, at);
        }, cancellationToken);
        LogCompleted(incidentId, notificationId, sentJobs);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} for incident {IncidentId}: {Kind}, {Jobs} jobs, {Recipients} recipients queued")]
    private partial void LogCreated(string incidentId, string notificationId, string kind, int jobs, long recipients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} for incident {IncidentId} was left half-created; finishing it")]
    private partial void LogResumed(string incidentId, string notificationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotent replay of notification {NotificationId} for incident {IncidentId}")]
    private partial void LogReplay(string incidentId, string notificationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} for incident {IncidentId} completed: {JobsSent} jobs sent")]
    private partial void LogCompleted(string incidentId, string notificationId, int jobsSent);
}

/// <summary>An address that is configuration, not an uploaded recipient (the authority's or the publication mailbox).</summary>
public sealed record EmailAddressRecord(string Address, string? Name);
