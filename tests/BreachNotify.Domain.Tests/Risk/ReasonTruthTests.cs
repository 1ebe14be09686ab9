using System.Text.RegularExpressions;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>
/// Every reason line is true of the facts it was given: generated facts, and for each a list of claims that the
/// facts rule out. A reason that says "unknown recipients" for a trusted recipient, "unencrypted" for encrypted data
/// or "deletion confirmed" for data nobody contained fails here.
/// </summary>
public partial class ReasonTruthTests
{
    private static readonly string[] CategoryNames =
        [.. Enum.GetValues<DataCategory>().Select(c => Regex.Replace(c.ToString(), "(?<!^)([A-Z])", "-$1").ToLowerInvariant())];

    /// <summary>(claim pattern, when the facts contradict it).</summary>
    private static readonly (Regex Claim, Func<BreachFacts, bool> Contradicted, string Why)[] Claims =
    [
        (new("hostile|unknown recipients|attacker|malicious", RegexOptions.IgnoreCase | RegexOptions.Compiled),
            f => f.Exposure != Exposure.UnknownRecipients && f.Exfiltration != Exfiltration.Confirmed && !f.MaliciousIntent,
            "no unknown recipients, no confirmed exfiltration, no malice"),
        (new("unknown recipients", RegexOptions.Compiled), f => f.Exposure != Exposure.UnknownRecipients, "exposure is not unknown-recipients"),
        (new("copied them out", RegexOptions.Compiled), f => f.Exfiltration != Exfiltration.Confirmed, "exfiltration not confirmed"),
        (new("malicious intent", RegexOptions.Compiled), f => !f.MaliciousIntent, "no malicious intent"),
        (new("[Uu]nencrypted", RegexOptions.Compiled), f => f.Protection != Protection.None, "the data were protected"),
        (new("^\\[(data-unintelligible|art34-3-a)\\]", RegexOptions.Compiled), f => f.Protection is not (Protection.Encrypted or Protection.Hashed) || f.ProtectionCompromised, "not encrypted or hashed with the key safe"),
        (new("[Pp]seudonymised", RegexOptions.Compiled), f => f.Protection != Protection.Pseudonymised, "not pseudonymised"),
        (new("key or salt was exposed|mapping was exposed", RegexOptions.Compiled), f => !f.ProtectionCompromised, "key, salt or mapping safe"),
        (new("mapping safe", RegexOptions.Compiled), f => f.ProtectionCompromised, "the mapping was exposed"),
        (new("deletion or return was confirmed|secured \\(recovered|Measures already taken", RegexOptions.Compiled), f => !f.Contained, "not contained"),
        (new("bound by confidentiality", RegexOptions.Compiled), f => f.Exposure != Exposure.TrustedRecipient, "recipients are not trusted"),
        (new("identified recipient", RegexOptions.Compiled), f => f.Exposure != Exposure.KnownRecipients, "recipients are not known-recipients"),
        (new("by mistake|without malice", RegexOptions.Compiled), f => f.MaliciousIntent || f.Exfiltration == Exfiltration.Confirmed || f.Exposure is not (Exposure.TrustedRecipient or Exposure.KnownRecipients), "not a mistaken disclosure to identified recipients"),
        (new("no evidence that anyone accessed|Nobody is known to have accessed", RegexOptions.Compiled), f => f.Exposure != Exposure.None, "someone received the data"),
        (new("have been misused|already happened|Observed misuse|observed misuse", RegexOptions.Compiled), f => !f.MisuseObserved, "no misuse observed"),
        (new("vulnerable people", RegexOptions.Compiled), f => !f.VulnerableSubjects, "no vulnerable subjects"),
        (new("To/Cc|each other's addresses", RegexOptions.Compiled), f => !f.OpenRecipientList, "no open recipient list"),
        (new("unavailable for days", RegexOptions.Compiled), f => f.AvailabilityImpact != AvailabilityImpact.Delayed, "availability not delayed"),
        (new("permanently lost", RegexOptions.Compiled), f => f.AvailabilityImpact != AvailabilityImpact.Permanent, "availability not lost"),
        (new("restored quickly", RegexOptions.Compiled), f => f.AvailabilityImpact > AvailabilityImpact.RestoredQuickly, "availability harmed"),
        (new("altered beyond recovery", RegexOptions.Compiled), f => f.IntegrityImpact != IntegrityImpact.Unrecoverable, "integrity recoverable"),
        (new("disproportionate effort", RegexOptions.Compiled), f => !f.DisproportionateEffort, "no disproportionate effort"),
        (new("[Ee]xfiltration of data .* cannot be ruled out", RegexOptions.Compiled), f => f.Exfiltration != Exfiltration.Unknown, "exfiltration settled"),
        (new("large scale", RegexOptions.Compiled), f => f.DataSubjects < 10_000, "fewer than 10,000 people"),
        // Each dimension is spoken of only when the breach has it.
        (new("availability|unavailable|restored quickly|permanently lost", RegexOptions.IgnoreCase | RegexOptions.Compiled), f => !f.BreachTypes.Contains(BreachType.Availability), "no availability breach"),
        (new("alter|integrity", RegexOptions.IgnoreCase | RegexOptions.Compiled), f => !f.BreachTypes.Contains(BreachType.Integrity), "no integrity breach"),
        (new("were exposed|were disclosed|reached", RegexOptions.Compiled), f => !f.BreachTypes.Contains(BreachType.Confidentiality), "no confidentiality breach"),
        (new("[Oo]nly simple data", RegexOptions.Compiled), f => f.DataCategories.Any(c => EnisaSeverity.BaseDataProcessingContext(c) > 1), "not only simple data"),
    ];

    [Fact]
    public void No_reason_contradicts_the_facts() => RiskProperty.Check(1000, facts =>
    {
        var assessment = RiskEngine.Assess(facts);
        foreach (var line in assessment.Reasons)
        {
            var reason = Explanation(line);
            // What a line says about the level must hold of the outcome.
            Assert.False(HighClaim().IsMatch(reason) && assessment.Risk != RiskLevel.High, $"'{reason}' claims high risk, the outcome is {assessment.Risk}");
            Assert.False(RiskClaim().IsMatch(reason) && assessment.Risk == RiskLevel.Unlikely, $"'{reason}' claims a risk, the outcome is unlikely");
            Assert.False(NoRiskClaim().IsMatch(reason) && assessment.Risk != RiskLevel.Unlikely, $"'{reason}' claims no risk, the outcome is {assessment.Risk}");
            foreach (var (claim, contradicted, why) in Claims)
            {
                if (claim.IsMatch(reason) && contradicted(facts))
                {
                    Assert.Fail($"'{reason}' claims /{claim}/ but {why}");
                }
            }
            foreach (var list in CategoryList().Matches(reason).Select(m => m.Groups[1].Value.Split(", ")))
            {
                if (list.All(CategoryNames.Contains))
                {
                    Assert.All(list, name => Assert.Contains(facts.DataCategories, c => CategoryNames[(int)c] == name));
                }
            }
            foreach (var count in PeopleCount().Matches(reason).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)))
            {
                Assert.Equal(facts.DataSubjects, count);
            }
            foreach (var count in RecipientCount().Matches(reason).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)))
            {
                Assert.Equal(facts.Recipients ?? facts.DataSubjects, count);
            }
        }
    });

    /// <summary>The reason without its citation: the sources name cases whose facts are not these facts.</summary>
    private static string Explanation(string line)
    {
        var id = line[1..line.IndexOf(']', StringComparison.Ordinal)];
        if (RiskRules.All.FirstOrDefault(r => r.Id == id) is { } rule)
        {
            Assert.EndsWith($" ({rule.Source})", line, StringComparison.Ordinal);
            return line[..^(rule.Source.Length + 3)];
        }
        var cite = line.IndexOf(" (GDPR", StringComparison.Ordinal);
        Assert.True(cite > 0, line);
        return line[..cite];
    }

    [Fact]
    public void The_claims_do_catch_a_lie()
    {
        // Guard for the guard: the old wording for a trusted recipient ("reached a hostile or unknown party") fails.
        var trusted = new BreachFacts
        {
            BreachTypes = [BreachType.Confidentiality], DataCategories = [DataCategory.Financial], DataSubjects = 5,
            Exposure = Exposure.TrustedRecipient,
        };
        var lie = "[hostile-fraud-enabling] Data enabling identity theft or fraud (financial) reached a hostile or unknown party: likely high risk.";
        Assert.Contains(Claims, c => c.Claim.IsMatch(lie) && c.Contradicted(trusted));
        Assert.Contains(Claims, c => c.Claim.IsMatch("Unencrypted personal data were disclosed") && c.Contradicted(trusted with { Protection = Protection.Encrypted }));
        Assert.Contains(Claims, c => c.Claim.IsMatch("The alteration had no effect on the data people depend on") && c.Contradicted(trusted));
        Assert.Contains(Claims, c => c.Claim.IsMatch("The loss of availability had no effect on people") && c.Contradicted(trusted));
        Assert.Contains(Claims, c => c.Claim.IsMatch("Unencrypted personal data were exposed") && c.Contradicted(trusted with { BreachTypes = [BreachType.Availability], Exposure = Exposure.None }));
    }

    [GeneratedRegex(@"high risk(?! to confidentiality)")]
    private static partial Regex HighClaim();

    [GeneratedRegex(@"(?<!result in )\ba risk\b")]
    private static partial Regex RiskClaim();

    [GeneratedRegex(@"unlikely to result in a risk")]
    private static partial Regex NoRiskClaim();

    [GeneratedRegex(@"\(([a-z-]+(?:, [a-z-]+)*)\)")]
    private static partial Regex CategoryList();

    [GeneratedRegex(@"\b(\d+) people")]
    private static partial Regex PeopleCount();

    [GeneratedRegex(@"\b(\d+) (?:recipients|identified recipients|recipients bound)")]
    private static partial Regex RecipientCount();
}
