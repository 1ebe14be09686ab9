using BreachNotify.Application.Risk;
using BreachNotify.Domain.Risk;

namespace BreachNotify.FunctionApp.Features.Assessments;

/// <summary>
/// One single-fact change that would change the decision (docs/risk-engine.md, "What would change it").
/// <c>value</c> has the fact's own JSON type, so <c>{ fact: value }</c> is a merge patch of the facts.
/// </summary>
public sealed record WhatIfResponse(string Fact, object Value, RiskLevel Risk, bool NotifyAuthority, bool NotifyDataSubjects, bool PublicCommunication)
{
    public static WhatIfResponse From(WhatIf w) => new(w.Fact, w.Value, w.Risk, w.NotifyAuthority, w.NotifyDataSubjects, w.PublicCommunication);
}

/// <summary>POST /api/assessments: the engine's assessment of the facts and what would change it.</summary>
public record AssessmentResponse(
    SeverityScore Severity,
    RiskLevel Risk,
    bool NotifyAuthority,
    bool NotifyDataSubjects,
    bool PublicCommunication,
    IReadOnlyList<string> Exemptions,
    IReadOnlyList<string> Reasons,
    string EngineVersion,
    IReadOnlyList<WhatIfResponse> WhatIf)
{
    public static AssessmentResponse From(AssessmentAnswer answer) => From(answer.Assessment, answer.WhatIf);

    public static AssessmentResponse From(RiskAssessment a, IReadOnlyList<WhatIf> whatIf) =>
        new(a.Severity, a.Risk, a.NotifyAuthority, a.NotifyDataSubjects, a.PublicCommunication, a.Exemptions, a.Reasons, a.EngineVersion,
            [.. whatIf.Select(WhatIfResponse.From)]);
}

/// <summary>
/// An incident's stored assessment as recorded (with the engine version that made it), what would change it, and
/// whether the current engine decides differently on the same facts (<c>current</c>, only then). Nothing is
/// re-decided: a DPO re-records the facts to adopt the current engine's answer.
/// </summary>
public sealed record IncidentAssessmentResponse(
    SeverityScore Severity,
    RiskLevel Risk,
    bool NotifyAuthority,
    bool NotifyDataSubjects,
    bool PublicCommunication,
    IReadOnlyList<string> Exemptions,
    IReadOnlyList<string> Reasons,
    string EngineVersion,
    IReadOnlyList<WhatIfResponse> WhatIf,
    bool CurrentEngineDiffers,
    AssessmentResponse? Current)
    : AssessmentResponse(Severity, Risk, NotifyAuthority, NotifyDataSubjects, PublicCommunication, Exemptions, Reasons, EngineVersion, WhatIf)
{
    public static IncidentAssessmentResponse From(AssessmentReview review)
    {
        var s = review.Stored;
        return new(s.Severity, s.Risk, s.NotifyAuthority, s.NotifyDataSubjects, s.PublicCommunication, s.Exemptions, s.Reasons, s.EngineVersion,
            [.. review.WhatIf.Select(WhatIfResponse.From)], review.CurrentEngineDiffers,
            review.Current is null ? null : From(review.Current));
    }

    /// <summary>The stored assessment of an incident, reviewed by the current engine; null before facts are recorded.</summary>
    public static IncidentAssessmentResponse? From(BreachFacts? facts, RiskAssessment? stored) =>
        facts is null || stored is null ? null : From(RiskAssessor.Review(facts, stored));
}
