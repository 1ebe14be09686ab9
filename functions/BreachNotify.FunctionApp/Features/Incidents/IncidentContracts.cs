using BreachNotify.Application.Incidents;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;
using BreachNotify.FunctionApp.Features.Assessments;
using BreachNotify.FunctionApp.Features.Deadlines;

namespace BreachNotify.FunctionApp.Features.Incidents;

/// <summary>POST /api/incidents. Instants need an explicit offset; unknown fields are rejected.</summary>
public sealed record CreateIncidentRequest(
    string? Title,
    string? Description = null,
    DateTimeOffset? DetectedAt = null,
    DateTimeOffset? AwareAt = null,
    DateTimeOffset? OccurredAt = null,
    ProcessingRole? Role = null,
    string? ControllerCustomer = null,
    IReadOnlyList<string>? Countries = null,
    string? Owner = null,
    string? Note = null,
    FactsRequest? Facts = null);

/// <summary>POST /api/incidents/{id}/decision: the DPO's decision on notices, with a required rationale.</summary>
public sealed record DecisionRequest(bool? NotifyAuthority, bool? NotifyDataSubjects, bool? PublicCommunication, string? Rationale);

public sealed record ConfirmIncidentRequest(DateTimeOffset? AwareAt, string? Note = null);

public sealed record DismissIncidentRequest(string? Reason);

public sealed record CloseIncidentRequest(string? Note = null);

public sealed record SourceResponse(string Kind, string? ExternalId, string? Link, string? Severity);

public sealed record TimelineEntryResponse(long Sequence, DateTimeOffset At, string Actor, string ActorRole, string Action, IReadOnlyList<FieldChange> Changes, string? Note, System.Text.Json.JsonElement? Details);

/// <summary>An incident as the API shows it. Later features add their parts (assessment, decision, deadlines...).</summary>
public sealed class IncidentResponse
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public required IncidentStatus Status { get; init; }
    public required SourceResponse Source { get; init; }
    public required string Reporter { get; init; }
    public string? Owner { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }
    public DateTimeOffset? AwareAt { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public required ProcessingRole Role { get; init; }
    public string? ControllerCustomer { get; init; }
    public required IReadOnlyList<string> Countries { get; init; }
    public string? DismissalReason { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public BreachFacts? Facts { get; init; }
    public IncidentAssessmentResponse? Assessment { get; init; }
    public DateTimeOffset? AssessedAt { get; init; }
    public NotificationDecision? Decision { get; init; }

    /// <summary>Each enabled regime's obligations with due instants and status (docs/deadlines.md).</summary>
    public IReadOnlyList<DeadlineResponse> Deadlines { get; init; } = [];

    /// <summary>The notices the incident requires and which are made: why the status is (or is not yet) notified.</summary>
    public required NoticesResponse Notices { get; init; }
    public required string ETag { get; init; }
    public IReadOnlyList<TimelineEntryResponse>? Timeline { get; init; }

    public static IncidentResponse From(IncidentState s, string etag, IReadOnlyList<TimelineEntry>? timeline, IReadOnlyList<DeadlineResponse>? deadlines = null) => new()
    {
        Id = s.Id,
        Title = s.Title,
        Description = s.Description,
        Status = s.Status,
        Source = new SourceResponse(s.Source.Kind, s.Source.ExternalId, s.Source.Link, s.Source.Severity),
        Reporter = s.Reporter,
        Owner = s.Owner,
        DetectedAt = s.DetectedAt,
        AwareAt = s.AwareAt,
        OccurredAt = s.OccurredAt,
        Role = s.Role,
        ControllerCustomer = s.ControllerCustomer,
        Countries = s.Countries,
        DismissalReason = s.DismissalReason,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        ClosedAt = s.ClosedAt,
        Facts = s.Facts,
        Assessment = IncidentAssessmentResponse.From(s.Facts, s.Assessment),
        AssessedAt = s.AssessedAt,
        Decision = s.Decision,
        Deadlines = deadlines ?? [],
        Notices = NoticesResponse.From(s),
        ETag = etag,
        Timeline = timeline?.Select(ToResponse).ToList(),
    };

    public static TimelineEntryResponse ToResponse(TimelineEntry e)
    {
        System.Text.Json.JsonElement? details = null;
        if (e.Details is not null)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(e.Details);
            details = doc.RootElement.Clone();
        }
        return new TimelineEntryResponse(e.Sequence, e.At, e.Actor, e.ActorRole, e.Action, e.Changes, e.Note, details);
    }
}

/// <summary>One notice the incident requires: why, whether it is made (when, with what reference) and, while it is not, how to make it.</summary>
public sealed record RequiredNoticeResponse(RecipientKind Recipient, string Basis, bool Made, DateTimeOffset? MadeAt, string? Reference, string? ToDo);

/// <summary>
/// The notices an incident requires (the decision's, and the controller's when we are processor) and which of them are
/// made. The status is <c>notified</c> exactly when <see cref="Complete"/>; <see cref="Summary"/> says it in words.
/// </summary>
public sealed record NoticesResponse(bool Decided, bool Complete, string Summary, IReadOnlyList<RequiredNoticeResponse> Required, IReadOnlyList<RecipientKind> Outstanding)
{
    public static NoticesResponse From(IncidentState s)
    {
        var p = NoticeProgress.Of(s);
        var summary = s.Status is IncidentStatus.Suspected ? "A suspected incident requires no notice until it is confirmed as a personal data breach."
            : s.Status is IncidentStatus.Dismissed ? "Dismissed: not a personal data breach, so no notice is required."
            : p.Describe();
        return new(p.Decided, p.Complete, summary,
            p.Required.Select(r => new RequiredNoticeResponse(r.Recipient, r.Basis, r.Made, r.MadeAt, r.Reference, r.Made ? null : ToDo(s.Id, r.Recipient))).ToList(),
            p.Outstanding.Select(r => r.Recipient).ToList());
    }

    private static string ToDo(string id, RecipientKind recipient) => recipient switch
    {
        RecipientKind.Authority => $"Submit the notice through the authority's portal and record its reference (POST /api/incidents/{id}/authority-submissions), or send the authority notice to the authority's own address (POST /api/incidents/{id}/notifications, kind authority).",
        RecipientKind.DataSubjects => $"Upload the data subjects and send their notice (POST /api/incidents/{id}/notifications, kind data-subjects).",
        RecipientKind.Controllers => $"Upload the controller's contacts and send the controller notice (POST /api/incidents/{id}/notifications, kind controllers).",
        RecipientKind.Public => $"Send the public communication for publication (POST /api/incidents/{id}/notifications, kind public).",
        _ => "Record the notice.",
    };
}

public sealed record IncidentListItem(string Id, string Title, IncidentStatus Status, string Source, DateTimeOffset CreatedAt, DateTimeOffset DetectedAt, DateTimeOffset? AwareAt);

public sealed record IncidentListResponse(IReadOnlyList<IncidentListItem> Items, int Page, int PageSize, string? Next);

/// <summary>
/// One timeline entry as the hash chain covers it: the canonical members (docs/audit.md) exactly as hashed — <c>at</c> in
/// the canonical instant form, <c>details</c> as the stored JSON text — and the stored <c>hash</c> (null on an entry
/// recorded before the chain).
/// </summary>
public sealed record AuditEntryResponse(long Sequence, string At, string Actor, string ActorRole, string Action, IReadOnlyList<FieldChange> Changes, string? Note, string? Details, string? Hash);

public sealed record ChainBreakResponse(long Sequence, string Reason);

/// <summary>
/// GET /api/incidents/{id}/audit: the timeline, its head hash and whether its chain holds; <c>broken</c> when the stored
/// record contradicts the chain (not merely unverifiable legacy entries).
/// </summary>
public sealed record IncidentAuditResponse(
    string IncidentId,
    string Genesis,
    IReadOnlyList<AuditEntryResponse> Entries,
    string? HeadHash,
    bool Valid,
    bool Broken,
    ChainBreakResponse? FirstInvalid,
    long LegacyEntries)
{
    public static IncidentAuditResponse From(TimelineAudit audit)
    {
        var v = audit.Verification;
        var entries = audit.Entries.Select(e => new AuditEntryResponse(e.Sequence, TimelineChain.FormatInstant(e.At), e.Actor, e.ActorRole, e.Action,
            e.Changes ?? [], e.Note, e.Details, e.Hash)).ToList();
        var broken = v.FirstInvalid is { } b ? new ChainBreakResponse(b.Sequence, b.Reason) : null;
        return new IncidentAuditResponse(audit.IncidentId, v.Genesis, entries, v.HeadHash, v.Valid, v.Broken, broken, v.LegacyEntries);
    }
}
