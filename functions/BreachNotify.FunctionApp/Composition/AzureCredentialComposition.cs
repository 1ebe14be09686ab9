using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BreachNotify.FunctionApp.Composition;

/// <summary>
/// The one <see cref="TokenCredential"/> of the process, registered once and given to every Azure client
/// (Microsoft.Extensions.Azure's <c>UseCredential</c>): in Azure the user-assigned managed identity named by
/// <c>AZURE_CLIENT_ID</c> (system-assigned when it is empty); elsewhere the developer's own sign-in (Azure CLI, Visual
/// Studio, azd, environment variables) through <see cref="DefaultAzureCredential"/> without the managed-identity probe.
/// </summary>
public static class AzureCredentialComposition
{
    public const string ClientIdSetting = "AZURE_CLIENT_ID";

    public static IServiceCollection AddBreachNotifyAzureCredential(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(TokenCredential))) return services;
        // One instance, created here (tokens are only fetched on first use), so that components configured while the
        // services are composed, such as the Azure Monitor exporter, share it too.
        services.TryAddSingleton(Create(configuration));
        services.AddAzureClients(builder => builder.UseCredential(sp => sp.GetRequiredService<TokenCredential>()));
        return services;
    }

    /// <summary>The process's credential (registering it when needed), for components configured at composition time.</summary>
    public static TokenCredential Credential(IServiceCollection services, IConfiguration configuration)
    {
        services.AddBreachNotifyAzureCredential(configuration);
        return services.Last(d => d.ServiceType == typeof(TokenCredential)).ImplementationInstance as TokenCredential
            ?? throw new InvalidOperationException("The TokenCredential was registered as a factory; register the instance.");
    }

    public static TokenCredential Create(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var clientId = configuration[ClientIdSetting];
        if (SettingsCatalog.IsAzure(configuration))
        {
            return new ManagedIdentityCredential(string.IsNullOrWhiteSpace(clientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }
        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ExcludeManagedIdentityCredential = true });
    }
}
