using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Composition;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Features.Dashboard;
using BreachNotify.FunctionApp.Features.Health;
using BreachNotify.FunctionApp.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>The body of <c>POST /admin/functions/{name}</c>, as the Functions host's admin API takes it.</summary>
public sealed record AdminInvocationRequest(string? Input = null);

public sealed record AdminInvocationResponse(string Name, DateTimeOffset StartedAt, DateTimeOffset CompletedAt);

/// <summary>
/// The app without a Functions host (<c>dotnet run</c>): a plain ASP.NET Core app on http://localhost:7071 that serves
/// every HTTP function at its route through the same <see cref="HttpFunctionPipeline"/>, runs the timer functions on
/// their schedules (<see cref="StandaloneTimers"/>), and, like the host's admin API, runs a timer function on demand
/// with <c>POST /admin/functions/{name}</c> (dpo key). Routes and schedules come from <see cref="FunctionIndex"/>,
/// i.e. from the functions' own attributes.
/// </summary>
public static partial class StandaloneHost
{
    public const string AdminRoute = "/admin/functions/{name}";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Like the Functions tooling, read local.settings.json's Values (tests configure themselves).
        if (!builder.Environment.IsEnvironment("Testing")) LocalSettings.AddIfPresent(builder.Configuration, builder.Environment.ContentRootPath);
        var c = builder.Configuration;
        if (string.IsNullOrEmpty(c["urls"]) && string.IsNullOrEmpty(c["http_ports"]) && string.IsNullOrEmpty(c["https_ports"]))
            builder.WebHost.UseUrls(HostingMode.DefaultStandaloneUrl);

        builder.Services.AddBreachNotify(builder.Configuration, HostingMode.StandaloneMode);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.AddOptions<StandaloneOptions>().Bind(builder.Configuration.GetSection(StandaloneOptions.SectionName));
        builder.Services.AddSingleton<StandaloneTimers>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StandaloneTimers>());

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapFunctions();
        if (app.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.ApiKeys.Count == 0) LogNoApiKeys(app.Logger);
        return app;
    }

    /// <summary>Every HTTP function at <c>/api/{route}</c> for its methods, the admin endpoint, and <c>GET /</c>.</summary>
    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var index = app.ServiceProvider.GetRequiredService<FunctionIndex>();
        foreach (var function in index.Http)
        {
            app.MapMethods(function.Path, function.Methods, http => ServeAsync(http, function))
                .WithName(function.Name).WithDisplayName(function.Name);
        }
        app.MapPost(AdminRoute, http => ServeAsync(http, Admin)).WithName("admin-functions");
        app.MapGet("/", Root).WithName("root");
        return app;
    }

    /// <summary>The admin endpoint as a function of our own: dpo only, default body limit.</summary>
    public static readonly HttpFunction Admin = new("admin", typeof(StandaloneHost).GetMethod(nameof(RunFunctionAsync))!,
        ["POST"], AdminRoute.TrimStart('/'), Policies.Dpo, AllowAnonymous: false, BodyLimit.Default);

    private static async Task ServeAsync(HttpContext http, HttpFunction function)
    {
        var pipeline = http.RequestServices.GetRequiredService<HttpFunctionPipeline>();
        var invoker = http.RequestServices.GetRequiredService<FunctionInvoker>();
        var result = await pipeline.RunAsync(http, function, () => ReferenceEquals(function, Admin) ? RunFunctionAsync(http) : invoker.InvokeHttpAsync(http, function));
        await result.ExecuteAsync(http);
    }

    /// <summary>Runs a non-HTTP function now and answers 202 when it has finished (the host answers 202 at once).</summary>
    public static async Task<object?> RunFunctionAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var name = http.Request.RouteValues["name"] as string ?? "";
        var index = http.RequestServices.GetRequiredService<FunctionIndex>();
        var function = index.FindTimer(name);
        if (function is null)
        {
            throw new Application.Common.NotFoundException(index.FindHttp(name) is not null
                ? $"{name} is an HTTP function: call it at its route."
                : $"No function named {name}. Timer functions: {string.Join(", ", index.Timers.Select(t => t.Name).Order(StringComparer.Ordinal))}.");
        }
        if (http.Request.ContentLength is > 0 || http.Request.ContentType is not null)
            _ = await http.Request.ReadJsonAsync<AdminInvocationRequest>(http.RequestAborted);
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var started = time.GetUtcNow();
        var timer = new TimerInfo { IsPastDue = false, ScheduleStatus = new ScheduleStatus { LastUpdated = started.UtcDateTime } };
        await http.RequestServices.GetRequiredService<StandaloneTimers>().RunOnceAsync(function, timer, http.RequestAborted);
        return TypedResults.Accepted((string?)null, new AdminInvocationResponse(function.Name, started, time.GetUtcNow()));
    }

    /// <summary>A browser asking for / is sent to the dashboard; tools and probes get the health JSON.</summary>
    private static Results<Ok<HealthResponse>, RedirectHttpResult> Root(HttpRequest request, HostingMode mode, IConfiguration configuration)
        => request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            ? TypedResults.Redirect(DashboardFunctions.UiPath)
            : TypedResults.Ok(HealthFunctions.Current(mode, configuration));

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys are configured (Auth:ApiKeys): every /api route except health, the dashboard files and webhooks will answer 401. See README, 'Make an API key'.")]
    private static partial void LogNoApiKeys(ILogger logger);
}
