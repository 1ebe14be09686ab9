using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Application.Notices;

/// <summary>
/// The deadline side of sending notices. Kept behind this port so the deadlines feature can own the rules (regimes,
/// policy deadlines, the record of obligations met); <see cref="GdprNoticeObligations"/> is the minimal GDPR version.
/// </summary>
public interface INoticeObligations
{
    /// <summary>Throws a validation error naming <c>reasonsForDelay</c> when a notice of <paramref name="kind"/> given at
    /// <paramref name="at"/> is late and gives no reasons (Art 33(1)).</summary>
    void EnsureReasonsForDelay(IncidentState incident, string kind, string phase, DateTimeOffset at, string? reasonsForDelay);

    /// <summary>Records on the incident that a notice of <paramref name="kind"/> was given at <paramref name="at"/>.</summary>
    void MarkSent(Incident incident, string kind, DateTimeOffset at, string reference, Actor actor, DateTimeOffset now);
}

/// <summary>
/// GDPR Art 33(1): the authority is notified within 72 hours of awareness, in elapsed time on UTC instants (never
/// extended for nights, weekends or holidays: Regulation 1182/71 Art 3); a later notice gives reasons for the delay.
/// Only the initial authority notice is bound by it: later phases follow "without undue further delay" (Art 33(4)),
/// and Art 33(2)/34 set no fixed period.
/// </summary>
public sealed class GdprNoticeObligations : INoticeObligations
{
    public static readonly TimeSpan AuthorityPeriod = TimeSpan.FromHours(72);
    public const string SentAction = "notice-sent";

    public static DateTimeOffset? AuthorityDueAt(IncidentState incident) => incident.AwareAt + AuthorityPeriod;

    public void EnsureReasonsForDelay(IncidentState incident, string kind, string phase, DateTimeOffset at, string? reasonsForDelay)
    {
        if (kind != NoticeKinds.Authority || phase != NoticePhases.Initial) return;
        if (AuthorityDueAt(incident) is not { } due || at <= due) return; // exactly at the deadline is in time
        if (string.IsNullOrWhiteSpace(reasonsForDelay))
            throw new DomainValidationException("reasonsForDelay", $"The authority notice is due {Incident.Format(due)} (72 hours after awareness); a later notice must give the reasons for the delay (Art 33(1)).");
    }

    public void MarkSent(Incident incident, string kind, DateTimeOffset at, string reference, Actor actor, DateTimeOffset now)
        => incident.Record(SentAction, [new FieldChange("notice." + kind, null, Incident.Format(at))], "Reference: " + reference, null, actor, now);
}

/// <summary>
/// The notices seam backed by the deadlines feature (<see cref="Deadlines.DeadlineService"/>): the configured regimes
/// decide when an authority notice is late (reasons for delay) and which obligation a sent notice meets
/// (<c>obligations-met</c>). The <c>notice-sent</c> entry is recorded too, so every notice is on the timeline even where
/// no regime has an obligation for its recipients.
/// </summary>
public sealed class DeadlineNoticeObligations(Deadlines.DeadlineService deadlines) : INoticeObligations
{
    private readonly GdprNoticeObligations _record = new();

    public void EnsureReasonsForDelay(IncidentState incident, string kind, string phase, DateTimeOffset at, string? reasonsForDelay)
    {
        // Phases are the regimes' business: a notice that meets an obligation late needs reasons, a later phase does not.
        if (kind == NoticeKinds.Authority) deadlines.EnsureReasonsForDelay(incident, at, reasonsForDelay);
    }

    public void MarkSent(Incident incident, string kind, DateTimeOffset at, string reference, Actor actor, DateTimeOffset now)
    {
        _record.MarkSent(incident, kind, at, reference, actor, now);
        deadlines.MarkNoticeSent(incident, RecipientOf(kind), at, reference, actor, now);
    }

    public static Domain.Deadlines.RecipientKind RecipientOf(string kind) => kind switch
    {
        NoticeKinds.Authority => Domain.Deadlines.RecipientKind.Authority,
        NoticeKinds.DataSubjects => Domain.Deadlines.RecipientKind.DataSubjects,
        NoticeKinds.Controllers => Domain.Deadlines.RecipientKind.Controllers,
        NoticeKinds.Public => Domain.Deadlines.RecipientKind.Public,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown notice kind."),
    };
}
