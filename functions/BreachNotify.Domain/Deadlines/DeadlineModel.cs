namespace BreachNotify.Domain.Deadlines;

// Member names are part of the wire contract (kebab-case on the wire). Do not rename.

/// <summary>Who an obligation's notice goes to.</summary>
public enum RecipientKind
{
    /// <summary>A supervisory authority or CSIRT (GDPR Art 33, NIS2 Art 23).</summary>
    Authority,
    /// <summary>The people whose data was breached (GDPR Art 34).</summary>
    DataSubjects,
    /// <summary>Our controller-customers when we act as processor (GDPR Art 33(2)).</summary>
    Controllers,
    /// <summary>A public communication (GDPR Art 34(3)(c)).</summary>
    Public,
    /// <summary>An internal step (management, board) an organisation promises itself.</summary>
    Internal,
}

public enum DeadlineStatus
{
    Pending,
    DueSoon,
    Overdue,
    Met,
    NotRequired,
}

/// <summary>How the due instant was obtained.</summary>
public enum DeadlineBasis
{
    /// <summary>A fixed period in the rule (72 h, 24 h, one month).</summary>
    Fixed,
    /// <summary>"Without undue delay": the rule sets no period, so there is no due instant.</summary>
    UndueDelay,
    /// <summary>"Without undue delay" with the organisation's own target (<c>Deadlines:UndueDelayTarget</c>).</summary>
    InternalTarget,
}

/// <summary>
/// A period: elapsed time (hours, counted on UTC instants) or whole calendar months (counted in the organisation's
/// time zone, Reg 1182/71 Art 3(2)(c)). Neither means "without undue delay".
/// </summary>
public sealed record DeadlinePeriod(TimeSpan? Elapsed = null, int? Months = null)
{
    public static readonly DeadlinePeriod UndueDelay = new();

    public bool IsUndueDelay => Elapsed is null && Months is null;

    public static DeadlinePeriod Hours(double hours) => new(Elapsed: TimeSpan.FromHours(hours));

    public override string ToString() => Elapsed is { } e ? $"{e.TotalHours:0.##} h" : Months is { } m ? $"{m} month{(m == 1 ? "" : "s")}" : "without undue delay";
}

/// <summary>
/// One notice a regime requires: to whom, within which period, counted from what (awareness, or another obligation
/// of the same regime being met), and when it applies.
/// </summary>
/// <param name="Anchor">Null: the clock runs from awareness (<c>awareAt</c>). Otherwise the id of the obligation of the same regime whose notice starts it.</param>
/// <param name="AppliesWhen">Conditions that must all hold (see <see cref="ApplicabilityCondition"/>); empty: always, once the regime is enabled.</param>
/// <param name="Legal">A legal period: the outer bound of Reg 1182/71 is reported. False for policy and contract deadlines.</param>
/// <param name="RequiresReasonsForDelay">A late notice must give reasons for the delay (GDPR Art 33(1)).</param>
/// <param name="Source">Where the rule comes from (article, contract, policy), shown to users.</param>
public sealed record ObligationDefinition(
    string Id,
    RecipientKind Recipient,
    DeadlinePeriod Period,
    string? Anchor,
    IReadOnlyList<ApplicabilityCondition> AppliesWhen,
    bool Legal,
    bool RequiresReasonsForDelay,
    string Source);

public sealed record RegimeDefinition(string Id, string Name, IReadOnlyList<ObligationDefinition> Obligations);

/// <summary>The enabled regimes and how to show their deadlines. Built once from configuration and validated.</summary>
public sealed class DeadlineRules
{
    private DeadlineRules(IReadOnlyList<RegimeDefinition> regimes, TimeSpan dueSoon, TimeSpan? undueDelayTarget, TimeZoneInfo zone)
    {
        Regimes = regimes;
        DueSoon = dueSoon;
        UndueDelayTarget = undueDelayTarget;
        TimeZone = zone;
    }

    public IReadOnlyList<RegimeDefinition> Regimes { get; }

    /// <summary>Status <see cref="DeadlineStatus.DueSoon"/> from this long before the due instant.</summary>
    public TimeSpan DueSoon { get; }

    /// <summary>When set, "without undue delay" obligations get this internal target as their due instant.</summary>
    public TimeSpan? UndueDelayTarget { get; }

    /// <summary>The organisation's zone: local times and calendar months are counted in it.</summary>
    public TimeZoneInfo TimeZone { get; }

    public static readonly System.Text.RegularExpressions.Regex IdPattern = new("^[a-z0-9][a-z0-9-]{0,39}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Validates and builds; throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static DeadlineRules Create(IReadOnlyList<RegimeDefinition> regimes, TimeSpan dueSoon, TimeSpan? undueDelayTarget, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(regimes);
        ArgumentNullException.ThrowIfNull(zone);
        var problems = Validate(regimes, dueSoon, undueDelayTarget);
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(regimes));
        return new DeadlineRules(regimes, dueSoon, undueDelayTarget, zone);
    }

    public static IReadOnlyList<string> Validate(IReadOnlyList<RegimeDefinition> regimes, TimeSpan dueSoon, TimeSpan? undueDelayTarget)
    {
        var problems = new List<string>();
        if (dueSoon < TimeSpan.Zero) problems.Add("DueSoon must not be negative.");
        if (undueDelayTarget is { } t && t <= TimeSpan.Zero) problems.Add("UndueDelayTarget must be positive when set.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in regimes)
        {
            if (!IdPattern.IsMatch(r.Id ?? "")) problems.Add($"Regime id '{r.Id}' must be lower-case letters, digits and '-' (at most 40).");
            if (!seen.Add(r.Id ?? "")) problems.Add($"Regime '{r.Id}' is defined twice.");
            if (r.Obligations.Count == 0) problems.Add($"Regime '{r.Id}' has no obligations.");
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var o in r.Obligations)
            {
                var name = $"{r.Id}/{o.Id}";
                if (!IdPattern.IsMatch(o.Id ?? "")) problems.Add($"Obligation id '{name}' must be lower-case letters, digits and '-' (at most 40).");
                if (!ids.Add(o.Id ?? "")) problems.Add($"Obligation '{name}' is defined twice.");
                if (!Enum.IsDefined(o.Recipient)) problems.Add($"Obligation '{name}' has an unknown recipient.");
                if (o.Period.Elapsed is { } e && e <= TimeSpan.Zero) problems.Add($"Obligation '{name}': the period must be positive.");
                if (o.Period.Months is { } m && m is < 1 or > 120) problems.Add($"Obligation '{name}': months must be 1–120.");
                if (o.Period.Elapsed is not null && o.Period.Months is not null) problems.Add($"Obligation '{name}': give hours or months, not both.");
                if (string.IsNullOrWhiteSpace(o.Source)) problems.Add($"Obligation '{name}' needs a source (article, contract or policy).");
            }
            // Anchors must name an earlier obligation of the same regime: no cycles, a chain is read in order.
            var earlier = new HashSet<string>(StringComparer.Ordinal);
            foreach (var o in r.Obligations)
            {
                if (o.Anchor is not null && !earlier.Contains(o.Anchor))
                    problems.Add($"Obligation '{r.Id}/{o.Id}' is anchored on '{o.Anchor}', which is not an earlier obligation of '{r.Id}'.");
                earlier.Add(o.Id ?? "");
            }
        }
        return problems;
    }

    public RegimeDefinition? FindRegime(string id) => Regimes.FirstOrDefault(r => r.Id == id);
}

/// <summary>The computed deadline of one obligation for one incident at one instant.</summary>
/// <param name="DueAt">The conservative deadline on which alerts are based; null while the clock has not started or the rule sets no period.</param>
/// <param name="OuterBoundAt">The latest instant the law allows under Reg 1182/71 (legal periods only).</param>
/// <param name="Reason">Why not-required, or why there is no due instant yet; also a warning when the stored anchor cannot be right (before 2000).</param>
/// <param name="StartedAt">When the clock started (awareness, or the anchoring notice); null while it has not, so that no
/// one shows a countdown that has not begun.</param>
public sealed record Deadline(
    string Regime,
    string Obligation,
    RecipientKind Recipient,
    DeadlineBasis Basis,
    DateTimeOffset? DueAt,
    DateTimeOffset? OuterBoundAt,
    DateTimeOffset? DueAtLocal,
    DeadlineStatus Status,
    DateTimeOffset? MetAt,
    string? Reason,
    string Source,
    DateTimeOffset? StartedAt);

/// <summary>A notice that met an obligation, as recorded on the incident.</summary>
/// <param name="Reference">The notice's id, an authority's case number, a portal receipt: what proves it.</param>
public sealed record ObligationMet(string Regime, string Obligation, RecipientKind Recipient, DateTimeOffset MetAt, string? Reference, string RecordedBy);

public enum ReminderKind
{
    /// <summary>A threshold before a deadline was reached.</summary>
    Reminder,
    /// <summary>A deadline passed unmet.</summary>
    Escalation,
    /// <summary>A suspected incident stayed unconfirmed too long.</summary>
    Unconfirmed,
}

/// <summary>A reminder the deadline watch sent (or found no one to send to), kept on the incident so later sweeps skip it without a ledger read.</summary>
/// <param name="Key">The ledger row key: unique per incident, obligation, due instant and threshold.</param>
/// <param name="Skipped">Less urgent thresholds passed over because this one was already due (a late or first sweep).</param>
public sealed record ReminderSent(
    string Key,
    ReminderKind Kind,
    string? Regime,
    string? Obligation,
    TimeSpan? Threshold,
    DateTimeOffset? DueAt,
    DateTimeOffset SentAt,
    int Recipients,
    IReadOnlyList<string> Skipped);
