using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Webhooks;

/// <summary>The known webhook sources by name (<see cref="WebhookSourceNames"/>); an unknown name is not found (404).</summary>
public sealed class WebhookSourceRegistry
{
    private readonly Dictionary<string, WebhookSource> _sources;

    public WebhookSourceRegistry(
        IOptionsMonitor<WebhookOptions> options, TimeProvider timeProvider, ILogger<WebhookSourceRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        WebhookSource Make(string name, IWebhookVerifier verifier, IWebhookPayloadParser parser) =>
            new(name, verifier, parser, options, timeProvider, logger);

        var bearer = new BearerTokenVerifier();
        _sources = new WebhookSource[]
        {
            Make(WebhookSourceNames.PagerDuty, new PagerDutyVerifier(), new PagerDutyParser()),
            Make(WebhookSourceNames.Grafana, new GrafanaVerifier(), new PrometheusAlertsParser(WebhookSourceNames.Grafana)),
            Make(WebhookSourceNames.Alertmanager, bearer, new PrometheusAlertsParser(WebhookSourceNames.Alertmanager)),
            Make(WebhookSourceNames.AzureMonitor, new AzureMonitorTokenVerifier(), new AzureMonitorParser()),
            Make(WebhookSourceNames.GitHub, new GitHubVerifier(), new GitHubSecretScanningParser(timeProvider)),
            Make(WebhookSourceNames.Sentinel, bearer, new SentinelParser()),
            Make(WebhookSourceNames.Generic, new GenericVerifier(), new GenericParser()),
        }.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The source named exactly (ignoring case) by a route segment such as "github" or "azure-monitor".</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out WebhookSource? source)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _sources.TryGetValue(name, out source);
    }
}

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers the registry, the options validator (checked at start) and <see cref="TimeProvider.System"/> unless
    /// one is registered. The host binds the options (settings by name, every other child of "Webhooks" into <see cref="WebhookOptions.Sources"/>).
    /// </summary>
    public static IServiceCollection AddWebhookSources(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.AddOptions<WebhookOptions>().ValidateOnStart();
        services.TryAddSingleton<WebhookSourceRegistry>();
        return services;
    }
}
