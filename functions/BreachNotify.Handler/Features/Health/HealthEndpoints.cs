using Microsoft.AspNetCore.Http.HttpResults;

namespace BreachNotify.Handler.Features.Health;

public sealed record HealthResponse(string Status, string Mode, string Storage, string Version);

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // The Functions host polls GET / until the handler answers (readiness).
        app.MapGet("/", Ready).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/api/health", Health).AllowAnonymous().WithTags("Health");
        return app;
    }

    public static Ok<HealthResponse> Ready(Hosting.HostingMode mode, IConfiguration configuration) => Health(mode, configuration);

    public static Ok<HealthResponse> Health(Hosting.HostingMode mode, IConfiguration configuration)
        => TypedResults.Ok(new HealthResponse(
            "ok",
            mode.UnderFunctionsHost ? "functions-host" : "standalone",
            configuration["Storage:Provider"] ?? "Sqlite",
            typeof(HealthEndpoints).Assembly.GetName().Version?.ToString() ?? "0"));
}
