using BreachNotify.Application.Common;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Risk;

/// <summary>The engine's answer on facts: the assessment and what single-fact change would change it.</summary>
public sealed record AssessmentAnswer(RiskAssessment Assessment, IReadOnlyList<WhatIf> WhatIf);

/// <summary>
/// A stored assessment seen through the current engine. <see cref="WhatIf"/> is the current engine's list while it
/// decides as the stored assessment did; when it decides differently (<see cref="CurrentEngineDiffers"/>) nothing
/// is re-decided: the stored assessment stands, <see cref="WhatIf"/> is empty (the old engine's alternatives cannot
/// be computed) and <see cref="Current"/> carries the current engine's answer, with its own what-if.
/// </summary>
public sealed record AssessmentReview(RiskAssessment Stored, IReadOnlyList<WhatIf> WhatIf, bool CurrentEngineDiffers, AssessmentAnswer? Current);

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

    /// <summary>Assessment plus what-if: the answer of POST /api/assessments.</summary>
    public static AssessmentAnswer Answer(BreachFacts facts, string fieldPrefix = "")
        => new(Assess(facts, fieldPrefix), RiskEngine.WhatIf(facts));

    /// <summary>Compares a stored assessment with what the current engine decides on the same facts.</summary>
    public static AssessmentReview Review(BreachFacts facts, RiskAssessment stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var current = Answer(facts);
        var differs = !current.Assessment.DecidesAs(stored);
        return differs
            ? new AssessmentReview(stored, [], true, current)
            : new AssessmentReview(stored, current.WhatIf, false, null);
    }

    /// <summary>The evidence stored on the timeline with each assessment: facts, result and engine version.</summary>
    public static string Snapshot(BreachFacts facts, RiskAssessment assessment)
        => StoredJson.Serialize(new AssessmentSnapshot(facts, assessment, assessment.EngineVersion));

    public static string DecisionSnapshot(Domain.Incidents.NotificationDecision decision, RiskAssessment basedOn)
        => StoredJson.Serialize(new DecisionRecord(decision, basedOn));

    private sealed record DecisionRecord(Domain.Incidents.NotificationDecision Decision, RiskAssessment BasedOn);

    private sealed record AssessmentSnapshot(BreachFacts Facts, RiskAssessment Result, string EngineVersion);
}
