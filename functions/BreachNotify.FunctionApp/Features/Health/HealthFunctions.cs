using BreachNotify.FunctionApp.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Health;

public sealed record HealthResponse(string Status, string Mode, string Storage, string Version);

public sealed class HealthFunctions(HostingMode mode, IConfiguration configuration)
{
    [Function("Health")]
    [AllowAnonymous]
    public Ok<HealthResponse> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req)
        => TypedResults.Ok(Current(mode, configuration));

    public static HealthResponse Current(HostingMode mode, IConfiguration configuration) => new(
        "ok",
        mode.UnderFunctionsHost ? "functions-host" : "standalone",
        configuration["Storage:Provider"] ?? "Sqlite",
        typeof(HealthFunctions).Assembly.GetName().Version?.ToString() ?? "0");
}
