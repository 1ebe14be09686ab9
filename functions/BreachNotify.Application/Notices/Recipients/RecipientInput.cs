namespace BreachNotify.Application.Notices.Recipients;

/// <summary>
/// One row of an upload as read (CSV line or JSON array element), not yet validated. <see cref="Position"/> is the
/// CSV line number (1 = header) or the JSON array index; <see cref="Problem"/> is set when the row could not be read.
/// </summary>
public sealed record RecipientInput(
    long Position,
    string? Email,
    string? Name = null,
    string? Language = null,
    string? Country = null,
    string? Kind = null,
    string? ExternalId = null,
    string? Problem = null,
    string? Controller = null);

/// <summary>A validated recipient.</summary>
/// <param name="Controller">The controller-customer the recipient belongs to, when we act as processor for several.</param>
public sealed record Recipient(string Email, string? Name, NoticeLanguage Language, string? Country, RecipientKind Kind, string? ExternalId, string? Controller = null);

/// <summary>The upload cannot be read at all (bad header, not a JSON array, syntax error): names the field at fault.</summary>
public sealed class RecipientUploadException : Exception
{
    public RecipientUploadException() { }
    public RecipientUploadException(string message) : base(message) { }
    public RecipientUploadException(string message, Exception inner) : base(message, inner) { }
    public RecipientUploadException(string field, string message, Exception? inner = null) : base(message, inner) => Field = field;

    public string Field { get; } = "$";
}

/// <summary>A row that was not stored (rejected) or stored with a change (a warning), with its line or index and why.</summary>
public sealed record RejectedRow(long Position, string Reason);

/// <param name="Rejected">The first <see cref="RecipientImporter.MaxListedRejections"/> rejections.</param>
/// <param name="Erased">Addresses stored before whose personal data was erased since: not stored again.</param>
/// <param name="Warnings">The first <see cref="RecipientImporter.MaxListedRejections"/> rows stored with a change (e.g. the
/// fallback language instead of one we have no notice text for); <paramref name="WarningCount"/> counts them all.</param>
public sealed record ImportResult(long Accepted, long Duplicates, long RejectedCount, IReadOnlyList<RejectedRow> Rejected, long Erased = 0)
{
    public long WarningCount { get; init; }
    public IReadOnlyList<RejectedRow> Warnings { get; init; } = [];
}
