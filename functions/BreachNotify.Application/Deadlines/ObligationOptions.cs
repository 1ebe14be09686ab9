using BreachNotify.Domain.Deadlines;

namespace BreachNotify.Application.Deadlines;

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
