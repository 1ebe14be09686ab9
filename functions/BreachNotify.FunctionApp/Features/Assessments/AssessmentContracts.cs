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
public record AssessmentResponse
{
    protected AssessmentResponse(RiskAssessment a, IReadOnlyList<WhatIf> whatIf)
    {
        Severity = a.Severity;
        Risk = a.Risk;
        NotifyAuthority = a.NotifyAuthority;
        NotifyDataSubjects = a.NotifyDataSubjects;
        PublicCommunication = a.PublicCommunication;
        Exemptions = a.Exemptions;
        Reasons = a.Reasons;
        EngineVersion = a.EngineVersion;
        WhatIf = [.. whatIf.Select(WhatIfResponse.From)];
    }

    public SeverityScore Severity { get; }
    public RiskLevel Risk { get; }
    public bool NotifyAuthority { get; }
    public bool NotifyDataSubjects { get; }
    public bool PublicCommunication { get; }
    public IReadOnlyList<string> Exemptions { get; }
    public IReadOnlyList<string> Reasons { get; }
    public string EngineVersion { get; }
    public IReadOnlyList<WhatIfResponse> WhatIf { get; }

    public static AssessmentResponse From(AssessmentAnswer answer) => new(answer.Assessment, answer.WhatIf);
}

/// <summary>
/// An incident's stored assessment as recorded (with the engine version that made it), what would change it, and
/// whether the current engine decides differently on the same facts (<c>current</c>, only then). Nothing is
/// re-decided: saving the facts again records the current engine's assessment.
/// </summary>
public sealed record IncidentAssessmentResponse : AssessmentResponse
{
    private IncidentAssessmentResponse(AssessmentReview review) : base(review.Stored, review.WhatIf)
    {
        CurrentEngineDiffers = review.CurrentEngineDiffers;
        Current = review.Current is null ? null : From(review.Current);
    }

    public bool CurrentEngineDiffers { get; }
    public AssessmentResponse? Current { get; }

    /// <summary>The stored assessment of an incident, reviewed by the current engine; null before facts are recorded.</summary>
    public static IncidentAssessmentResponse? From(BreachFacts? facts, RiskAssessment? stored) =>
        facts is null || stored is null ? null : new(RiskAssessor.Review(facts, stored));
}
