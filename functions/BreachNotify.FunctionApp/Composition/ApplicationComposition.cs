using BreachNotify.Application.Incidents;

namespace BreachNotify.FunctionApp.Composition;

public static class ApplicationComposition
{
    public static IServiceCollection AddBreachNotifyApplication(this IServiceCollection services)
    {
        services.AddOptions<IncidentOptions>().BindConfiguration(IncidentOptions.SectionName)
            .Validate(o => !o.Validate().Any(), "Incidents:ClockSkew must be between 0s and 60m.").ValidateOnStart();
        services.AddSingleton<IncidentRepository>();
        services.AddSingleton<IncidentService>();
        services.AddHostedService<StoreInitializer>();
        return services;
    }
}

/// <summary>Creates the tables before the first request.</summary>
public sealed class StoreInitializer(IncidentService incidents) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => incidents.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
