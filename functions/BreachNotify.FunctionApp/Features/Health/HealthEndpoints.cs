using Microsoft.AspNetCore.Http.HttpResults;

namespace BreachNotify.FunctionApp.Features.Health;

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

    /// <summary>
    /// Readiness: always 200 under the Functions host. Standalone, a browser (Accept: text/html) is sent to the
    /// dashboard; tools and probes still get the JSON.
    /// </summary>
    public static Results<Ok<HealthResponse>, RedirectHttpResult> Ready(Hosting.HostingMode mode, IConfiguration configuration, HttpRequest request)
    {
        if (mode.Standalone && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)))
            return TypedResults.Redirect(Dashboard.DashboardEndpoints.UiPath);
        return Health(mode, configuration);
    }

    public static Ok<HealthResponse> Health(Hosting.HostingMode mode, IConfiguration configuration)
        => TypedResults.Ok(new HealthResponse(
            "ok",
            mode.UnderFunctionsHost ? "functions-host" : "standalone",
            configuration["Storage:Provider"] ?? "Sqlite",
            typeof(HealthEndpoints).Assembly.GetName().Version?.ToString() ?? "0"));
}
