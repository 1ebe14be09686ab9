namespace BreachNotify.Domain.Risk;

/// <summary>ENISA (2013) severity: <c>Score = DataProcessingContext × EaseOfIdentification + Circumstances</c>.</summary>
public sealed record SeverityScore(
    decimal Score,
    SeverityLevel Level,
    decimal DataProcessingContext,
    decimal EaseOfIdentification,
    decimal Circumstances);
