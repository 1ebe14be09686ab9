using BreachNotify.Application.Incidents;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Register;

/// <summary>
/// One line of the breach register. GDPR Art 33(5): the controller documents every personal data breach, "comprising
/// the facts relating to the personal data breach, its effects and the remedial action taken" — notified or not, so
/// dismissed and closed incidents are listed too, with the decision and its rationale.
/// </summary>
public sealed record RegisterEntry
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required IncidentStatus Status { get; init; }
    public required string Source { get; init; }
    public required string Reporter { get; init; }
    public string? Owner { get; init; }
    public required ProcessingRole Role { get; init; }
    public string? ControllerCustomer { get; init; }
    public required IReadOnlyList<string> Countries { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }
    public DateTimeOffset? AwareAt { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public string? DismissalReason { get; init; }

    // The facts (Art 33(5) "facts") ...
    public IReadOnlyList<BreachType>? BreachTypes { get; init; }
    public IReadOnlyList<DataCategory>? DataCategories { get; init; }
    public long? DataSubjects { get; init; }
    public long? Records { get; init; }
    public bool? Contained { get; init; }

    // ... its effects (the engine's assessment) ...
    public RiskLevel? Risk { get; init; }
    public SeverityLevel? Severity { get; init; }
    public decimal? SeverityScore { get; init; }
    public bool? RecommendedNotifyAuthority { get; init; }
    public bool? RecommendedNotifyDataSubjects { get; init; }

    // ... and the DPO's decision with its rationale.
    public bool? NotifyAuthority { get; init; }
    public bool? NotifyDataSubjects { get; init; }
    public bool? PublicCommunication { get; init; }
    public string? Rationale { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public bool? IsOverride { get; init; }
    public IReadOnlyList<string>? Departures { get; init; }

    // ... and what is still owed: the notices the decision (or our role as processor) requires that are not made yet.
    // Empty for a notified incident, so the status and this column never disagree.
    public required IReadOnlyList<RecipientKind> NoticesOutstanding { get; init; }

    // The timeline's head: an auditor keeps it and can later prove the record up to here was not rewritten
    // (GET /api/incidents/{id}/audit shows the entry with this sequence and hash).
    public string? HeadHash { get; init; }
    public long HeadSequence { get; init; }

    public static RegisterEntry From(IncidentState s) => new()
    {
        Id = s.Id,
        Title = s.Title,
        Status = s.Status,
        Source = s.Source.Kind,
        Reporter = s.Reporter,
        Owner = s.Owner,
        Role = s.Role,
        ControllerCustomer = s.ControllerCustomer,
        Countries = s.Countries,
        DetectedAt = s.DetectedAt,
        AwareAt = s.AwareAt,
        OccurredAt = s.OccurredAt,
        CreatedAt = s.CreatedAt,
        ClosedAt = s.ClosedAt,
        DismissalReason = s.DismissalReason,
        BreachTypes = s.Facts?.BreachTypes,
        DataCategories = s.Facts?.DataCategories,
        DataSubjects = s.Facts?.DataSubjects,
        Records = s.Facts?.Records,
        Contained = s.Facts?.Contained,
        Risk = s.Assessment?.Risk,
        Severity = s.Assessment?.Severity.Level,
        SeverityScore = s.Assessment?.Severity.Score,
        RecommendedNotifyAuthority = s.Assessment?.NotifyAuthority,
        RecommendedNotifyDataSubjects = s.Assessment?.NotifyDataSubjects,
        NotifyAuthority = s.Decision?.NotifyAuthority,
        NotifyDataSubjects = s.Decision?.NotifyDataSubjects,
        PublicCommunication = s.Decision?.PublicCommunication,
        Rationale = s.Decision?.Rationale,
        DecidedBy = s.Decision?.DecidedBy,
        DecidedAt = s.Decision?.DecidedAt,
        IsOverride = s.Decision?.IsOverride,
        Departures = s.Decision?.Departures,
        NoticesOutstanding = NoticeProgress.Of(s).Outstanding.Select(r => r.Recipient).ToList(),
        HeadHash = s.TimelineHead,
        HeadSequence = s.TimelineCount,
    };
}

/// <summary>
/// Reads the register: every incident from the "all" index partition (newest first), each completed from its stored
/// state by a point read. Cost grows linearly with the number of incidents ever recorded (one read each); a breach
/// register holds tens to thousands of entries, not millions.
/// </summary>
public sealed class BreachRegister(IncidentRepository repository)
{
    public async IAsyncEnumerable<RegisterEntry> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var summary in repository.ListAllAsync(cancellationToken))
        {
            // An index row without its incident (the index is written right after the incident) cannot happen after a
            // completed save; skip rather than fail the whole register if storage was tampered with.
            var stored = await repository.FindAsync(summary.Id, cancellationToken);
            if (stored is not null) yield return RegisterEntry.From(stored.Incident.State);
        }
    }
}
