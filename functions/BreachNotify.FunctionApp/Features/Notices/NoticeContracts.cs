using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Templates;

namespace BreachNotify.FunctionApp.Features.Notices;

public sealed record RejectedRowResponse(long? Line, long? Index, string Reason);

/// <param name="Erased">Rows for addresses whose personal data was erased earlier: not stored again.</param>
/// <param name="Warnings">Rows stored with a change, e.g. the fallback language (<c>Notices:FallbackLanguage</c>) instead of
/// one we have no notice text for: the first 100, with <paramref name="WarningCount"/> counting them all.</param>
public sealed record RecipientImportResponse(long Accepted, long Duplicates, long RejectedCount, IReadOnlyList<RejectedRowResponse> Rejected, long Erased,
    long WarningCount, IReadOnlyList<RejectedRowResponse> Warnings);

/// <summary>A recipient's notice: the notification and its status for this recipient (null: not recorded for this notification),
/// with the reason when it failed or bounced (e.g. refused at send time).</summary>
public sealed record RecipientNoticeResponse(string NotificationId, string Kind, string Phase, string? Status, string? Reason);

/// <summary>One recipient: key (SHA-256 of the address), kind, language and notices always; the personal data until erased.</summary>
/// <param name="Controller">The controller-customer the recipient belongs to (upload column <c>controller</c>).</param>
public sealed record RecipientRowResponse(
    string Key, string? Email, string? Name, string Language, string? Country, string Kind, string? ExternalId, DateTimeOffset AddedAt,
    DateTimeOffset? ErasedAt, IReadOnlyList<RecipientNoticeResponse> Notices, string? Controller);

/// <param name="Scope">all or some.</param>
/// <param name="NotFound">Addresses asked for that are not among the recipients (null when erasing all).</param>
public sealed record RecipientErasureResponse(string ErasureId, string Scope, long Erased, long AlreadyErased, long? NotFound);

public sealed record RecipientsResponse(
    long Total,
    IReadOnlyDictionary<string, long> ByKind,
    IReadOnlyDictionary<string, long> ByLanguage,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByKindAndLanguage,
    IReadOnlyDictionary<string, long> ErasedByKind,
    RecipientStatusCounts NoticesByStatus,
    IReadOnlyList<RecipientRowResponse>? Items,
    string? Continuation);

public sealed record NoticeContentRequest(string? Summary, string? Consequences, string? Measures, string? Advice);

/// <summary>The third-person texts for the authority and controllers (<c>PUT …/notice-content/{language}/authority</c>).</summary>
public sealed record AuthorityContentRequest(string? Summary, string? Consequences, string? Measures);

/// <param name="Controller">The controller-customer the rendering is for (controller notices of a breach that touches several).</param>
public sealed record NoticePreviewResponse(string Kind, string Language, string Phase, string TemplateVersion, string Subject, string Text, string Html, string BodySha256, IReadOnlyDictionary<string, string> Substitutions,
    string? Controller = null);

/// <param name="Resend">A second notification of a kind and phase given already, on purpose (needs a rationale); without it that is a 409.</param>
public sealed record NotificationRequestBody(string? Kind, string? Phase = null, string? Language = null, string? ReasonsForDelay = null, bool? Override = null, string? Rationale = null, bool? Resend = null);

public sealed record NotificationAccepted(string NotificationId, int Jobs, long Recipients);

public sealed record NotificationsResponse(IReadOnlyList<NotificationView> Items);

public sealed record AuthoritySubmissionRequest(string? Reference, DateTimeOffset? SubmittedAt = null, string? ReasonsForDelay = null, string? Note = null);

public sealed record AuthoritySubmissionResponse(string Reference, DateTimeOffset SubmittedAt, string SubmittedBy, DateTimeOffset? DueAt, bool InTime);
