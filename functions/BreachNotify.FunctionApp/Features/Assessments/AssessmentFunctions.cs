using BreachNotify.Application.Risk;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Assessments;

public sealed class AssessmentFunctions
{
    /// <summary>Judges facts without storing anything: ENISA severity plus the GDPR Art 33/34 rules, with reasons and what would change it.</summary>
    [Function("AssessFacts")]
    [Authorize(Policy = Policies.Report)]
    public async Task<Ok<AssessmentResponse>> Assess(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assessments")] HttpRequest req, CancellationToken cancellationToken)
    {
        var facts = await req.ReadJsonAsync<FactsRequest>(cancellationToken);
        return TypedResults.Ok(AssessmentResponse.From(RiskAssessor.Answer(facts.ToFacts())));
    }
}
