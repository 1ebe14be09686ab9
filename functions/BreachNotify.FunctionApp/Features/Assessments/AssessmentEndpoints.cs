using BreachNotify.Application.Risk;
using BreachNotify.Domain.Risk;
using BreachNotify.FunctionApp.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BreachNotify.FunctionApp.Features.Assessments;

public static class AssessmentEndpoints
{
    public static RouteGroupBuilder MapAssessments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/assessments").WithTags("Assessments");
        group.MapPost("/", Assess).RequireAuthorization(Policies.Report);
        return group;
    }

    /// <summary>Judges facts without storing anything: ENISA severity plus the GDPR Art 33/34 rules, with reasons.</summary>
    public static Ok<RiskAssessment> Assess(FactsRequest facts) => TypedResults.Ok(RiskAssessor.Assess(facts.ToFacts()));
}
