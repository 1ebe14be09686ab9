using BreachNotify.Application.Notices.Templates;

namespace BreachNotify.Application.Notices.Jobs;

/// <summary>Notification states: creating (jobs being written) → queued → completed (every job sent or failed).</summary>
public enum NotificationStatus
{
    Creating,
    Queued,
    Completed,
}

/// <summary>
/// A notification: one notice kind and phase for an incident, its jobs' outcome as bitmaps (one bit per job ordinal, so a
/// redelivery never counts twice) and, once its jobs are written, the counts. Changed only through
/// <see cref="NotificationRepository"/>, ETag-conditional.
/// </summary>
public sealed record NotificationRecord
{
    public required string IncidentId { get; init; }
    public required string NotificationId { get; init; }
    public required NoticeKind Kind { get; init; }
    public required NoticePhase Phase { get; init; }
    public required NotificationStatus Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }

    /// <summary>SHA-256 of the request, so an Idempotency-Key reused for a different request is recognised.</summary>
    public required string Fingerprint { get; init; }

    public bool Override { get; init; }
    public string? OverrideRationale { get; init; }

    /// <summary>A deliberate second notification of this kind and phase: the one it repeats, and why (Art 33(5)).</summary>
    public string? ResendOf { get; init; }
    public string? ResendRationale { get; init; }
    public string? ReasonsForDelay { get; init; }

    /// <summary>The uploaded recipients it goes to; null when it goes to a configured address.</summary>
    public RecipientKind? RecipientKind { get; init; }

    // Set when the jobs are written (status queued).
    public int? Jobs { get; init; }
    public long? Recipients { get; init; }
    public IReadOnlyDictionary<NoticeLanguage, long>? Languages { get; init; }
    public IReadOnlyList<string>? TemplateVersions { get; init; }

    public byte[] SentBits { get; init; } = [];
    public byte[] FailedBits { get; init; } = [];
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Set by the repository on read and write; opaque.</summary>
    public string? ETag { get; init; }
}

/// <summary>
/// The index row of one job of a notification (jobs are listed from these, then read by id). <see cref="FirstKey"/> and
/// <see cref="LastKey"/>: the job's first and last recipient key in job order (partition, then key), so the job of a
/// recipient is found without reading every job's list (null for a job to a configured address, and for jobs written
/// before the range was recorded).
/// </summary>
public sealed record JobIndexEntry(string JobId, int Ordinal, NoticeLanguage Language, string TemplateVersion, int Recipients, string? FirstKey = null, string? LastKey = null, string Variant = "");

/// <summary>A portal submission claimed by its reference (the same reference again is a replay).</summary>
public sealed record AuthoritySubmissionRecord(string Reference, DateTimeOffset SubmittedAt, string SubmittedBy);

/// <summary>A notification with its rendered notices, as first written (one transaction).</summary>
/// <param name="Resend">It repeats a notification of its kind and phase on purpose: it takes over the kind-and-phase claim
/// instead of needing it free.</param>
public sealed record NewNotification(NotificationRecord Notification, IReadOnlyList<RenderedNotice> Notices, bool Resend = false);

/// <summary>What writing a new notification did.</summary>
public enum NotificationWrite
{
    /// <summary>Written (with its rendered notices and its kind-and-phase claim).</summary>
    Created,
    /// <summary>A notification with this id exists already (a repeated request): nothing written.</summary>
    Exists,
    /// <summary>Another notification of this kind and phase exists (<c>ExistingId</c>): nothing written.</summary>
    KindAndPhaseTaken,
}
