using BreachNotify.Application.Notices.Jobs;

namespace BreachNotify.FunctionApp.Features.Notices;

public sealed record RejectedRowResponse(long? Line, long? Index, string Reason);

public sealed record RecipientImportResponse(long Accepted, long Duplicates, long RejectedCount, IReadOnlyList<RejectedRowResponse> Rejected);

public sealed record RecipientRowResponse(string Email, string? Name, string Language, string? Country, string Kind, string? ExternalId, DateTimeOffset AddedAt);

public sealed record RecipientsResponse(
    long Total,
    IReadOnlyDictionary<string, long> ByKind,
    IReadOnlyDictionary<string, long> ByLanguage,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByKindAndLanguage,
    RecipientStatusCounts NoticesByStatus,
    IReadOnlyList<RecipientRowResponse>? Items,
    string? Continuation);

public sealed record NoticeContentRequest(string? Summary, string? Consequences, string? Measures, string? Advice);

public sealed record NoticePreviewResponse(string Kind, string Language, string Phase, string TemplateVersion, string Subject, string Text, string Html, string BodySha256, IReadOnlyDictionary<string, string> Substitutions);

public sealed record NotificationRequestBody(string? Kind, string? Phase = null, string? Language = null, string? ReasonsForDelay = null, bool? Override = null, string? Rationale = null);

public sealed record NotificationAccepted(string NotificationId, int Jobs, long Recipients);

public sealed record NotificationsResponse(IReadOnlyList<NotificationView> Items);

public sealed record AuthoritySubmissionRequest(string? Reference, DateTimeOffset? SubmittedAt = null, string? ReasonsForDelay = null, string? Note = null);

public sealed record AuthoritySubmissionResponse(string Reference, DateTimeOffset SubmittedAt, string SubmittedBy, DateTimeOffset? DueAt, bool InTime);
