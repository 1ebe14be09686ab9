using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Application.Storage;

namespace BreachNotify.Application.Notices.Jobs;

/// <summary>
/// The <c>Notifications</c> table (layout in <see cref="NoticeTables"/>), partition = incident id: notifications, their
/// rendered notices, the job index and authority portal submissions. Callers get typed records, never rows.
/// </summary>
public sealed class NotificationRepository(ITableStore store)
{
    private const int MaxUpdateAttempts = 50;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableIfNotExistsAsync(NoticeTables.Notifications, cancellationToken);

    /// <summary>
    /// Rendered notices written in one transaction with their notification. A transaction holds at most 100 entities and
    /// 4 MiB, and a notice may be ~60 KiB: beyond this many (controller notices, one per controller-customer and
    /// language) the notices are written first, in batches, and the notification row last.
    /// </summary>
    public const int MaxNoticesWithNotification = 20;

    /// <summary>
    /// Writes the notification, its rendered notices and its kind-and-phase claim (<c>k|{kind}|{phase}</c>: insert, or for
    /// a resend replace). The notification row and the claim are always one transaction, so that of two concurrent first
    /// notices of one kind and phase one is written and the other told which; up to <see cref="MaxNoticesWithNotification"/>
    /// notices go in it too. More: the notices first (replacing any left by an attempt that stopped before its notification
    /// row), then the notification row and the claim, which is what makes them part of a notification: readers find
    /// notices only through its jobs. Nothing of the notification is written unless <see cref="NotificationWrite.Created"/>.
    /// </summary>
    public async Task<(NotificationWrite Outcome, string? ExistingId)> CreateAsync(NewNotification created, CancellationToken cancellationToken = default)
    {
        var n = created.Notification;
        var notices = created.Notices.Select(r => ToEntity(n.IncidentId, n.NotificationId, r)).ToList();
        var claim = new TableEntity(n.IncidentId, NoticeTables.KindPhaseRow(n.Kind.ToWire(), n.Phase.ToWire())) { ["NotificationId"] = n.NotificationId };
        var ops = new List<TableOperation> { TableOperation.Add(ToEntity(n)), created.Resend ? TableOperation.Upsert(claim) : TableOperation.Add(claim) };
        if (notices.Count <= MaxNoticesWithNotification)
        {
            ops.AddRange(notices.Select(TableOperation.Add));
        }
        else
        {
            if (await FindAsync(n.IncidentId, n.NotificationId, cancellationToken) is not null) return (NotificationWrite.Exists, n.NotificationId);
            foreach (var batch in notices.Chunk(MaxNoticesWithNotification))
                await store.SubmitTransactionAsync(NoticeTables.Notifications, batch.Select(TableOperation.Upsert).ToList(), cancellationToken);
        }
        try
        {
            await store.SubmitTransactionAsync(NoticeTables.Notifications, ops, cancellationToken);
            return (NotificationWrite.Created, null);
        }
        catch (TableTransactionFailedException ex) when (ex.InnerException is EntityAlreadyExistsException)
        {
            if (await FindAsync(n.IncidentId, n.NotificationId, cancellationToken) is not null) return (NotificationWrite.Exists, n.NotificationId);
            var existing = await store.GetAsync(NoticeTables.Notifications, claim.PartitionKey, claim.RowKey, cancellationToken);
            if (existing?.GetString("NotificationId") is { } id) return (NotificationWrite.KindAndPhaseTaken, id);
            throw new ConcurrencyConflictException($"Notification {n.NotificationId} could not be written and nothing explains why; retry.", ex);
        }
    }

    /// <summary>The notification that gave this kind and phase (the latest resend), or null when none claimed it.</summary>
    public async Task<string?> FindGivenAsync(string incidentId, NoticeKind kind, NoticePhase phase, CancellationToken cancellationToken = default)
        => (await store.GetAsync(NoticeTables.Notifications, incidentId, NoticeTables.KindPhaseRow(kind.ToWire(), phase.ToWire()), cancellationToken))?.GetString("NotificationId");

    public async Task<NotificationRecord?> FindAsync(string incidentId, string notificationId, CancellationToken cancellationToken = default)
    {
        var e = await store.GetAsync(NoticeTables.Notifications, incidentId, NoticeTables.NotificationRow(notificationId), cancellationToken);
        return e is null ? null : FromEntity(e);
    }

    /// <summary>The incident's notifications, oldest first.</summary>
    public async Task<IReadOnlyList<NotificationRecord>> ListAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var list = new List<NotificationRecord>();
        await foreach (var e in store.QueryAllAsync(NoticeTables.Notifications, TableQuery.WithPrefix(incidentId, NoticeTables.NotificationPrefix), cancellationToken))
            list.Add(FromEntity(e));
        return list.OrderBy(n => n.CreatedAt).ToList();
    }

    /// <summary>
    /// Conditional read-modify-write: <paramref name="change"/> gets the current notification and returns the changed one,
    /// or null to leave it. Retried on a concurrent change. Returns what is stored afterwards (null when there is none).
    /// </summary>
    public async Task<NotificationRecord?> UpdateAsync(string incidentId, string notificationId, Func<NotificationRecord, NotificationRecord?> change, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindAsync(incidentId, notificationId, cancellationToken);
            if (current is null) return null;
            var changed = change(current);
            if (changed is null) return current;
            try
            {
                var etag = await store.UpdateAsync(NoticeTables.Notifications, ToEntity(changed), current.ETag!, cancellationToken);
                return changed with { ETag = etag };
            }
            catch (ConcurrencyConflictException) when (attempt < MaxUpdateAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 10))), CancellationToken.None);
            }
        }
    }

    public async Task<RenderedNotice?> FindRenderedAsync(string incidentId, string notificationId, NoticeLanguage language, string variant, CancellationToken cancellationToken = default)
    {
        var e = await store.GetAsync(NoticeTables.Notifications, incidentId, NoticeTables.RenderedRow(notificationId, language.ToWire(), variant), cancellationToken);
        return e is null ? null : RenderedFromEntity(e);
    }

    /// <summary>Every rendered notice of a notification (each language and variant).</summary>
    public async Task<IReadOnlyList<RenderedNotice>> ListRenderedAsync(string incidentId, string notificationId, CancellationToken cancellationToken = default)
    {
        var list = new List<RenderedNotice>();
        await foreach (var e in store.QueryAllAsync(NoticeTables.Notifications, TableQuery.WithPrefix(incidentId, NoticeTables.RenderedRow(notificationId, "")), cancellationToken))
            list.Add(RenderedFromEntity(e));
        return list;
    }

    /// <summary>Writes the job index rows (idempotent upserts, 100 per transaction).</summary>
    public async Task AddJobIndexAsync(string incidentId, string notificationId, IEnumerable<JobIndexEntry> jobs, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in jobs.Chunk(100))
        {
            await store.SubmitTransactionAsync(NoticeTables.Notifications, chunk.Select(j => TableOperation.Upsert(new TableEntity(incidentId, NoticeTables.JobIndexPrefix(notificationId) + j.JobId)
            {
                ["JobId"] = j.JobId, ["Ordinal"] = j.Ordinal, ["Language"] = j.Language.ToWire(), ["TemplateVersion"] = j.TemplateVersion, ["Recipients"] = j.Recipients,
                ["FirstKey"] = j.FirstKey, ["LastKey"] = j.LastKey, ["Variant"] = j.Variant.Length == 0 ? null : j.Variant,
            })).ToList(), cancellationToken);
        }
    }

    public async Task<IReadOnlyList<JobIndexEntry>> ListJobIndexAsync(string incidentId, string notificationId, CancellationToken cancellationToken = default)
    {
        var list = new List<JobIndexEntry>();
        await foreach (var e in store.QueryAllAsync(NoticeTables.Notifications, TableQuery.WithPrefix(incidentId, NoticeTables.JobIndexPrefix(notificationId)), cancellationToken))
        {
            list.Add(new JobIndexEntry(e.GetString("JobId")!, e.GetInt32("Ordinal") ?? 0,
                NoticeVocabulary.Stored<NoticeLanguage>(e.GetString("Language"), NoticeVocabulary.TryParseLanguage, "language"),
                e.GetString("TemplateVersion")!, e.GetInt32("Recipients") ?? 0, e.GetString("FirstKey"), e.GetString("LastKey"), e.GetString("Variant") ?? ""));
        }
        return list;
    }

    /// <summary>Claims a portal reference for the incident; the submission already recorded under it when there is one.</summary>
    public async Task<AuthoritySubmissionRecord?> ClaimSubmissionAsync(string incidentId, AuthoritySubmissionRecord submission, CancellationToken cancellationToken = default)
    {
        var row = NoticeTables.SubmissionRow(Ids.Sha256Hex(submission.Reference));
        try
        {
            await store.AddAsync(NoticeTables.Notifications, new TableEntity(incidentId, row)
            {
                ["Reference"] = submission.Reference, ["SubmittedAt"] = submission.SubmittedAt, ["SubmittedBy"] = submission.SubmittedBy,
            }, cancellationToken);
            return null;
        }
        catch (EntityAlreadyExistsException)
        {
            var e = (await store.GetAsync(NoticeTables.Notifications, incidentId, row, cancellationToken))!;
            return new AuthoritySubmissionRecord(e.GetString("Reference")!, e.GetDateTimeOffset("SubmittedAt")!.Value, e.GetString("SubmittedBy")!);
        }
    }

    /// <summary>Gives a claimed reference back (the submission could not be recorded on the incident).</summary>
    public Task ReleaseSubmissionAsync(string incidentId, string reference, CancellationToken cancellationToken = default)
        => store.DeleteAsync(NoticeTables.Notifications, incidentId, NoticeTables.SubmissionRow(Ids.Sha256Hex(reference)), null, cancellationToken);

    private static TableEntity ToEntity(NotificationRecord n)
    {
        var e = new TableEntity(n.IncidentId, NoticeTables.NotificationRow(n.NotificationId))
        {
            ["Kind"] = n.Kind.ToWire(), ["Phase"] = n.Phase.ToWire(), ["Status"] = Wire(n.Status), ["CreatedAt"] = n.CreatedAt, ["CreatedBy"] = n.CreatedBy,
            ["Fingerprint"] = n.Fingerprint, ["Override"] = n.Override, ["RecipientKind"] = n.RecipientKind?.ToWire() ?? "",
            ["ReasonsForDelay"] = n.ReasonsForDelay, ["OverrideRationale"] = n.OverrideRationale,
            ["ResendOf"] = n.ResendOf, ["ResendRationale"] = n.ResendRationale,
            ["Jobs"] = n.Jobs, ["Recipients"] = n.Recipients,
            ["Languages"] = n.Languages is null ? null : JsonSerializer.Serialize(n.Languages.ToDictionary(l => l.Key.ToWire(), l => l.Value)),
            ["TemplateVersions"] = n.TemplateVersions is null ? null : JsonSerializer.Serialize(n.TemplateVersions),
            ["CompletedAt"] = n.CompletedAt,
        };
        if (n.SentBits.Length > 0) e["SentBits"] = n.SentBits;
        if (n.FailedBits.Length > 0) e["FailedBits"] = n.FailedBits;
        return e;
    }

    private static NotificationRecord FromEntity(TableEntity e) => new()
    {
        IncidentId = e.PartitionKey,
        NotificationId = e.RowKey[NoticeTables.NotificationPrefix.Length..],
        Kind = NoticeVocabulary.Stored<NoticeKind>(e.GetString("Kind"), NoticeVocabulary.TryParseKind, "notice kind"),
        Phase = NoticeVocabulary.Stored<NoticePhase>(e.GetString("Phase"), NoticeVocabulary.TryParsePhase, "notice phase"),
        Status = e.GetString("Status") switch
        {
            "creating" => NotificationStatus.Creating,
            "queued" => NotificationStatus.Queued,
            "completed" => NotificationStatus.Completed,
            var s => throw new StorageException($"Stored notification status '{s}' is not known."),
        },
        CreatedAt = e.GetDateTimeOffset("CreatedAt")!.Value,
        CreatedBy = e.GetString("CreatedBy")!,
        Fingerprint = e.GetString("Fingerprint") ?? "",
        Override = e.GetBoolean("Override") ?? false,
        OverrideRationale = e.GetString("OverrideRationale"),
        ResendOf = e.GetString("ResendOf"),
        ResendRationale = e.GetString("ResendRationale"),
        ReasonsForDelay = e.GetString("ReasonsForDelay"),
        RecipientKind = string.IsNullOrEmpty(e.GetString("RecipientKind")) ? null : NoticeVocabulary.Stored<RecipientKind>(e.GetString("RecipientKind"), NoticeVocabulary.TryParseRecipientKind, "recipient kind"),
        Jobs = e.GetInt32("Jobs"),
        Recipients = e.GetInt64("Recipients"),
        Languages = e.GetString("Languages") is { } l
            ? JsonSerializer.Deserialize<Dictionary<string, long>>(l)!.ToDictionary(p => NoticeVocabulary.Stored<NoticeLanguage>(p.Key, NoticeVocabulary.TryParseLanguage, "language"), p => p.Value)
            : null,
        TemplateVersions = e.GetString("TemplateVersions") is { } t ? JsonSerializer.Deserialize<List<string>>(t)! : null,
        SentBits = e.GetBinary("SentBits") ?? [],
        FailedBits = e.GetBinary("FailedBits") ?? [],
        CompletedAt = e.GetDateTimeOffset("CompletedAt"),
        ETag = e.ETag,
    };

    public static string Wire(NotificationStatus status) => status switch
    {
        NotificationStatus.Creating => "creating",
        NotificationStatus.Queued => "queued",
        NotificationStatus.Completed => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static TableEntity ToEntity(string incidentId, string notificationId, RenderedNotice r)
    {
        var e = new TableEntity(incidentId, NoticeTables.RenderedRow(notificationId, r.Language.ToWire(), r.Variant))
        {
            ["Kind"] = r.Kind.ToWire(), ["Language"] = r.Language.ToWire(), ["Phase"] = r.Phase.ToWire(), ["TemplateVersion"] = r.TemplateVersion,
            ["Subject"] = r.Subject, ["BodySha256"] = r.BodySha256, ["Variant"] = r.Variant.Length == 0 ? null : r.Variant, ["Controller"] = r.Controller,
        };
        NoticeTables.WriteText(e, "Text", r.Text);
        NoticeTables.WriteText(e, "Html", r.Html);
        return e;
    }

    private static RenderedNotice RenderedFromEntity(TableEntity e) => new(
        NoticeVocabulary.Stored<NoticeKind>(e.GetString("Kind"), NoticeVocabulary.TryParseKind, "notice kind"),
        NoticeVocabulary.Stored<NoticeLanguage>(e.GetString("Language"), NoticeVocabulary.TryParseLanguage, "language"),
        NoticeVocabulary.Stored<NoticePhase>(e.GetString("Phase"), NoticeVocabulary.TryParsePhase, "notice phase"),
        e.GetString("TemplateVersion")!, e.GetString("Subject")!,
        NoticeTables.ReadText(e, "Text"), NoticeTables.ReadText(e, "Html"), e.GetString("BodySha256")!)
    {
        Variant = e.GetString("Variant") ?? "",
        Controller = e.GetString("Controller"),
    };
}
