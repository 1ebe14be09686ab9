using BreachNotify.Domain.Risk;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>Shared fact builders for the risk tests.</summary>
internal static class Cases
{
    public static BreachFacts Facts(
        BreachType[] types,
        DataCategory[] categories,
        long subjects = 10) => new()
        {
            BreachTypes = types,
            DataCategories = categories,
            DataSubjects = subjects,
        };

    public static BreachFacts Conf(params DataCategory[] categories) =>
        Facts([BreachType.Confidentiality], categories);

    public static BreachFacts Avail(params DataCategory[] categories) =>
        Facts([BreachType.Availability], categories);

    public static BreachFacts Integ(params DataCategory[] categories) =>
        Facts([BreachType.Integrity], categories);

    /// <summary>Confidentiality breach by an attacker: unknown recipients, exfiltration confirmed, malicious.</summary>
    public static BreachFacts Attack(long subjects, params DataCategory[] categories) =>
        Conf(categories) with
        {
            DataSubjects = subjects,
            Exposure = Exposure.UnknownRecipients,
            Exfiltration = Exfiltration.Confirmed,
            MaliciousIntent = true,
        };

    /// <summary>Asserts an expected outcome (risk, authority, data subjects); the reasons are printed when the risk differs.</summary>
    public static RiskAssessment AssertOutcome(string name, BreachFacts facts, RiskLevel risk, bool notifyAuthority, bool notifyDataSubjects)
    {
        var a = RiskEngine.Assess(facts);
        Assert.True(risk == a.Risk, $"{name}: expected {risk}, got {a.Risk}\n{string.Join('\n', a.Reasons)}");
        Assert.Equal(notifyAuthority, a.NotifyAuthority);
        Assert.Equal(notifyDataSubjects, a.NotifyDataSubjects);
        return a;
    }

    public static bool Fired(this RiskAssessment assessment, string ruleId) =>
        assessment.Reasons.Any(r => r.StartsWith($"[{ruleId}]", StringComparison.Ordinal));

    public static IEnumerable<string> FiredIds(this RiskAssessment assessment) =>
        assessment.Reasons.Select(r => r[1..r.IndexOf(']', StringComparison.Ordinal)]);

    public static decimal D(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
