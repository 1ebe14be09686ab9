using System.Globalization;
using BreachNotify.Domain.Deadlines;

namespace BreachNotify.Domain.Incidents;

/// <summary>
/// A notice made to one kind of recipient, as recorded on the incident: the authority's portal submission, or a
/// notification that was sent. <paramref name="Reference"/> proves it (the portal's reference, the notification id).
/// </summary>
public sealed record NoticeGiven(RecipientKind Recipient, DateTimeOffset At, string Reference, string RecordedBy);

/// <summary>One notice the incident requires, why, and when (and with what reference) it was made; null while outstanding.</summary>
/// <param name="Basis">Why it is required, in words (the decision and its article, or our role as processor).</param>
public sealed record RequiredNotice(RecipientKind Recipient, string Basis, DateTimeOffset? MadeAt, string? Reference)
{
    public bool Made => MadeAt is not null;
}

/// <summary>
/// Which notices an incident requires and which of them are made: what makes the status <c>notified</c> true. The
/// DPO's decision requires the authority notice (Art 33(1)), the data-subject notice (Art 34(1)) and the public
/// communication (Art 34(3)(c)) it calls for; as processor we always tell the controller-customer (Art 33(2)). An incident
/// is notified when it has a decision, requires at least one notice, and every required notice is made.
/// </summary>
/// <param name="Decided">A decision on notices is recorded (without one nothing can be complete).</param>
public sealed record NoticeProgress(bool Decided, IReadOnlyList<RequiredNotice> Required)
{
    public IReadOnlyList<RequiredNotice> Outstanding => Required.Where(r => !r.Made).ToList();

    public bool Complete => Decided && Required.Count > 0 && Required.All(r => r.Made);

    /// <summary>The notices <paramref name="state"/> requires, each with the first notice made to that recipient.</summary>
    public static NoticeProgress Of(IncidentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        // Only a confirmed breach calls for notices: a suspicion is not one yet, a dismissed incident is not one at all.
        if (state.Status is IncidentStatus.Suspected or IncidentStatus.Dismissed) return new(false, []);
        var required = new List<RequiredNotice>();
        var d = state.Decision;
        if (d is not null)
        {
            if (d.NotifyAuthority) required.Add(Made(state, RecipientKind.Authority, "Art 33(1): the DPO's decision is to notify the supervisory authority."));
            if (d.NotifyDataSubjects) required.Add(Made(state, RecipientKind.DataSubjects, "Art 34(1): the DPO's decision is to tell the data subjects."));
            if (d.PublicCommunication) required.Add(Made(state, RecipientKind.Public, "Art 34(3)(c): the DPO's decision is to make a public communication."));
        }
        if (state.Role == ProcessingRole.Processor)
            required.Add(Made(state, RecipientKind.Controllers, $"Art 33(2): as processor we tell the controller ({state.ControllerCustomer}) without undue delay."));
        return new(d is not null, required);
    }

    /// <summary>One sentence for people (timeline notes, the incident page): what is made and what is still to make.</summary>
    public string Describe()
    {
        var made = Required.Where(r => r.Made).ToList();
        var outstanding = Outstanding;
        var parts = new List<string>();
        if (!Decided) parts.Add("No decision on notices recorded yet: the DPO decides which notices the breach requires.");
        else if (Required.Count == 0) parts.Add("The decision requires no notice.");
        else if (Complete) return "Every notice the decision requires is made: " + List(Required) + ".";
        if (outstanding.Count > 0) parts.Add("Still to make: " + List(outstanding) + ".");
        if (made.Count > 0) parts.Add("Made: " + List(made) + ".");
        return string.Join(" ", parts);
    }

    public static string Words(RecipientKind recipient) => recipient switch
    {
        RecipientKind.Authority => "the authority notice",
        RecipientKind.DataSubjects => "the notice to the data subjects",
        RecipientKind.Controllers => "the notice to the controller",
        RecipientKind.Public => "the public communication",
        _ => recipient.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    private static string List(IEnumerable<RequiredNotice> notices) => string.Join(", ", notices.Select(r => Words(r.Recipient)));

    private static RequiredNotice Made(IncidentState state, RecipientKind recipient, string basis)
    {
        var given = state.NoticesGiven.Where(n => n.Recipient == recipient).Select(n => new RequiredNotice(recipient, basis, n.At, n.Reference))
            // Incidents recorded before notices were kept per recipient: an obligation met is a notice made.
            .Concat(state.ObligationsMet.Where(m => m.Recipient == recipient).Select(m => new RequiredNotice(recipient, basis, m.MetAt, m.Reference)))
            .MinBy(n => n.MadeAt);
        return given ?? new RequiredNotice(recipient, basis, null, null);
    }
}
