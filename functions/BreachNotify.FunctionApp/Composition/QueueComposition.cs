using Azure.Identity;
using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Adapters.ServiceBus;
using BreachNotify.Application.Queue;
using BreachNotify.Application.Storage;
using BreachNotify.FunctionApp.Hosting;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

/// <summary>Which <see cref="INoticeQueue"/> to use (section <c>Queue</c>).</summary>
public sealed class QueueOptions
{
    public const string SectionName = "Queue";
    public const string Embedded = "Embedded";
    public const string ServiceBus = "ServiceBus";

    /// <summary>Embedded (store-backed, in-process worker; the standalone default) or ServiceBus (the default under the Functions host).</summary>
    public string? Provider { get; set; }

    /// <summary>Queue name; must equal the queueName of functions/SendNotice/function.json.</summary>
    public string Name { get; set; } = "notices";
}

/// <summary>Service Bus sender settings (section <c>ServiceBus</c>): a namespace with managed identity, or a connection string (SAS).</summary>
public sealed class ServiceBusSettings
{
    public const string SectionName = "ServiceBus";

    /// <summary>e.g. contoso.servicebus.windows.net (managed identity).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    public string? ConnectionString { get; set; }

    /// <summary>Client id of a user-assigned managed identity (Entra ID token, scope https://servicebus.azure.net/.default).</summary>
    public string? ClientId { get; set; }
}

public static class QueueComposition
{
    public static IServiceCollection AddBreachNotifyQueue(this IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        services.AddOptions<QueueOptions>().Bind(configuration.GetSection(QueueOptions.SectionName))
            .PostConfigure(o => { if (string.IsNullOrWhiteSpace(o.Provider)) o.Provider = mode.Standalone ? QueueOptions.Embedded : QueueOptions.ServiceBus; })
            .Validate(o => o.Provider is QueueOptions.Embedded or QueueOptions.ServiceBus, "Queue:Provider must be Embedded or ServiceBus.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Name) && o.Name.Length <= 260, "Queue:Name is required.")
            .ValidateOnStart();
        services.AddOptions<ServiceBusSettings>().Bind(configuration.GetSection(ServiceBusSettings.SectionName));
        services.AddSingleton<IValidateOptions<QueueOptions>>(sp => new ServiceBusValidator(sp.GetRequiredService<IOptions<ServiceBusSettings>>()));
        services.AddOptions<StoreQueueOptions>().Bind(configuration.GetSection(StoreQueueOptions.SectionName))
            .Validate(o => !o.Validate().Any(), "Queue:Embedded settings are invalid.").ValidateOnStart();

        services.AddSingleton(sp => new StoreNoticeQueue(
            sp.GetRequiredService<ITableStore>(), sp.GetRequiredService<IOptions<StoreQueueOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<QueueOptions>>().Value.Name));
        services.AddSingleton<INoticeQueue>(sp =>
        {
            var q = sp.GetRequiredService<IOptions<QueueOptions>>().Value;
            if (q.Provider == QueueOptions.Embedded) return sp.GetRequiredService<StoreNoticeQueue>();
            // Built on first use, so that a missing setting is reported by the start-up validation, by name.
            return new LazyNoticeQueue(() =>
            {
                var s = sp.GetRequiredService<IOptions<ServiceBusSettings>>().Value;
                var options = new ServiceBusRestClientOptions { QueueName = q.Name, TimeProvider = sp.GetRequiredService<TimeProvider>() };
                if (!string.IsNullOrWhiteSpace(s.ConnectionString)) return new ServiceBusNoticeQueue(new ServiceBusRestClient(s.ConnectionString, options));
                options.FullyQualifiedNamespace = s.FullyQualifiedNamespace;
                var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(s.ClientId) ? null : s.ClientId });
                return new ServiceBusNoticeQueue(new ServiceBusRestClient(credential, options));
            });
        });
        return services;
    }

    private sealed class ServiceBusValidator(IOptions<ServiceBusSettings> settings) : IValidateOptions<QueueOptions>
    {
        public ValidateOptionsResult Validate(string? name, QueueOptions options)
        {
            if (options.Provider != QueueOptions.ServiceBus) return ValidateOptionsResult.Success;
            if (string.IsNullOrWhiteSpace(settings.Value.ConnectionString) && string.IsNullOrWhiteSpace(settings.Value.FullyQualifiedNamespace))
                return ValidateOptionsResult.Fail("Queue:Provider ServiceBus needs ServiceBus:FullyQualifiedNamespace (managed identity) or ServiceBus:ConnectionString.");
            return ValidateOptionsResult.Success;
        }
    }
}

/// <summary>Creates the real queue on first use.</summary>
public sealed class LazyNoticeQueue(Func<INoticeQueue> create) : INoticeQueue
{
    private readonly Lazy<INoticeQueue> _queue = new(create);

    public INoticeQueue Inner => _queue.Value;

    public Task EnqueueAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken = default) => _queue.Value.EnqueueAsync(messages, cancellationToken);
}
