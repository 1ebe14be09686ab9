using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Application.Notices;

public sealed record AuthoritySubmission(string Reference, DateTimeOffset SubmittedAt, string SubmittedBy, DateTimeOffset? DueAt, bool InTime, bool Replayed);

/// <summary>
/// Records that the authority notice was submitted through the authority's portal (most authorities take portal
/// submissions only): the portal's reference, the time and who submitted. That time is when the authority was notified.
/// The same reference again is a replay, not a second submission.
/// </summary>
public sealed class AuthoritySubmissionService(NotificationRepository notifications, IncidentService incidents, INoticeObligations obligations, TimeProvider time, Microsoft.Extensions.Options.IOptions<IncidentOptions> options)
{
    public const int MaxReferenceLength = 200;

    /// <summary>The timeline action; its details hold the reference (follow-up notices to the authority carry the first one).</summary>
    public const string Action = "authority-submission";

    public async Task<AuthoritySubmission> RecordAsync(string incidentId, string? reference, DateTimeOffset? submittedAt, string? reasonsForDelay, string? note, Actor actor, CancellationToken cancellationToken = default)
    {
        var state = (await incidents.GetAsync(incidentId, cancellationToken)).Incident.State;
        var now = time.GetUtcNow();
        var at = (submittedAt ?? now).ToUniversalTime();
        var errors = new FieldErrors();
        var r = reference?.Trim();
        if (string.IsNullOrEmpty(r)) errors.Add("reference", "The portal's reference (or receipt number) is required.");
        else if (r.Length > MaxReferenceLength || r.Any(char.IsControl)) errors.Add("reference", $"At most {MaxReferenceLength} characters, no control characters.");
        var skew = options.Value.ClockSkew;
        new InstantWindow(now, skew).Check("submittedAt", submittedAt, errors);
        if (state.AwareAt is { } aware && at < aware) errors.Add("submittedAt", "Cannot precede awareness (awareAt).");
        if (note is { Length: > Incident.MaxTextLength }) errors.Add("note", $"At most {Incident.MaxTextLength} characters.");
        errors.ThrowIfAny();
        if (state.Status is not (IncidentStatus.Confirmed or IncidentStatus.Notified))
            throw new InvalidStateException($"A {state.Status.ToWire()} incident takes no authority submission.");
        var due = obligations.AuthorityDueAt(state, now);

        if (await notifications.ClaimSubmissionAsync(incidentId, new AuthoritySubmissionRecord(r!, at, actor.Name), cancellationToken) is { } earlier)
            return new AuthoritySubmission(r!, earlier.SubmittedAt, earlier.SubmittedBy, due, due is null || earlier.SubmittedAt <= due, Replayed: true);
        try
        {
            obligations.EnsureReasonsForDelay(state, NoticeKind.Authority, NoticePhase.Initial, at, reasonsForDelay);
            await incidents.ChangeAsync(incidentId, null, (incident, changedAt) =>
            {
                incident.Record(Action, [new FieldChange("authoritySubmission", null, r)],
                    note?.Trim(), StoredJson.Serialize(new { reference = r, submittedAt = Incident.Format(at), reasonsForDelay = reasonsForDelay?.Trim() }), actor, changedAt);
                obligations.MarkSent(incident, NoticeKind.Authority, at, r!, actor, changedAt, skew);
            }, cancellationToken);
        }
        catch
        {
            await notifications.ReleaseSubmissionAsync(incidentId, r!, CancellationToken.None);
            throw;
        }
        return new AuthoritySubmission(r!, at, actor.Name, due, due is null || at <= due, Replayed: false);
    }
}
