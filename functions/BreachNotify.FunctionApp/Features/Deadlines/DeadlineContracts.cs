using System.Globalization;
using BreachNotify.Domain.Deadlines;

namespace BreachNotify.FunctionApp.Features.Deadlines;

/// <summary>
/// One obligation's deadline on GET /api/incidents/{id}. Instants are UTC; <see cref="DueAtLocal"/> is the same
/// instant in the organisation's zone (Organisation:TimeZone) with its offset, for people. <see cref="StartedAt"/> is when
/// the clock started (null: not yet, so there is nothing to count down).
/// </summary>
public sealed record DeadlineResponse(
    string Regime,
    string Obligation,
    RecipientKind Recipient,
    DateTimeOffset? DueAt,
    DateTimeOffset? OuterBoundAt,
    string? DueAtLocal,
    DeadlineStatus Status,
    DateTimeOffset? MetAt,
    DeadlineBasis Basis,
    string? Reason,
    string Source,
    DateTimeOffset? StartedAt)
{
    public static DeadlineResponse From(Deadline d) => new(
        d.Regime, d.Obligation, d.Recipient, d.DueAt, d.OuterBoundAt,
        d.DueAtLocal?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        d.Status, d.MetAt, d.Basis, d.Reason, d.Source, d.StartedAt);
}
