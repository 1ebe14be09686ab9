using BreachNotify.Domain.Risk;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>
/// More severe facts never lower the outcome: for every case in the other test tables and every one-step
/// escalation of one fact, risk, authority notification, the duty to communicate (individually or publicly)
/// and the ENISA score do not decrease.
/// </summary>
public class MonotonicityTests
{
    private static IEnumerable<(string Step, BreachFacts Facts)> Escalations(BreachFacts f)
    {
        foreach (var c in Enum.GetValues<DataCategory>().Where(c => !f.DataCategories.Contains(c)))
        {
            yield return ($"add {c}", f with { DataCategories = [.. f.DataCategories, c] });
        }
        foreach (var t in Enum.GetValues<BreachType>().Where(t => !f.BreachTypes.Contains(t)))
        {
            yield return ($"add {t}", f with { BreachTypes = [.. f.BreachTypes, t] });
        }
        yield return ("more subjects", f with { DataSubjects = f.DataSubjects * 10 + 1 });
        yield return ("vulnerable", f with { VulnerableSubjects = true });
        yield return ("malicious", f with { MaliciousIntent = true });
        yield return ("not contained", f with { Contained = false });
        yield return ("misuse", f with { MisuseObserved = true });
        yield return ("compromised", f with { ProtectionCompromised = true });
        if (f.Protection is Protection.Encrypted or Protection.Hashed)
        {
            yield return ("pseudonymised", f with { Protection = Protection.Pseudonymised });
        }
        if (f.Protection != Protection.None)
        {
            yield return ("unprotected", f with { Protection = Protection.None, ProtectionCompromised = false });
        }
        // Exposure is a partial order by reach: trusted → known → unknown recipients; and none (nobody known to have
        // accessed unsecured data) → unknown. A trusted recipient is not "wider" than data nobody accessed.
        if (f.Exposure == Exposure.TrustedRecipient)
        {
            yield return ("wider exposure", f with { Exposure = Exposure.KnownRecipients });
        }
        if (f.Exposure != Exposure.UnknownRecipients)
        {
            yield return ("unknown recipients", f with { Exposure = Exposure.UnknownRecipients, Recipients = null, OpenRecipientList = false });
        }
        if (f.Recipients is { } recipients)
        {
            yield return ("more recipients", f with { Recipients = recipients * 10 + 1 });
        }
        if (f.Exfiltration < Exfiltration.Confirmed)
        {
            yield return ("more exfiltration", f with { Exfiltration = f.Exfiltration + 1 });
        }
        if (f.AvailabilityImpact < AvailabilityImpact.Permanent)
        {
            yield return ("worse availability", f with { AvailabilityImpact = f.AvailabilityImpact + 1 });
        }
        if (f.IntegrityImpact < IntegrityImpact.Unrecoverable)
        {
            yield return ("worse integrity", f with { IntegrityImpact = f.IntegrityImpact + 1 });
        }
    }

    public static TheoryData<string, BreachFacts> Bases()
    {
        var data = new TheoryData<string, BreachFacts>();
        foreach (var row in RiskRuleTests.RuleCases.Concat(EdpbCaseTests.EdpbCases).Concat(EdpbCaseTests.BriefCases))
        {
            data.Add((string)row[0], (BreachFacts)row[1]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Bases))]
    public void One_step_escalations_never_lower_the_outcome(string name, BreachFacts facts)
    {
        var before = RiskEngine.Assess(facts);
        var checkedSteps = 0;
        foreach (var (step, escalated) in Escalations(facts))
        {
            if (escalated.Validate().Count > 0)
            {
                continue;
            }
            checkedSteps++;
            var after = RiskEngine.Assess(escalated);
            var where = $"{name} / {step}";
            Holds(after.Risk >= before.Risk, () => $"{where}: risk {before.Risk} -> {after.Risk}");
            Holds(!before.NotifyAuthority || after.NotifyAuthority, () => $"{where}: authority notification dropped");
            Holds(!Duty(before) || Duty(after), () => $"{where}: duty to communicate dropped");
            Holds(after.Severity.Score >= before.Severity.Score, () => $"{where}: ENISA {before.Severity.Score} -> {after.Severity.Score}");
        }
        Holds(checkedSteps > 5, () => $"{name}: only {checkedSteps} valid escalations");
    }

    [Fact]
    public void Two_step_chains_from_case_01_never_lower_the_outcome()
    {
        var start = (BreachFacts)EdpbCaseTests.EdpbCases.First()[1];
        foreach (var (step1, f1) in Escalations(start).Where(e => e.Facts.Validate().Count == 0))
        {
            var a1 = RiskEngine.Assess(f1);
            foreach (var (step2, f2) in Escalations(f1).Where(e => e.Facts.Validate().Count == 0))
            {
                var a2 = RiskEngine.Assess(f2);
                Holds(a2.Risk >= a1.Risk, () => $"{step1} then {step2}: {a1.Risk} -> {a2.Risk}");
                Holds(!Duty(a1) || Duty(a2), () => $"{step1} then {step2}: duty dropped");
            }
        }
    }

    [Fact]
    public void Seeded_sample_of_fact_space_is_monotonic()
    {
        // Fixed seed: the same 1,500 fact sets on every run (deterministic, no timing); Generated_facts_are_monotonic
        // draws fresh ones with FsCheck.
        var random = new Random(20261101);
        var categories = Enum.GetValues<DataCategory>();
        var checkedSteps = 0;
        for (var i = 0; i < RiskProperty.Runs(1500); i++)
        {
            var types = Enum.GetValues<BreachType>().Where(_ => random.Next(2) == 0).ToArray();
            if (types.Length == 0)
            {
                types = [BreachType.Confidentiality];
            }
            var facts = FactsGenerator.Coherent(new BreachFacts
            {
                BreachTypes = types,
                DataCategories = [.. categories.Where(_ => random.Next(5) == 0).DefaultIfEmpty(DataCategory.Contact)],
                DataSubjects = new long[] { 1, 10, 11, 500, 9_999, 10_000 }[random.Next(6)],
                VulnerableSubjects = random.Next(4) == 0,
                Protection = (Protection)random.Next(4),
                ProtectionCompromised = random.Next(4) == 0,
                Exposure = (Exposure)random.Next(4),
                Exfiltration = (Exfiltration)random.Next(3),
                MaliciousIntent = random.Next(2) == 0,
                AvailabilityImpact = (AvailabilityImpact)random.Next(5),
                IntegrityImpact = (IntegrityImpact)random.Next(4),
                Contained = random.Next(2) == 0,
                MisuseObserved = random.Next(5) == 0,
                DisproportionateEffort = random.Next(3) == 0,
                Recipients = new long?[] { null, 1, 20, 21, 99, 100 }[random.Next(6)],
                OpenRecipientList = random.Next(4) == 0,
            });
            if (facts.Validate().Count > 0)
            {
                continue;
            }
            var before = RiskEngine.Assess(facts);
            foreach (var (step, escalated) in Escalations(facts).Where(e => e.Facts.Validate().Count == 0))
            {
                checkedSteps++;
                var after = RiskEngine.Assess(escalated);
                Holds(after.Risk >= before.Risk, () => $"{facts} / {step}: {before.Risk} -> {after.Risk}");
                Holds(!before.NotifyAuthority || after.NotifyAuthority, () => $"{facts} / {step}: authority dropped");
                Holds(!Duty(before) || Duty(after), () => $"{facts} / {step}: duty dropped");
                Holds(after.Severity.Score >= before.Severity.Score, () => $"{facts} / {step}: ENISA dropped");
            }
        }
        Holds(checkedSteps > RiskProperty.Runs(500), () => $"only {checkedSteps} escalations checked");
    }

    [Fact]
    public void Generated_facts_are_monotonic() => RiskProperty.Check(300, facts =>
    {
        var before = RiskEngine.Assess(facts);
        foreach (var (step, escalated) in Escalations(facts).Where(e => e.Facts.Validate().Count == 0))
        {
            var after = RiskEngine.Assess(escalated);
            Holds(after.Risk >= before.Risk, () => $"{facts} / {step}: {before.Risk} -> {after.Risk}");
            Holds(!before.NotifyAuthority || after.NotifyAuthority, () => $"{facts} / {step}: authority dropped");
            Holds(!Duty(before) || Duty(after), () => $"{facts} / {step}: duty dropped");
            Holds(after.Severity.Score >= before.Severity.Score, () => $"{facts} / {step}: ENISA dropped");
        }
    });

    /// <summary>Asserts, building the message (facts printed in full) only on failure: these loops run 100,000 times.</summary>
    private static void Holds(bool condition, Func<string> message)
    {
        if (!condition)
        {
            Assert.Fail(message());
        }
    }

    private static bool Duty(RiskAssessment a) => a.NotifyDataSubjects || a.PublicCommunication;
}
