using BreachNotify.Domain.Deadlines;

namespace BreachNotify.Application.Deadlines;

/// <summary>
/// Settings under <c>Deadlines</c>. Regimes are configuration: the built-in ones (<see cref="BuiltInRegimes"/>) can be
/// replaced by id or joined by new ones under <c>Deadlines:Regimes:{id}</c>; <c>Deadlines:EnabledRegimes</c> picks
/// which count. Lists are empty by default and then take the defaults in code (the configuration binder appends to
/// a pre-filled list instead of replacing it).
/// </summary>
public sealed class DeadlineOptions
{
    public const string SectionName = "Deadlines";
    public static readonly IReadOnlyList<string> DefaultEnabledRegimes = ["gdpr"];

    /// <summary>Regime ids that count; empty = ["gdpr"].</summary>
    public List<string> EnabledRegimes { get; set; } = [];

    /// <summary>Regimes added to, or replacing by id, the built-in ones.</summary>
    public Dictionary<string, RegimeOptions> Regimes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Status "due-soon" from this long before the due instant.</summary>
    public TimeSpan DueSoon { get; set; } = TimeSpan.FromHours(24);

    /// <summary>When set, "without undue delay" obligations are given this internal target; unset: no due instant.</summary>
    public TimeSpan? UndueDelayTarget { get; set; }

    /// <summary>The contract's deadline for telling a controller-customer when we act as processor (GDPR Art 33(2)).</summary>
    public TimeSpan ProcessorNotifyController { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Reminder thresholds (time left); empty = 48 h, 24 h, 12 h, 6 h, 1 h.</summary>
    public List<TimeSpan> ReminderThresholds { get; set; } = [];

    /// <summary>A suspected incident unconfirmed this long after detection gets a reminder.</summary>
    public TimeSpan SuspectedReminderAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A reminder claimed but never marked sent (the sender crashed) may be taken over after this long.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Open incidents a sweep reads and plans at once. 1 on the embedded store (measured: parallel reads on SQLite were slower); more helps with Table storage, where each read is a network round trip.</summary>
    public int SweepParallelism { get; set; } = 1;

    public IReadOnlyList<string> EffectiveEnabledRegimes => EnabledRegimes.Count == 0 ? DefaultEnabledRegimes : EnabledRegimes;

    public IReadOnlyList<TimeSpan> EffectiveThresholds => ReminderThresholds.Count == 0 ? ReminderPolicy.DefaultThresholds : ReminderThresholds;

    /// <summary>Every configuration problem, for ValidateOnStart (empty = valid).</summary>
    public IReadOnlyList<string> Validate(TimeZoneInfo zone)
    {
        var problems = new List<string>();
        if (ProcessorNotifyController <= TimeSpan.Zero) problems.Add("Deadlines:ProcessorNotifyController must be positive.");
        if (SuspectedReminderAfter <= TimeSpan.Zero) problems.Add("Deadlines:SuspectedReminderAfter must be positive.");
        if (ClaimLease <= TimeSpan.Zero) problems.Add("Deadlines:ClaimLease must be positive.");
        if (SweepParallelism is < 1 or > 64) problems.Add("Deadlines:SweepParallelism must be 1–64.");
        if (EffectiveThresholds.Any(t => t <= TimeSpan.Zero)) problems.Add("Deadlines:ReminderThresholds must all be positive.");
        try { BuildRules(zone); }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException) { problems.Add("Deadlines: " + ex.Message.Replace(" (Parameter 'regimes')", "", StringComparison.Ordinal)); }
        return problems;
    }

    /// <summary>Built-in regimes overlaid with the configured ones, filtered to the enabled ids, in enabled order.</summary>
    public DeadlineRules BuildRules(TimeZoneInfo zone)
    {
        var all = new Dictionary<string, RegimeOptions>(BuiltInRegimes.Create(ProcessorNotifyController), StringComparer.Ordinal);
        foreach (var (id, regime) in Regimes) all[id] = regime;
        var problems = new List<string>();
        var regimes = new List<RegimeDefinition>();
        foreach (var id in EffectiveEnabledRegimes)
        {
            if (!all.TryGetValue(id, out var options)) { problems.Add($"Enabled regime '{id}' is not defined (known: {string.Join(", ", all.Keys.Order(StringComparer.Ordinal))})."); continue; }
            regimes.Add(options.ToDefinition(id, problems));
        }
        if (problems.Count > 0) throw new InvalidOperationException(string.Join(" ", problems));
        return DeadlineRules.Create(regimes, DueSoon, UndueDelayTarget, zone);
    }

    public ReminderPolicy BuildReminderPolicy() => new(EffectiveThresholds, SuspectedReminderAfter);
}
