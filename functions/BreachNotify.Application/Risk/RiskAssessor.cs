using BreachNotify.Application.Common;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Risk;

/// <summary>Validates facts (errors name the field, with a prefix when nested) and runs the pure risk engine.</summary>
public static class RiskAssessor
{
    public static RiskAssessment Assess(BreachFacts facts, string fieldPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(facts);
        var errors = facts.Validate();
        if (errors.Count > 0)
            throw new DomainValidationException(errors.Select(e => new FieldError(fieldPrefix + e.Field, e.Message)).ToArray());
        return RiskEngine.Assess(facts);
    }

    /// <summary>The evidence stored on the timeline with each assessment: facts, result and engine version.</summary>
    public static string Snapshot(BreachFacts facts, RiskAssessment assessment)
        => StoredJson.Serialize(new AssessmentSnapshot(facts, assessment, assessment.EngineVersion));

    public static string DecisionSnapshot(Domain.Incidents.NotificationDecision decision, RiskAssessment basedOn)
        => StoredJson.Serialize(new DecisionRecord(decision, basedOn));

    private sealed record DecisionRecord(Domain.Incidents.NotificationDecision Decision, RiskAssessment BasedOn);

    private sealed record AssessmentSnapshot(BreachFacts Facts, RiskAssessment Result, string EngineVersion);
}
