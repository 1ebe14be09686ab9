namespace BreachNotify.Application.Notices;

/// <summary>Settings of the notices feature (section <c>Notices</c>). Defaults are in code.</summary>
public sealed class NoticeOptions
{
    public const string SectionName = "Notices";

    /// <summary>Body limit of the recipients upload: 256 MiB holds well over 1,000,000 CSV rows.</summary>
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Notice jobs written at the same time while a notification is created. Table storage writes partitions in parallel
    /// (default 4 there); SQLite has one writer, so the default for it is 1 (more only adds lock waits). An upload writes
    /// one batch per recipients partition at a time (16), whatever this says.
    /// </summary>
    public int ImportParallelism { get; set; } = 4;

    /// <summary>Recipients per notice job (one SendGrid request); SendGrid allows at most 1000.</summary>
    public int JobSize { get; set; } = 1000;

    /// <summary>Recipient point reads in flight while a job is being sent.</summary>
    public int ReadParallelism { get; set; } = 16;

    /// <summary>A job still queued this long after it was (re-)enqueued is enqueued again by the sweep (lost enqueue).</summary>
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the sweep may enqueue a job before it is reported as exhausted and marked failed.</summary>
    public int MaxEnqueues { get; set; } = 5;

    /// <summary>A job being sent is leased for this long; a redelivery during the lease waits, after it the job is sent again.</summary>
    public TimeSpan SendLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The language a recipient gets when the upload names one we have no notice text for (e.g. <c>es</c>): the row is
    /// stored in this language and reported as a warning. Empty: such rows are rejected.
    /// </summary>
    public string? FallbackLanguage { get; set; } = NoticeLanguages.English;

    /// <summary><see cref="FallbackLanguage"/> parsed; null when rows in other languages are rejected.</summary>
    public NoticeLanguage? Fallback => NoticeVocabulary.TryParseLanguage(FallbackLanguage?.Trim(), out var l) ? l : null;

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(FallbackLanguage) && Fallback is null) yield return "Notices:FallbackLanguage must be empty or one of nl, en, fr, de.";
        if (MaxUploadBytes < 1024) yield return "Notices:MaxUploadBytes must be at least 1024.";
        if (ImportParallelism is < 1 or > 64) yield return "Notices:ImportParallelism must be 1 to 64.";
        if (JobSize is < 1 or > 1000) yield return "Notices:JobSize must be 1 to 1000 (SendGrid's limit).";
        if (ReadParallelism is < 1 or > 256) yield return "Notices:ReadParallelism must be 1 to 256.";
        if (RequeueAfter <= TimeSpan.Zero) yield return "Notices:RequeueAfter must be positive.";
        if (MaxEnqueues < 1) yield return "Notices:MaxEnqueues must be at least 1.";
        if (SendLease <= TimeSpan.Zero) yield return "Notices:SendLease must be positive.";
    }
}

/// <summary>Checks of the <c>Organisation</c> settings that notices add (the class lives in Application/Organisation).</summary>
public static class OrganisationNoticeSettings
{
    public const int MaxTitleLength = 200;

    public static IEnumerable<string> Validate(Organisation.OrganisationOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.LeadAuthority) && !Authorities.SupervisoryAuthorityRegistry.Default.Contains(o.LeadAuthority.Trim().ToUpperInvariant()))
            yield return $"Organisation:LeadAuthority '{o.LeadAuthority}' is not in the supervisory authority registry (EU/EEA, UK as GB, CH).";
        foreach (var (key, value) in new[] { ("Organisation:AuthorityNoticeEmail", o.AuthorityNoticeEmail), ("Organisation:PublicNoticeEmail", o.PublicNoticeEmail) })
        {
            if (!string.IsNullOrWhiteSpace(value) && Email.EmailAddresses.Validate(value) is { } error) yield return $"{key}: {error}";
        }
        foreach (var (language, title) in o.Dpo.Title)
        {
            if (!NoticeVocabulary.TryParseLanguage(language, out _)) yield return $"Organisation:Dpo:Title:{language}: the key is a notice language (nl, en, fr, de).";
            else if (title is { Length: > MaxTitleLength } || title.Any(char.IsControl)) yield return $"Organisation:Dpo:Title:{language}: at most {MaxTitleLength} characters, no control characters.";
        }
        if (o.LeadAuthorityName is { Length: > MaxTitleLength } || o.LeadAuthorityName?.Any(char.IsControl) == true)
            yield return $"Organisation:LeadAuthorityName: at most {MaxTitleLength} characters, no control characters.";
    }
}
