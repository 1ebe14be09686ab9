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

public sealed class RegimeOptions
{
    public string? Name { get; set; }
    public List<ObligationOptions> Obligations { get; set; } = [];

    internal RegimeDefinition ToDefinition(string id, List<string> problems)
        => new(id, Name ?? id, Obligations.Select(o => o.ToDefinition(id, problems)).ToList());
}

/// <summary>One obligation as configured. <c>Within</c> (hours, "72:00:00") or <c>WithinMonths</c>; neither = without undue delay.</summary>
public sealed class ObligationOptions
{
    public string? Id { get; set; }

    /// <summary>authority | data-subjects | controllers | public | internal.</summary>
    public string? Recipient { get; set; }

    public TimeSpan? Within { get; set; }
    public int? WithinMonths { get; set; }

    /// <summary>Empty: from awareness. Otherwise the id of an earlier obligation of the same regime.</summary>
    public string? Anchor { get; set; }

    /// <summary>Conditions that must all hold (see docs/deadlines.md).</summary>
    public List<string> AppliesWhen { get; set; } = [];

    /// <summary>A legal period: report the Reg 1182/71 outer bound. False for policy and contract deadlines.</summary>
    public bool Legal { get; set; } = true;

    public bool RequiresReasonsForDelay { get; set; }

    public string? Source { get; set; }

    internal ObligationDefinition ToDefinition(string regime, List<string> problems)
    {
        var recipient = RecipientKind.Internal;
        if (!TryRecipient(Recipient, out recipient))
            problems.Add($"Obligation '{regime}/{Id}': recipient '{Recipient}' is not authority, data-subjects, controllers, public or internal.");
        var conditions = new List<ApplicabilityCondition>();
        foreach (var text in AppliesWhen)
        {
            if (ApplicabilityCondition.TryParse(text, out var c)) conditions.Add(c);
            else problems.Add($"Obligation '{regime}/{Id}': unknown condition '{text}' (use {string.Join(", ", ApplicabilityCondition.Vocabulary)}).");
        }
        return new ObligationDefinition(Id ?? "", recipient, new DeadlinePeriod(Within, WithinMonths), string.IsNullOrWhiteSpace(Anchor) ? null : Anchor,
            conditions, Legal, RequiresReasonsForDelay, Source ?? "");
    }

    public static bool TryRecipient(string? text, out RecipientKind kind)
    {
        foreach (var k in Enum.GetValues<RecipientKind>())
        {
            if (string.Equals(System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(k.ToString()), text?.Trim(), StringComparison.OrdinalIgnoreCase)) { kind = k; return true; }
        }
        kind = default;
        return false;
    }
}

/// <summary>
/// The regimes shipped with the product (privacy-law.md §1–§4). Enable them by id; redefine one by configuring
/// <c>Deadlines:Regimes:{id}</c> in full.
/// </summary>
public static class BuiltInRegimes
{
    public static IReadOnlyDictionary<string, RegimeOptions> Create(TimeSpan processorNotifyController) => new Dictionary<string, RegimeOptions>(StringComparer.Ordinal)
    {
        ["gdpr"] = Gdpr("GDPR (Regulation (EU) 2016/679)", "GDPR", processorNotifyController),
        // UK GDPR keeps Art 33/34 word for word; the ICO is the authority.
        ["uk-gdpr"] = Gdpr("UK GDPR (ICO)", "UK GDPR", processorNotifyController),
        ["nis2"] = new RegimeOptions
        {
            Name = "NIS2 (Directive (EU) 2022/2555) significant incidents",
            Obligations =
            [
                new() { Id = "early-warning", Recipient = "authority", Within = TimeSpan.FromHours(24), Source = "NIS2 Art 23(4)(a): early warning within 24 hours of becoming aware" },
                new() { Id = "notification", Recipient = "authority", Within = TimeSpan.FromHours(72), Source = "NIS2 Art 23(4)(b): incident notification within 72 hours of becoming aware" },
                new() { Id = "final-report", Recipient = "authority", WithinMonths = 1, Anchor = "notification", Source = "NIS2 Art 23(4)(d): final report within one month after the incident notification" },
            ],
        },
        ["policy"] = new RegimeOptions
        {
            Name = "Our privacy policy",
            Obligations =
            [
                new()
                {
                    Id = "notify-customers", Recipient = "data-subjects", Within = TimeSpan.FromHours(72), Legal = false,
                    AppliesWhen = ["breach-type:confidentiality", "protection:none"],
                    Source = "Privacy policy: every affected customer within 72 hours of an unencrypted data leak",
                },
            ],
        },
    };

    private static RegimeOptions Gdpr(string name, string law, TimeSpan processorNotifyController) => new()
    {
        Name = name,
        Obligations =
        [
            new()
            {
                Id = "notify-authority", Recipient = "authority", Within = TimeSpan.FromHours(72), AppliesWhen = ["controller", "authority-notice"],
                RequiresReasonsForDelay = true, Source = $"{law} Art 33(1): without undue delay and, where feasible, within 72 hours of becoming aware",
            },
            new()
            {
                Id = "notify-data-subjects", Recipient = "data-subjects", AppliesWhen = ["controller", "data-subject-notice"],
                Source = $"{law} Art 34(1): without undue delay when likely to result in a high risk",
            },
            new()
            {
                Id = "public-communication", Recipient = "public", AppliesWhen = ["controller", "public-communication"],
                Source = $"{law} Art 34(3)(c): a public communication instead of individual notices",
            },
            new()
            {
                Id = "notify-controller", Recipient = "controllers", Within = processorNotifyController, Legal = false, AppliesWhen = ["processor"],
                Source = $"{law} Art 33(2): without undue delay; contract deadline (Deadlines:ProcessorNotifyController)",
            },
        ],
    };
}

/// <summary>Settings under <c>Escalation</c>: who else hears when a deadline passes.</summary>
public sealed class EscalationOptions
{
    public const string SectionName = "Escalation";

    /// <summary>E-mail addresses that receive escalations (overdue deadlines), besides the owner and the DPO.</summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>Send threshold reminders to the escalation list too (default: escalations only).</summary>
    public bool IncludeReminders { get; set; }
}
