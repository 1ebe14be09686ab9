namespace BreachNotify.Domain.Incidents;

/// <summary>
/// One append-only record of what happened to an incident: the Art 33(5) documentation.
/// Entries are never edited or deleted; <see cref="Sequence"/> orders them (1, 2, 3, ...).
/// </summary>
/// <param name="Action">What happened, in kebab-case (created, updated, confirmed, aware-at-changed, dismissed, closed, ...).</param>
/// <param name="Changes">Field changes with old and new values as display text (ISO 8601 UTC for instants).</param>
/// <param name="Details">Optional structured snapshot (JSON text), e.g. an assessment with its facts and engine version.</param>
/// <param name="Hash">
/// SHA-256 chaining this entry to the one before it (<see cref="TimelineChain"/>); set when the entry is appended.
/// Null only on entries stored before the timeline was chained. Every other member is covered by the hash: a member
/// added here must be added to <see cref="TimelineChain.Canonical"/> too (a test holds the two together).
/// </param>
public sealed record TimelineEntry(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string ActorRole,
    string Action,
    IReadOnlyList<FieldChange> Changes,
    string? Note = null,
    string? Details = null,
    string? Hash = null);

public sealed record FieldChange(string Field, string? OldValue, string? NewValue);
