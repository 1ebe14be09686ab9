using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Application.Notices;

/// <summary>
/// The deadline side of sending notices. Kept behind this port so the deadlines feature can own the rules (regimes,
/// policy deadlines, the record of obligations met); <see cref="DeadlineNoticeObligations"/> implements it on them.
/// </summary>
public interface INoticeObligations
{
    /// <summary>Throws a validation error naming <c>reasonsForDelay</c> when a notice of <paramref name="kind"/> given at
    /// <paramref name="at"/> is late and gives no reasons (Art 33(1)).</summary>
    void EnsureReasonsForDelay(IncidentState incident, NoticeKind kind, NoticePhase phase, DateTimeOffset at, string? reasonsForDelay);

    /// <summary>Records on the incident that a notice of <paramref name="kind"/> was given at <paramref name="at"/>, which may
    /// be up to <paramref name="clockSkew"/> after <paramref name="now"/> when a client gave it. The incident becomes
    /// notified when this was the last notice its decision requires (<see cref="NoticeProgress"/>).</summary>
    void MarkSent(Incident incident, NoticeKind kind, DateTimeOffset at, string reference, Actor actor, DateTimeOffset now, TimeSpan clockSkew = default);

    /// <summary>When the authority notice is due under the configured regimes: the deadline the reasons-for-delay check
    /// applies (null without awareness or without an authority obligation).</summary>
    DateTimeOffset? AuthorityDueAt(IncidentState incident, DateTimeOffset now);

    /// <summary>Whether a notice of <paramref name="kind"/> given at <paramref name="at"/> comes after a deadline for its
    /// recipients that it (or an earlier notice) did not meet in time: it must then not claim to come "without undue delay".</summary>
    bool IsLate(IncidentState incident, NoticeKind kind, DateTimeOffset at);
}

/// <summary>
/// The notices seam backed by the deadlines feature (<see cref="Deadlines.DeadlineService"/>): the configured regimes
/// decide when an authority notice is late (reasons for delay) and which obligation a sent notice meets
/// (<c>obligations-met</c>). The notice itself is recorded on the incident too (<c>notice-sent</c>), so every notice is on
/// the timeline and counts towards the status even where no regime has an obligation for its recipients.
/// </summary>
public sealed class DeadlineNoticeObligations(Deadlines.DeadlineService deadlines) : INoticeObligations
{
    public const string SentAction = Incident.NoticeSentAction;

    public void EnsureReasonsForDelay(IncidentState incident, NoticeKind kind, NoticePhase phase, DateTimeOffset at, string? reasonsForDelay)
    {
        // Phases are the regimes' business: a notice that meets an obligation late needs reasons, a later phase does not.
        if (kind == NoticeKind.Authority) deadlines.EnsureReasonsForDelay(incident, at, reasonsForDelay);
    }

    public void MarkSent(Incident incident, NoticeKind kind, DateTimeOffset at, string reference, Actor actor, DateTimeOffset now, TimeSpan clockSkew = default)
    {
        // Obligations first, so that the status change (when this was the last notice required) is the last entry.
        var recipient = RecipientOf(kind);
        deadlines.MarkNoticeSent(incident, recipient, at, reference, actor, now, clockSkew: clockSkew);
        incident.RecordNoticeGiven(recipient, at, reference, actor, now);
    }

    public DateTimeOffset? AuthorityDueAt(IncidentState incident, DateTimeOffset now)
        => deadlines.Compute(incident, now)
            // Like EnsureReasonsForDelay, whether the obligation applies does not matter: a notice given late needs reasons.
            .Where(d => d.Recipient == Domain.Deadlines.RecipientKind.Authority && d.DueAt is not null)
            .Min(d => d.DueAt);

    public bool IsLate(IncidentState incident, NoticeKind kind, DateTimeOffset at)
        => deadlines.Compute(incident, at).Any(d => d.Recipient == RecipientOf(kind) && d.DueAt is { } due && (d.MetAt ?? at) > due);

    public static Domain.Deadlines.RecipientKind RecipientOf(NoticeKind kind) => kind switch
    {
        NoticeKind.Authority => Domain.Deadlines.RecipientKind.Authority,
        NoticeKind.DataSubjects => Domain.Deadlines.RecipientKind.DataSubjects,
        NoticeKind.Controllers => Domain.Deadlines.RecipientKind.Controllers,
        NoticeKind.Public => Domain.Deadlines.RecipientKind.Public,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown notice kind."),
    };
}
