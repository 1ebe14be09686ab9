using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Hosting;
using BreachNotify.FunctionApp.Json;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

public static class FunctionAppComposition
{
    /// <summary>Everything the functions need, the same in both hosting modes.</summary>
    public static IServiceCollection AddBreachNotify(this IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        // First: every options class below reads its durations through it (24h, PT24H; 24:00:00 refused).
        services.AddUnambiguousDurations(configuration);
        services.AddSingleton(mode);
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier);
        });

        // The functions, and what runs around every HTTP function in both modes.
        services.AddSingleton(FunctionIndex.Default);
        services.AddSingleton<ProblemResults>();
        services.AddSingleton<RequestBodyLimits>();
        services.AddSingleton<HttpFunctionPipeline>();
        services.AddOptions<RequestLimitsOptions>().Bind(configuration.GetSection(RequestLimitsOptions.SectionName))
            .Validate(o => o.MaxRequestBodyBytes > 0, "Api:MaxRequestBodyBytes must be positive.").ValidateOnStart();
        services.AddOptions<TimerSchedulesCheck>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TimerSchedulesCheck>, TimerSchedulesValidator>();

        services.AddBreachNotifyTelemetry(configuration, mode);
        services.AddApiKeyAuth(configuration);
        services.AddBreachNotifyStorage(configuration);
        services.AddBreachNotifyApplication();
        services.AddWebhookIntake(configuration);
        services.AddBreachNotifyDeadlines(configuration);
        services.AddDashboard(configuration);
        services.AddSettingsCatalogCheck(configuration);
        services.AddBreachNotifyNotices(configuration, mode);
        return services;
    }
}
