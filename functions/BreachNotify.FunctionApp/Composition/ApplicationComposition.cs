using BreachNotify.Application.Incidents;
using BreachNotify.FunctionApp.Functions;
using BreachNotify.FunctionApp.Hosting;

namespace BreachNotify.FunctionApp.Composition;

public static class ApplicationComposition
{
    public static IServiceCollection AddBreachNotifyApplication(this IServiceCollection services)
    {
        services.AddSingleton<IncidentRepository>();
        services.AddSingleton<IncidentService>();
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    public static IServiceCollection AddFunctionApp(this IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        services.AddOptions<FunctionAppOptions>().Bind(configuration.GetSection(FunctionAppOptions.SectionName));
        services.AddOptions<TimerSchedulingOptions>().Bind(configuration.GetSection(TimerSchedulingOptions.SectionName));
        services.AddSingleton(sp => FunctionCatalog.Load(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<FunctionAppOptions>>().Value.Root));
        if (mode.Standalone) services.AddHostedService<StandaloneTimerService>();
        return services;
    }
}

/// <summary>Creates the tables before the first request (the host's readiness probe waits for GET /).</summary>
public sealed class StoreInitializer(IncidentService incidents) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => incidents.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
