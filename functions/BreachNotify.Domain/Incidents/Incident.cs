using System.Globalization;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Domain.Incidents;

/// <summary>Where an incident came from: a person (manual) or a monitor, with the monitor's own id and link.</summary>
public sealed record IncidentSource(string Kind, string? ExternalId = null, string? Link = null, string? Severity = null)
{
    public const string ManualKind = "manual";
    public static readonly IncidentSource Manual = new(ManualKind);
}

/// <summary>The persisted state of an incident. The aggregate (<see cref="Incident"/>) guards every change to it.</summary>
public sealed record IncidentState
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public required IncidentSource Source { get; init; }
    public required string Reporter { get; init; }
    public string? Owner { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }
    public DateTimeOffset? AwareAt { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public ProcessingRole Role { get; init; }
    public string? ControllerCustomer { get; init; }
    public IReadOnlyList<string> Countries { get; init; } = [];
    public IncidentStatus Status { get; init; }
    public string? DismissalReason { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The facts of the breach as last recorded; each change is re-assessed.</summary>
    public BreachFacts? Facts { get; init; }

    /// <summary>The engine's assessment of <see cref="Facts"/> (snapshot with engine version).</summary>
    public RiskAssessment? Assessment { get; init; }
    public DateTimeOffset? AssessedAt { get; init; }

    /// <summary>The DPO's latest decision on notices; later notifications require it.</summary>
    public NotificationDecision? Decision { get; init; }

    /// <summary>Notices that met deadline obligations (regime, obligation, when, reference).</summary>
    public IReadOnlyList<ObligationMet> ObligationsMet { get; init; } = [];

    /// <summary>Every notice made, per recipient (whether or not a regime has an obligation for it): what
    /// <see cref="NoticeProgress"/> holds against the decision to tell whether the incident is notified.</summary>
    public IReadOnlyList<NoticeGiven> NoticesGiven { get; init; } = [];

    /// <summary>Deadline reminders and escalations sent, so a sweep can skip them without reading the ledger.</summary>
    public IReadOnlyList<ReminderSent> Reminders { get; init; } = [];

    /// <summary>Number of timeline entries recorded so far; the next entry gets <c>TimelineCount + 1</c>.</summary>
    public long TimelineCount { get; init; }

    /// <summary>
    /// The hash of the last timeline entry (<see cref="TimelineChain"/>), written with it in the same conditional
    /// save: the next entry chains from exactly this value. Null only for an incident stored before hashing.
    /// </summary>
    public string? TimelineHead { get; init; }

    /// <summary>Entries recorded before the timeline was hash-chained (they carry no hash; 0 for every newer incident).</summary>
    public long LegacyTimelineEntries { get; init; }
}

/// <summary>What a reporter gives when opening an incident.</summary>
public sealed record IncidentDraft
{
    public required string Title { get; init; }
    public string? Description { get; init; }
    public IncidentSource Source { get; init; } = IncidentSource.Manual;
    public string? Owner { get; init; }
    public DateTimeOffset? DetectedAt { get; init; }
    public DateTimeOffset? AwareAt { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public ProcessingRole Role { get; init; } = ProcessingRole.Controller;
    public string? ControllerCustomer { get; init; }
    public IReadOnlyList<string>? Countries { get; init; }
    public string? Note { get; init; }
}

/// <summary>A merge patch of an incident's facts: absent fields are untouched, present nulls clear optional fields.</summary>
public sealed record IncidentChanges
{
    public Optional<string> Title { get; init; }
    public Optional<string?> Description { get; init; }
    public Optional<string?> Owner { get; init; }
    public Optional<DateTimeOffset> DetectedAt { get; init; }
    public Optional<DateTimeOffset?> OccurredAt { get; init; }
    public Optional<ProcessingRole> Role { get; init; }
    public Optional<string?> ControllerCustomer { get; init; }
    public Optional<IReadOnlyList<string>> Countries { get; init; }
    public Optional<DateTimeOffset> AwareAt { get; init; }

    /// <summary>Required when <see cref="AwareAt"/> changes an awareness time already set.</summary>
    public string? AwareAtChangeReason { get; init; }
}

/// <summary>
/// A security incident that is, or may be, a personal data breach. Every change appends to the timeline;
/// the aggregate never reads a clock: callers pass <c>now</c> from an injected TimeProvider.
/// </summary>
public sealed class Incident
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 20_000;
    public const int MaxNameLength = 200;
    public const int MaxCountries = 60;

    private readonly List<TimelineEntry> _newEntries = [];

    private Incident(IncidentState state) => State = state;

    public IncidentState State { get; private set; }

    public string Id => State.Id;
    public IncidentStatus Status => State.Status;

    /// <summary>Entries appended since this instance was created or loaded; the repository stores them with the state, atomically.</summary>
    public IReadOnlyList<TimelineEntry> NewEntries => _newEntries;

    public static Incident Load(IncidentState state) => new(state ?? throw new ArgumentNullException(nameof(state)));

    /// <param name="clockSkew">How far ahead of <paramref name="now"/> a client's instants may be (see <see cref="InstantWindow"/>).</param>
    public static Incident Report(string id, IncidentDraft draft, Actor reporter, DateTimeOffset now, TimeSpan clockSkew = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(reporter);
        now = now.ToUniversalTime();

        var errors = new FieldErrors();
        var title = ValidateTitle(draft.Title, errors);
        var description = ValidateText(draft.Description, "description", MaxTextLength, errors);
        var owner = ValidateText(draft.Owner, "owner", MaxNameLength, errors);
        var countries = ValidateCountries(draft.Countries ?? [], errors);
        var aware = draft.AwareAt?.ToUniversalTime();
        // Detection is the first signal; when only awareness is given it doubles as detection.
        var detected = (draft.DetectedAt ?? aware ?? now).ToUniversalTime();
        var occurred = draft.OccurredAt?.ToUniversalTime();
        var window = new InstantWindow(now, clockSkew);
        window.Check("detectedAt", draft.DetectedAt, errors);
        window.Check("awareAt", aware, errors);
        window.Check("occurredAt", occurred, errors);
        ValidateOrder(detected, aware, occurred, errors);
        var customer = ValidateRole(draft.Role, draft.ControllerCustomer, errors);
        errors.ThrowIfAny();

        var state = new IncidentState
        {
            Id = id,
            Title = title!,
            Description = description,
            Source = draft.Source,
            Reporter = reporter.Name,
            Owner = owner,
            DetectedAt = detected,
            AwareAt = aware,
            OccurredAt = occurred,
            Role = draft.Role,
            ControllerCustomer = customer,
            Countries = countries,
            Status = aware is null ? IncidentStatus.Suspected : IncidentStatus.Confirmed,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var incident = new Incident(state);
        var changes = new List<FieldChange>
        {
            new("title", null, state.Title),
            new("status", null, state.Status.ToWire()),
            new("source", null, state.Source.Kind),
            new("detectedAt", null, Format(state.DetectedAt)),
            new("role", null, RoleText(state.Role)),
        };
        if (state.Description is not null) changes.Add(new("description", null, state.Description));
        if (state.AwareAt is not null) changes.Add(new("awareAt", null, Format(state.AwareAt)));
        if (state.OccurredAt is not null) changes.Add(new("occurredAt", null, Format(state.OccurredAt)));
        if (state.Owner is not null) changes.Add(new("owner", null, state.Owner));
        if (state.ControllerCustomer is not null) changes.Add(new("controllerCustomer", null, state.ControllerCustomer));
        if (state.Countries.Count > 0) changes.Add(new("countries", null, string.Join(",", state.Countries)));
        incident.Append("created", changes, draft.Note, null, reporter, now);
        return incident;
    }

    /// <param name="clockSkew">How far ahead of <paramref name="now"/> a client's instants may be (see <see cref="InstantWindow"/>).</param>
    public void Update(IncidentChanges changes, Actor actor, DateTimeOffset now, TimeSpan clockSkew = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        EnsureNotEnded("update");
        now = now.ToUniversalTime();
        var errors = new FieldErrors();
        var s = State;
        var list = new List<FieldChange>();

        var title = changes.Title.HasValue ? ValidateTitle(changes.Title.Value, errors) : s.Title;
        var description = changes.Description.HasValue ? ValidateText(changes.Description.Value, "description", MaxTextLength, errors) : s.Description;
        var owner = changes.Owner.HasValue ? ValidateText(changes.Owner.Value, "owner", MaxNameLength, errors) : s.Owner;
        var countries = changes.Countries.HasValue ? ValidateCountries(changes.Countries.Value ?? [], errors) : s.Countries;
        var role = changes.Role.GetValueOr(s.Role);
        var customerInput = changes.ControllerCustomer.HasValue ? changes.ControllerCustomer.Value : (role == ProcessingRole.Processor ? s.ControllerCustomer : null);
        var customer = ValidateRole(role, customerInput, errors);
        var detected = changes.DetectedAt.HasValue ? changes.DetectedAt.Value.ToUniversalTime() : s.DetectedAt;
        var occurred = changes.OccurredAt.HasValue ? changes.OccurredAt.Value?.ToUniversalTime() : s.OccurredAt;
        var aware = s.AwareAt;
        string? awareReason = null;
        if (changes.AwareAt.HasValue)
        {
            var newAware = changes.AwareAt.Value.ToUniversalTime();
            if (s.AwareAt is null)
                errors.Add("awareAt", "Awareness is first recorded by confirming the incident (POST /confirm).");
            else if (newAware != s.AwareAt)
            {
                // Moving the start of the 72-hour clock must be justified and audited (WP250rev.01; EDPB 9/2022).
                awareReason = changes.AwareAtChangeReason?.Trim();
                if (string.IsNullOrEmpty(awareReason))
                    errors.Add("awareAtChangeReason", "Changing awareAt after it was set requires a reason.");
                else if (awareReason.Length > MaxTextLength)
                    errors.Add("awareAtChangeReason", $"At most {MaxTextLength} characters.");
                aware = newAware;
            }
        }
        // Only the instants this request sends are checked against the window: a stored one from before the window
        // existed must not block an unrelated change (the deadline calculator copes with it and flags it).
        var window = new InstantWindow(now, clockSkew);
        if (changes.DetectedAt.HasValue) window.Check("detectedAt", detected, errors);
        if (changes.OccurredAt.HasValue) window.Check("occurredAt", occurred, errors);
        if (changes.AwareAt.HasValue) window.Check("awareAt", changes.AwareAt.Value, errors);
        ValidateOrder(detected, aware, occurred, errors);
        errors.ThrowIfAny();

        Track(list, "title", s.Title, title);
        Track(list, "description", s.Description, description);
        Track(list, "owner", s.Owner, owner);
        Track(list, "detectedAt", Format(s.DetectedAt), Format(detected));
        Track(list, "occurredAt", Format(s.OccurredAt), Format(occurred));
        Track(list, "role", RoleText(s.Role), RoleText(role));
        Track(list, "controllerCustomer", s.ControllerCustomer, customer);
        Track(list, "countries", string.Join(",", s.Countries), string.Join(",", countries));
        var awareChanged = aware != s.AwareAt;
        if (list.Count == 0 && !awareChanged) return;

        State = s with
        {
            Title = title!,
            Description = description,
            Owner = owner,
            DetectedAt = detected,
            OccurredAt = occurred,
            Role = role,
            ControllerCustomer = customer,
            Countries = countries,
            AwareAt = aware,
            UpdatedAt = now,
        };
        if (list.Count > 0) Append("updated", list, null, null, actor, now);
        if (awareChanged) Append("aware-at-changed", [new("awareAt", Format(s.AwareAt), Format(aware))], awareReason, null, actor, now);
        // As processor we owe the controller a notice (Art 33(2)): a change of role changes what is required.
        if (role != s.Role) SyncNotifiedStatus(actor, now);
    }

    /// <summary>Records awareness of a personal data breach: the 72-hour clock starts at <paramref name="awareAt"/> (Art 33(1)).</summary>
    /// <param name="clockSkew">How far ahead of <paramref name="now"/> <paramref name="awareAt"/> may be (see <see cref="InstantWindow"/>).</param>
    public void Confirm(DateTimeOffset awareAt, string? note, Actor actor, DateTimeOffset now, TimeSpan clockSkew = default)
    {
        now = now.ToUniversalTime();
        if (State.Status != IncidentStatus.Suspected)
            throw new InvalidStateException($"Only a suspected incident can be confirmed; this one is {State.Status.ToWire()}. To correct awareAt, PATCH it with a reason.");
        var errors = new FieldErrors();
        var aware = awareAt.ToUniversalTime();
        new InstantWindow(now, clockSkew).Check("awareAt", aware, errors);
        ValidateOrder(State.DetectedAt, aware, State.OccurredAt, errors);
        var text = ValidateText(note, "note", MaxTextLength, errors);
        errors.ThrowIfAny();
        var old = State;
        State = State with { AwareAt = aware, Status = IncidentStatus.Confirmed, UpdatedAt = now };
        Append("confirmed", [new("status", old.Status.ToWire(), State.Status.ToWire()), new("awareAt", null, Format(aware))], text, null, actor, now);
    }

    /// <summary>Records that the incident is not a personal data breach. The record stays (Art 33(5) accountability).</summary>
    public void Dismiss(string reason, Actor actor, DateTimeOffset now)
    {
        now = now.ToUniversalTime();
        if (State.Status is not (IncidentStatus.Suspected or IncidentStatus.Confirmed))
            throw new InvalidStateException($"A {State.Status.ToWire()} incident cannot be dismissed.");
        var errors = new FieldErrors();
        var text = ValidateText(reason, "reason", MaxTextLength, errors);
        if (string.IsNullOrEmpty(text)) errors.Add("reason", "A reason is required to dismiss an incident.");
        errors.ThrowIfAny();
        var old = State.Status;
        State = State with { Status = IncidentStatus.Dismissed, DismissalReason = text, UpdatedAt = now, ClosedAt = now };
        Append("dismissed", [new("status", old.ToWire(), "dismissed")], text, null, actor, now);
    }

    public void Close(string? note, Actor actor, DateTimeOffset now)
    {
        now = now.ToUniversalTime();
        if (State.Status is not (IncidentStatus.Confirmed or IncidentStatus.Notified))
            throw new InvalidStateException($"A {State.Status.ToWire()} incident cannot be closed.");
        var errors = new FieldErrors();
        var text = ValidateText(note, "note", MaxTextLength, errors);
        errors.ThrowIfAny();
        var old = State.Status;
        State = State with { Status = IncidentStatus.Closed, UpdatedAt = now, ClosedAt = now };
        Append("closed", [new("status", old.ToWire(), "closed")], text, null, actor, now);
    }

    /// <summary>
    /// Records new facts and the engine's assessment of them. <paramref name="snapshot"/> is the stored evidence
    /// (facts, result, engine version) put on the timeline. Same facts and same engine version: nothing happens.
    /// </summary>
    public void RecordAssessment(BreachFacts facts, RiskAssessment assessment, string snapshot, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(assessment);
        EnsureNotEnded("be re-assessed");
        if (facts.Equals(State.Facts) && State.Assessment?.EngineVersion == assessment.EngineVersion) return;
        now = now.ToUniversalTime();
        var old = State.Assessment;
        State = State with { Facts = facts, Assessment = assessment, AssessedAt = now, UpdatedAt = now };
        var changes = new List<FieldChange> { new("risk", old?.Risk.ToString().ToLowerInvariant(), assessment.Risk.ToString().ToLowerInvariant()) };
        Append("assessed", changes, null, snapshot, actor, now);
    }

    /// <summary>
    /// Records the DPO's decision on notices. Requires an assessment (the decision is based on it) and a rationale;
    /// a departure from the recommendation is flagged as an override.
    /// </summary>
    public NotificationDecision RecordDecision(bool notifyAuthority, bool notifyDataSubjects, bool publicCommunication, string rationale, Func<NotificationDecision, RiskAssessment, string> snapshot, Actor actor, DateTimeOffset now)
    {
        if (State.Status is not (IncidentStatus.Confirmed or IncidentStatus.Notified))
            throw new InvalidStateException($"Confirm the breach before deciding on notices; this incident is {State.Status.ToWire()}.");
        var assessment = State.Assessment
            ?? throw new InvalidStateException("Record the breach facts first: a decision is based on an assessment.");
        var errors = new FieldErrors();
        var text = ValidateText(rationale, "rationale", NotificationDecision.MaxRationaleLength, errors);
        if (string.IsNullOrEmpty(text)) errors.Add("rationale", "A rationale is required (Art 33(5): document the reasoning).");
        errors.ThrowIfAny();
        now = now.ToUniversalTime();
        var departures = NotificationDecision.DeparturesFrom(assessment, notifyAuthority, notifyDataSubjects, publicCommunication);
        var decision = new NotificationDecision(notifyAuthority, notifyDataSubjects, publicCommunication, text!, actor.Name, now,
            assessment.Risk, assessment.EngineVersion, departures.Count > 0, departures);
        var old = State.Decision;
        State = State with { Decision = decision, UpdatedAt = now };
        var changes = new List<FieldChange>();
        Track(changes, "notifyAuthority", old?.NotifyAuthority.ToString().ToLowerInvariant(), notifyAuthority.ToString().ToLowerInvariant());
        Track(changes, "notifyDataSubjects", old?.NotifyDataSubjects.ToString().ToLowerInvariant(), notifyDataSubjects.ToString().ToLowerInvariant());
        Track(changes, "publicCommunication", old?.PublicCommunication.ToString().ToLowerInvariant(), publicCommunication.ToString().ToLowerInvariant());
        Append(decision.IsOverride ? "decision-override" : "decision-recorded", changes, text, snapshot(decision, assessment), actor, now);
        SyncNotifiedStatus(actor, now);
        return decision;
    }

    /// <summary>The notices this incident requires and which of them are made (see <see cref="NoticeProgress"/>).</summary>
    public NoticeProgress Notices => NoticeProgress.Of(State);

    public const string NoticeSentAction = "notice-sent";

    /// <summary>
    /// Records that a notice to <paramref name="recipient"/> was made at <paramref name="at"/> (an authority submission
    /// recorded, a notification sent), proven by <paramref name="reference"/>. The incident becomes notified when this was
    /// the last notice its decision requires. The same recipient and reference again adds no second notice.
    /// </summary>
    public void RecordNoticeGiven(RecipientKind recipient, DateTimeOffset at, string reference, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var errors = new FieldErrors();
        if (!Enum.IsDefined(recipient)) errors.Add("recipient", "Unknown recipient kind.");
        var r = ValidateText(reference, "reference", MaxReferenceLength, errors);
        if (r is null) errors.Add("reference", "A reference that proves the notice is required.");
        errors.ThrowIfAny();
        // Allowed in every status: a notice that went out must be on the record even if the incident was closed meanwhile.
        now = now.ToUniversalTime();
        at = at.ToUniversalTime();
        Append(NoticeSentAction, [new("notice." + System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(recipient.ToString()), null, Format(at))], "Reference: " + r, null, actor, now);
        if (!State.NoticesGiven.Any(n => n.Recipient == recipient && n.Reference == r))
            State = State with { NoticesGiven = [.. State.NoticesGiven, new NoticeGiven(recipient, at, r!, actor.Name)], UpdatedAt = now };
        SyncNotifiedStatus(actor, now);
    }

    /// <summary>
    /// Keeps the status word true: a confirmed incident becomes notified once every notice it requires is made, and a
    /// notified one goes back to confirmed when a new decision (or our role) requires a notice not yet made. Each change
    /// is a <c>status-changed</c> entry that says why.
    /// </summary>
    private void SyncNotifiedStatus(Actor actor, DateTimeOffset now)
    {
        if (State.Status is not (IncidentStatus.Confirmed or IncidentStatus.Notified)) return;
        var progress = NoticeProgress.Of(State);
        var target = progress.Complete ? IncidentStatus.Notified : IncidentStatus.Confirmed;
        if (target == State.Status) return;
        var old = State.Status;
        State = State with { Status = target, UpdatedAt = now };
        Append("status-changed", [new("status", old.ToWire(), target.ToWire())], progress.Describe(), null, actor, now);
    }

    public const int MaxReferenceLength = 500;

    /// <summary>
    /// Records that a notice to <paramref name="recipient"/> was sent (or an authority portal submission recorded) at
    /// <paramref name="at"/>: in each regime of <paramref name="rules"/> (or only <paramref name="regime"/>), the next
    /// obligation with that recipient (<see cref="DeadlineCalculator.NextToMeet"/>) is met. Idempotent: the same
    /// recipient and reference (or, without a reference, the same instant) again changes nothing.
    /// </summary>
    /// <returns>The obligations met by this call (empty when it was a repeat or nothing was left to meet).</returns>
    /// <param name="clockSkew">How far ahead of <paramref name="now"/> <paramref name="at"/> may be (see <see cref="InstantWindow"/>).</param>
    public IReadOnlyList<ObligationMet> MarkNoticeSent(DeadlineRules rules, RecipientKind recipient, DateTimeOffset at, string? reference, Actor actor, DateTimeOffset now, string? regime = null, TimeSpan clockSkew = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(actor);
        now = now.ToUniversalTime();
        at = at.ToUniversalTime();
        var errors = new FieldErrors();
        if (!Enum.IsDefined(recipient)) errors.Add("recipient", "Unknown recipient kind.");
        new InstantWindow(now, clockSkew).Check("sentAt", at, errors);
        var reference2 = ValidateText(reference, "reference", MaxReferenceLength, errors);
        if (regime is not null && rules.FindRegime(regime) is null) errors.Add("regime", $"Regime '{regime}' is not enabled.");
        errors.ThrowIfAny();

        var repeat = State.ObligationsMet.Any(m => m.Recipient == recipient &&
            (reference2 is not null ? m.Reference == reference2 : m.Reference is null && m.MetAt == at));
        if (repeat) return [];

        var met = new List<ObligationMet>();
        foreach (var r in rules.Regimes.Where(r => regime is null || r.Id == regime))
        {
            var o = DeadlineCalculator.NextToMeet(State, r, recipient);
            if (o is not null) met.Add(new ObligationMet(r.Id, o.Id, recipient, at, reference2, actor.Name));
        }
        if (met.Count == 0) return [];
        State = State with { ObligationsMet = [.. State.ObligationsMet, .. met], UpdatedAt = now };
        Append("obligations-met", met.Select(m => new FieldChange($"{m.Regime}/{m.Obligation}", null, Format(m.MetAt))).ToList(), reference2, null, actor, now);
        return met;
    }

    /// <summary>Records a reminder on the incident and its timeline. Idempotent by <see cref="ReminderSent.Key"/>.</summary>
    public bool RecordReminder(ReminderSent reminder, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        if (State.Reminders.Any(r => r.Key == reminder.Key)) return false;
        now = now.ToUniversalTime();
        State = State with { Reminders = [.. State.Reminders, reminder], UpdatedAt = now };
        var action = reminder.Kind switch
        {
            ReminderKind.Escalation => "deadline-escalated",
            ReminderKind.Unconfirmed => "unconfirmed-reminder",
            _ => "deadline-reminder",
        };
        var changes = new List<FieldChange>();
        if (reminder.Regime is not null) changes.Add(new("obligation", null, $"{reminder.Regime}/{reminder.Obligation}"));
        if (reminder.DueAt is not null) changes.Add(new("dueAt", null, Format(reminder.DueAt)));
        if (reminder.Threshold is { } t) changes.Add(new("threshold", null, ThresholdText(t)));
        changes.Add(new("recipients", null, reminder.Recipients.ToString(CultureInfo.InvariantCulture)));
        var note = reminder.Skipped.Count > 0 ? "Less urgent reminders passed over: " + string.Join(", ", reminder.Skipped) + "." : null;
        if (reminder.Recipients == 0) note = (note is null ? "" : note + " ") + "No recipients configured (owner e-mail, Organisation:Dpo:Email, Escalation:Recipients).";
        Append(action, changes, note, null, actor, now);
        return true;
    }

    public static string ThresholdText(TimeSpan t)
        => t.TotalHours >= 1 && t.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)t.TotalHours}h" : $"{(long)t.TotalMinutes}m";

    /// <summary>
    /// Records what a monitor reported about the external alert behind this incident (action "monitor-update").
    /// With <paramref name="source"/> the incident's source follows the monitor (severity, link; the change is on the
    /// entry); nothing else is touched: status, awareness and facts are a person's call, since an alert is a detection,
    /// not awareness of a breach (Art 33(1); EDPB Guidelines 9/2022 §§ 31-33). Allowed in every status, so that news
    /// about a closed or dismissed incident still reaches its record.
    /// </summary>
    public TimelineEntry RecordMonitorUpdate(IncidentSource? source, IReadOnlyList<FieldChange> changes, string? note, string? details, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(actor);
        now = now.ToUniversalTime();
        var list = new List<FieldChange>(changes);
        if (source is not null)
        {
            if (source.Kind != State.Source.Kind || source.ExternalId != State.Source.ExternalId)
                throw new ArgumentException("A monitor update must come from the incident's own source and external id.", nameof(source));
            Track(list, "severity", State.Source.Severity, source.Severity);
            Track(list, "link", State.Source.Link, source.Link);
            State = State with { Source = source };
        }
        State = State with { UpdatedAt = now };
        return Append("monitor-update", list, note, details, actor, now);
    }

    /// <summary>Appends an entry recorded by another part of the system (assessment, decision, reminder, monitor update...).</summary>
    public TimelineEntry Record(string action, IReadOnlyList<FieldChange> changes, string? note, string? details, Actor actor, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        now = now.ToUniversalTime();
        State = State with { UpdatedAt = now };
        return Append(action, changes, note, details, actor, now);
    }

    private TimelineEntry Append(string action, IReadOnlyList<FieldChange> changes, string? note, string? details, Actor actor, DateTimeOffset now)
    {
        var previous = State.TimelineHead
            ?? (State.TimelineCount == 0 ? TimelineChain.Genesis(State.Id)
                : throw new InvalidOperationException($"Incident {State.Id} has an unchained legacy timeline; load it through the repository, which chains it first."));
        var entry = new TimelineEntry(State.TimelineCount + 1, now, actor.Name, actor.Role, action, changes, note, details);
        entry = entry with { Hash = TimelineChain.Hash(previous, entry) };
        State = State with { TimelineCount = entry.Sequence, TimelineHead = entry.Hash };
        _newEntries.Add(entry);
        return entry;
    }

    private void EnsureNotEnded(string what)
    {
        if (!State.Status.IsOpen())
            throw new InvalidStateException($"A {State.Status.ToWire()} incident cannot {what}.");
    }

    private static void Track(List<FieldChange> list, string field, string? oldValue, string? newValue)
    {
        if (!string.Equals(oldValue, newValue, StringComparison.Ordinal)) list.Add(new FieldChange(field, oldValue, newValue));
    }

    public static string? Format(DateTimeOffset? instant)
        => instant?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string RoleText(ProcessingRole role) => role == ProcessingRole.Processor ? "processor" : "controller";

    private static string? ValidateTitle(string? title, FieldErrors errors)
    {
        var t = title?.Trim();
        if (string.IsNullOrEmpty(t)) { errors.Add("title", "A title is required."); return null; }
        if (t.Length > MaxTitleLength) errors.Add("title", $"At most {MaxTitleLength} characters.");
        return t;
    }

    private static string? ValidateText(string? text, string field, int max, FieldErrors errors)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return null;
        if (t.Length > max) errors.Add(field, $"At most {max} characters.");
        return t;
    }

    private static IReadOnlyList<string> ValidateCountries(IReadOnlyList<string> countries, FieldErrors errors)
    {
        if (countries.Count > MaxCountries) errors.Add("countries", $"At most {MaxCountries} countries.");
        var result = new List<string>();
        foreach (var c in countries)
        {
            var code = c?.Trim().ToUpperInvariant();
            if (!CountryCodes.IsValid(code)) { errors.Add("countries", $"'{c}' is not an ISO 3166-1 alpha-2 country code."); continue; }
            if (!result.Contains(code!)) result.Add(code!);
        }
        return result;
    }

    private static string? ValidateRole(ProcessingRole role, string? controllerCustomer, FieldErrors errors)
    {
        var customer = ValidateText(controllerCustomer, "controllerCustomer", MaxNameLength, errors);
        if (role == ProcessingRole.Processor && customer is null)
            errors.Add("controllerCustomer", "When we act as processor, name the affected controller-customer (Art 33(2)).");
        if (role == ProcessingRole.Controller && customer is not null)
            errors.Add("controllerCustomer", "Only a processor has a controller-customer.");
        return customer;
    }

    /// <summary>How the instants relate; each one's window is checked by the caller (<see cref="InstantWindow"/>).</summary>
    private static void ValidateOrder(DateTimeOffset detected, DateTimeOffset? aware, DateTimeOffset? occurred, FieldErrors errors)
    {
        if (aware is { } a && a < detected) errors.Add("awareAt", "Awareness cannot precede detection (detectedAt is the first signal).");
        if (occurred is { } o && o > detected) errors.Add("occurredAt", "The breach cannot occur after it was detected.");
    }
}
