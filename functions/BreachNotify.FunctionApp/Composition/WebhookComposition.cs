using BreachNotify.Application.Webhooks;
using BreachNotify.Application.Webhooks.Intake;
using BreachNotify.FunctionApp.Features.Webhooks;
using BreachNotify.Application.Notices.Sending;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

public static class WebhookComposition
{
    /// <summary>
    /// Monitor webhook intake: sources (verify + parse), the delivery store, the alert → incident mapper, the
    /// intake use case and the background processor that maps stored alerts (the WebhookRepair timer repairs).
    /// </summary>
    public static IServiceCollection AddWebhookIntake(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(WebhookOptions.SectionName);
        services.AddWebhookSources();
        services.AddOptions<WebhookOptions>().Configure(o => Bind(section, o));
        // Secrets rotate: pick up changed settings without a restart where the configuration reloads.
        services.AddSingleton<IOptionsChangeTokenSource<WebhookOptions>>(new ConfigurationChangeTokenSource<WebhookOptions>(Options.DefaultName, section));
        services.AddSingleton<WebhookDeliveryStore>();
        services.AddSingleton<MonitorIncidentMapper>();
        services.AddSingleton<WebhookAlertProcessor>();
        services.AddSingleton<IAlertMappingQueue>(sp => sp.GetRequiredService<WebhookAlertProcessor>());
        services.AddSingleton<WebhookIntake>();
        services.AddHostedService<WebhookStoreInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookAlertProcessor>());
        return services;
    }

    /// <summary>
    /// <c>Webhooks:{setting}</c> for the settings named in <see cref="WebhookOptions.SettingNames"/>, and every other
    /// child <c>Webhooks:{source}</c> as a source's credentials (e.g. <c>Webhooks:github:Secrets:0</c>, or
    /// <c>Webhooks__AzureMonitor__Tokens__0</c> as an app setting). Unknown children are kept so validation names them.
    /// </summary>
    public static void Bind(IConfiguration section, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        section.Bind(options);
        options.Sources.Clear();
        foreach (var child in section.GetChildren())
        {
            if (WebhookOptions.SettingNames.Contains(child.Key, StringComparer.OrdinalIgnoreCase)) continue;
            // Webhooks:sendgrid is SendGrid's delivery-event webhook (notices, proof of delivery), not a monitor source.
            if (string.Equals(child.Key, DeliveryEventWebhookOptions.SectionName.Split(':')[1], StringComparison.OrdinalIgnoreCase)) continue;
            options.Sources[child.Key] = child.Get<WebhookSourceOptions>() ?? new WebhookSourceOptions();
        }
    }
}

/// <summary>Creates the webhook tables before the first request.</summary>
public sealed class WebhookStoreInitializer(WebhookDeliveryStore deliveries, MonitorIncidentMapper mapper) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
        => Task.WhenAll(deliveries.InitializeAsync(cancellationToken), mapper.InitializeAsync(cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
