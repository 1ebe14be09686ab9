using BreachNotify.Application.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using static BreachNotify.Application.Tests.Webhooks.WebhookTestSupport;

using BreachNotify.Tests.Shared;

namespace BreachNotify.Application.Tests.Webhooks;

public class RegistryAndOptionsTests
{
    [Fact]
    public void Known_sources_are_found_ignoring_case()
    {
        Assert.Equal(
            ["pagerduty", "grafana", "alertmanager", "azure-monitor", "github", "sentinel", "generic"],
            WebhookSourceNames.All.Select(name => Source(name.ToUpperInvariant(), new WebhookOptions()).Name));
    }

    [Theory]
    [InlineData("splunk")]
    [InlineData("")]
    [InlineData("azuremonitor")]
    public void Unknown_source_is_not_found(string name)
    {
        var registry = new WebhookSourceRegistry(
            Substitute.For<IOptionsMonitor<WebhookOptions>>(), new FakeTimeProvider(Now), NullLogger<WebhookSourceRegistry>.Instance);

        Assert.False(registry.TryGet(name, out _));
    }

    [Fact]
    public void Defaults()
    {
        var options = new WebhookOptions();

        Assert.Equal(TimeSpan.FromMinutes(5), options.ReplayWindow);
        Assert.Equal(1024 * 1024, options.MaxBodyBytes);
        Assert.Equal(20, options.FailedAttemptsLoggedPerMinute);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RepairAfter);
        Assert.Empty(options.Sources);
    }

    [Theory]
    [InlineData("azure-monitor")]
    [InlineData("AzureMonitor")]
    [InlineData("azure_monitor")]
    public void Source_settings_are_found_ignoring_case_hyphen_and_underscore(string key)
    {
        var settings = new WebhookSourceOptions { Tokens = ["t"] };
        var options = new WebhookOptions { Sources = { [key] = settings } };

        Assert.Same(settings, options.GetSource(WebhookSourceNames.AzureMonitor));
        Assert.Null(options.GetSource(WebhookSourceNames.Sentinel));
    }

    [Fact]
    public void Validator_accepts_known_sources_and_rejects_typos_and_non_positive_limits()
    {
        var validator = new WebhookOptionsValidator();
        var good = new WebhookOptions { Sources = { ["github"] = new(), ["AzureMonitor"] = new() } };
        var bad = new WebhookOptions
        {
            ReplayWindow = TimeSpan.Zero,
            MaxBodyBytes = 0,
            Sources = { ["githib"] = new() },
        };

        Assert.True(validator.Validate(null, good).Succeeded);
        var result = validator.Validate(null, bad);
        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Webhooks:githib is neither a setting", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_points_the_old_sources_layout_to_the_new_keys_and_checks_the_intake_limits()
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions
        {
            FailedAttemptsLoggedPerMinute = -1,
            RepairAfter = TimeSpan.Zero,
            Sources = { ["Sources"] = new() },
        });

        Assert.Equal(
            [
                "Webhooks:FailedAttemptsLoggedPerMinute must not be negative.",
                "Webhooks:RepairAfter must be positive.",
                "Webhooks:Sources:{source} is the old layout: write Webhooks:{source}:Secrets / Webhooks:{source}:Tokens.",
            ],
            result.Failures!);
    }

    [Fact]
    public void Service_registration_adds_registry_validator_and_default_clock_once()
    {
        var services = new ServiceCollection();

        services.AddWebhookSources();
        services.AddWebhookSources();

        Assert.Single(services, d => d.ServiceType == typeof(WebhookSourceRegistry) && d.Lifetime == ServiceLifetime.Singleton);
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<WebhookOptions>) && d.ImplementationType == typeof(WebhookOptionsValidator));
        Assert.Same(TimeProvider.System, Assert.Single(services, d => d.ServiceType == typeof(TimeProvider)).ImplementationInstance);
    }
}
