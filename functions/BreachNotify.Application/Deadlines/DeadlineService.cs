using BreachNotify.Application.Organisation;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Deadlines;

/// <summary>
/// The configured deadline rules as a service: compute an incident's deadlines, check a late authority notice gives
/// reasons, mark obligations met. Other features use this rather than the rules directly.
/// </summary>
public sealed class DeadlineService
{
    public DeadlineService(IOptions<DeadlineOptions> options, IOptions<OrganisationOptions> organisation)
    {
        var o = options.Value;
        Rules = o.BuildRules(organisation.Value.ResolveTimeZone());
        ReminderPolicy = o.BuildReminderPolicy();
    }

    public DeadlineRules Rules { get; }
    public ReminderPolicy ReminderPolicy { get; }
    public TimeZoneInfo TimeZone => Rules.TimeZone;

    public IReadOnlyList<Deadline> Compute(IncidentState state, DateTimeOffset now) => DeadlineCalculator.Compute(state, Rules, now);

    /// <summary>Throws DomainValidationException("reasonsForDelay") when an authority notice sent at <paramref name="sentAt"/> is late and gives no reasons (GDPR Art 33(1)).</summary>
    public void EnsureReasonsForDelay(IncidentState state, DateTimeOffset sentAt, string? reasonsForDelay, string? regime = null)
        => DeadlineCalculator.EnsureReasonsForDelay(state, Rules, sentAt, reasonsForDelay, regime);

    /// <summary>Marks the obligations a notice meets; call inside <c>IncidentService.ChangeAsync</c> so it lands on the timeline.</summary>
    public IReadOnlyList<ObligationMet> MarkNoticeSent(Incident incident, RecipientKind recipient, DateTimeOffset at, string? reference, Actor actor, DateTimeOffset now, string? regime = null, TimeSpan clockSkew = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.MarkNoticeSent(Rules, recipient, at, reference, actor, now, regime, clockSkew);
    }
}
