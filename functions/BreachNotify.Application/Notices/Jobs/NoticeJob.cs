namespace BreachNotify.Application.Notices.Jobs;

/// <summary>Job states: queued → sending (leased) → sent | failed.</summary>
public enum JobStatus
{
    Queued,
    Sending,
    Sent,
    Failed,
}

/// <summary>
/// One notice job: one e-mail to up to <see cref="NoticeOptions.JobSize"/> recipients of one language, its lease, its
/// proof of sending and its delivery counters. Changed only through <see cref="NoticeJobRepository"/>, ETag-conditional.
/// </summary>
public sealed record NoticeJob
{
    public required string JobId { get; init; }
    public required string IncidentId { get; init; }
    public required string NotificationId { get; init; }
    public required NoticeKind Kind { get; init; }
    public required NoticePhase Phase { get; init; }
    public required NoticeLanguage Language { get; init; }
    public required string TemplateVersion { get; init; }

    /// <summary>Which rendering of the notification in <see cref="Language"/> the job sends (<see cref="Templates.RenderedNotice.Variant"/>; "" for the default).</summary>
    public string Variant { get; init; } = "";

    /// <summary>The controller-customer the job's recipients belong to (controller notices of a breach that touches several).</summary>
    public string? Controller { get; init; }

    /// <summary>Position within the notification (its bit in the notification's sent/failed bitmaps).</summary>
    public required int Ordinal { get; init; }

    public required int RecipientCount { get; init; }
    public required JobStatus Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public int Enqueues { get; init; }
    public DateTimeOffset? LastEnqueuedAt { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>While <see cref="JobStatus.Sending"/>: until when the delivery that leased it may work on it.</summary>
    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>
    /// How many positions of the job's recipient list are done (sent, refused, or gone since), recorded after each send
    /// call before the next is made; a delivery that takes the job over after a crash starts here.
    /// </summary>
    public int Progress { get; init; }

    /// <summary>Recipients the provider accepted so far (the proof's count once the job is sent).</summary>
    public int SentRecipients { get; init; }

    /// <summary>Recipients refused at send time, each alone (its reason is in its delivery row); the others were sent.</summary>
    public long Refused { get; init; }

    /// <summary>The last transient failure (retried), for the sweep's report.</summary>
    public string? LastError { get; init; }
    public int? LastErrorStatus { get; init; }

    // Proof of sending.
    public DateTimeOffset? SentAt { get; init; }
    public string? ProviderMessageId { get; init; }
    public string? BodySha256 { get; init; }

    // A permanent failure.
    public string? Error { get; init; }
    public int? ErrorStatus { get; init; }
    public DateTimeOffset? FailedAt { get; init; }

    // Delivery counters, kept by the provider's delivery events.
    public long Delivered { get; init; }
    public long Bounced { get; init; }
    public long Failed { get; init; }
    public long Deferred { get; init; }
    public long SpamReports { get; init; }

    /// <summary>Set by the repository on read and write; opaque.</summary>
    public string? ETag { get; init; }

    public bool IsDone => Status is JobStatus.Sent or JobStatus.Failed;
}

/// <summary>Who a job goes to: the recipients' keys (32-byte SHA-256 each, in key order) or a configured address.</summary>
public sealed record JobRecipients(byte[] Keys, EmailAddressRecord? Direct)
{
    public int KeyCount => Keys.Length / 32;

    public ReadOnlySpan<byte> Key(int i) => Keys.AsSpan(i * 32, 32);
}

/// <summary>The delivery outcome of one recipient of a job, from the provider's events (latest by event time wins).</summary>
public sealed record RecipientDelivery(string Status, DateTimeOffset StatusAt, string Event, string? BounceType, string? Reason)
{
    public string? ETag { get; init; }
}

/// <summary>A provider event recorded once (deduplicated by its id) against a job.</summary>
public sealed record DeliveryEventRecord(string JobId, string EventHash, string Event, DateTimeOffset At, string RecipientKey, DateTimeOffset ReceivedAt);

/// <summary>A job waiting to be sent or failed, as the sweep reads it (partition <c>pending</c>, never a scan).</summary>
public sealed record PendingJob(string JobId, string IncidentId, string NotificationId);

/// <summary>A notification marked as being created (partition <c>creating</c>), as the sweep reads it.</summary>
public sealed record CreatingNotification(string IncidentId, string NotificationId, DateTimeOffset At);
