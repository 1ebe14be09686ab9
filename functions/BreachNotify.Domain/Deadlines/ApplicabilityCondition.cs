using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Domain.Deadlines;

/// <summary>
/// One condition of an obligation's <c>AppliesWhen</c>. The vocabulary is small and closed so configuration cannot
/// express something the engine would silently misread:
/// <list type="bullet">
/// <item><c>controller</c> / <c>processor</c>: our role for the processing (GDPR Art 33(1) vs 33(2)).</item>
/// <item><c>authority-notice</c>, <c>data-subject-notice</c>, <c>public-communication</c>: the DPO's recorded decision,
/// or before it the engine's recommendation.</item>
/// <item><c>breach-type:{confidentiality|integrity|availability}</c>, <c>protection:{none|encrypted|hashed|pseudonymised}</c>:
/// the recorded facts (policy promises such as "every customer within 72 hours of an unencrypted leak").</item>
/// </list>
/// </summary>
public sealed record ApplicabilityCondition
{
    private ApplicabilityCondition(string text, Func<IncidentState, (bool Applies, string? Reason)> evaluate)
    {
        Text = text;
        _evaluate = evaluate;
    }

    private readonly Func<IncidentState, (bool Applies, string? Reason)> _evaluate;

    public string Text { get; }

    public override string ToString() => Text;

    public bool Equals(ApplicabilityCondition? other) => other is not null && other.Text == Text;

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    /// <returns>Whether the condition holds and, when it does not, why (shown as the not-required reason).</returns>
    public (bool Applies, string? Reason) Evaluate(IncidentState state) => _evaluate(state);

    public static readonly IReadOnlyList<string> Vocabulary =
    [
        "controller", "processor", "authority-notice", "data-subject-notice", "public-communication",
        "breach-type:{confidentiality|integrity|availability}", "protection:{none|encrypted|hashed|pseudonymised}",
    ];

    public static bool TryParse(string? text, out ApplicabilityCondition condition)
    {
        condition = null!;
        var t = text?.Trim().ToLowerInvariant();
        switch (t)
        {
            case "controller":
                condition = new(t, s => s.Role == ProcessingRole.Controller ? (true, null) : (false, "We act as processor: the controller notifies (Art 33(2))."));
                return true;
            case "processor":
                condition = new(t, s => s.Role == ProcessingRole.Processor ? (true, null) : (false, "We act as controller: there is no controller-customer to tell."));
                return true;
            case "authority-notice":
                condition = new(t, s => Notice(s, d => d.NotifyAuthority, a => a.NotifyAuthority, "notify the authority", "Art 33(1): the breach is unlikely to result in a risk", unknownApplies: true));
                return true;
            case "data-subject-notice":
                condition = new(t, s => Notice(s, d => d.NotifyDataSubjects, a => a.NotifyDataSubjects, "tell the data subjects", "Art 34(1)/(3)", unknownApplies: true));
                return true;
            case "public-communication":
                condition = new(t, s => Notice(s, d => d.PublicCommunication, a => a.PublicCommunication, "make a public communication", "Art 34(3)(c)", unknownApplies: false));
                return true;
        }
        if (t is not null && t.StartsWith("breach-type:", StringComparison.Ordinal) && TryEnum<BreachType>(t["breach-type:".Length..], out var type))
        {
            condition = new(t, s => s.Facts is null
                ? (false, $"Applies once the facts show a {Wire(type)} breach; no facts recorded yet.")
                : s.Facts.BreachTypes.Contains(type) ? (true, null) : (false, $"Not a {Wire(type)} breach (facts)."));
            return true;
        }
        if (t is not null && t.StartsWith("protection:", StringComparison.Ordinal) && TryEnum<Protection>(t["protection:".Length..], out var protection))
        {
            condition = new(t, s => s.Facts is null
                ? (false, $"Applies once the facts show protection '{Wire(protection)}'; no facts recorded yet.")
                : s.Facts.Protection == protection ? (true, null) : (false, $"The data's protection is '{Wire(s.Facts.Protection)}', not '{Wire(protection)}' (facts)."));
            return true;
        }
        return false;
    }

    public static ApplicabilityCondition Parse(string text)
        => TryParse(text, out var c) ? c : throw new ArgumentException($"Unknown condition '{text}'. Use: {string.Join(", ", Vocabulary)}.", nameof(text));

    /// <summary>
    /// The recorded decision wins; before it, the engine's recommendation. With neither, authority and data-subject
    /// notices count as required (the clock must not stop for lack of an assessment) and a public communication,
    /// an alternative to individual notices, does not.
    /// </summary>
    private static (bool, string?) Notice(IncidentState s, Func<NotificationDecision, bool> decided, Func<RiskAssessment, bool> recommended, string what, string basis, bool unknownApplies)
    {
        if (s.Decision is { } d)
            return decided(d) ? (true, null) : (false, $"The DPO's decision of {Incident.Format(d.DecidedAt)} is not to {what} ({basis}).");
        if (s.Assessment is { } a)
            return recommended(a) ? (true, null) : (false, $"The engine's assessment (risk {a.Risk.ToString().ToLowerInvariant()}) does not call for it ({basis}); no decision recorded yet.");
        return unknownApplies ? (true, null) : (false, "Not assessed yet.");
    }

    private static bool TryEnum<T>(string wire, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (Wire(v) == wire) { value = v; return true; }
        }
        value = default;
        return false;
    }

    private static string Wire<T>(T value) where T : struct, Enum
        => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
