using Azure.Messaging.ServiceBus;
using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Adapters.ServiceBus;
using BreachNotify.Application.Notices.Sending;
using BreachNotify.Application.Queue;
using BreachNotify.Application.Storage;
using BreachNotify.FunctionApp.Hosting;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

public static class QueueComposition
{
    public static IServiceCollection AddBreachNotifyQueue(this IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        services.AddOptions<QueueOptions>().Bind(configuration.GetSection(QueueOptions.SectionName))
            .PostConfigure(o => { if (string.IsNullOrWhiteSpace(o.Provider)) o.Provider = mode.Standalone ? QueueOptions.Embedded : QueueOptions.ServiceBus; })
            .Validate(o => o.Provider is QueueOptions.Embedded or QueueOptions.ServiceBus, "Queue:Provider must be Embedded or ServiceBus.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Name) && o.Name.Length <= 260, "Queue:Name is required.")
            .ValidateOnStart();
        services.AddOptions<ServiceBusOptions>().Bind(configuration.GetSection(ServiceBusOptions.SectionName))
            .Validate(o => !o.Validate().Any(), "ServiceBus settings are invalid (MaxDeliveryCount 1 to 2000; FullyQualifiedNamespace a host name).")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueOptions>>(sp => new ServiceBusValidator(sp.GetRequiredService<IOptions<ServiceBusOptions>>()));
        services.AddOptions<StoreQueueOptions>().Bind(configuration.GetSection(StoreQueueOptions.SectionName))
            .Validate(o => !o.Validate().Any(), "Queue:Embedded settings are invalid.").ValidateOnStart();
        services.AddOptions<NoticeQueueDrainOptions>().Bind(configuration.GetSection(NoticeQueueDrainOptions.SectionName))
            .Validate(o => !o.Validate().Any(), "SendQueuedNotices settings are invalid (Concurrency 1 to 64, BatchSize 1 to 100, TimeBudget and LockRenewalMargin positive, ReceiveWait 0 to 1 minute).")
            .ValidateOnStart();

        // One ServiceBusClient per process (AMQP connection), on the shared credential; built on first use.
        services.AddBreachNotifyAzureCredential(configuration);
        services.AddAzureClients(builder => builder.AddClient<ServiceBusClient, ServiceBusClientOptions>((clientOptions, credential, sp) =>
        {
            var s = sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
            return string.IsNullOrWhiteSpace(s.ConnectionString)
                ? new ServiceBusClient(s.FullyQualifiedNamespace, credential, clientOptions)
                : new ServiceBusClient(s.ConnectionString, clientOptions);
        }));
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateSender(sp.GetRequiredService<IOptions<QueueOptions>>().Value.Name));
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateReceiver(sp.GetRequiredService<IOptions<QueueOptions>>().Value.Name,
            new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0 }));

        services.AddSingleton(sp => new StoreNoticeQueue(
            sp.GetRequiredService<ITableStore>(), sp.GetRequiredService<IOptions<StoreQueueOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<QueueOptions>>().Value.Name));
        services.AddSingleton<INoticeQueue>(sp => Embedded(sp)
            ? sp.GetRequiredService<StoreNoticeQueue>()
            : new ServiceBusNoticeQueue(sp.GetRequiredService<ServiceBusSender>()));
        services.AddSingleton<INoticeQueueReceiver>(sp => Embedded(sp)
            ? sp.GetRequiredService<StoreNoticeQueue>()
            : new ServiceBusNoticeReceiver(sp.GetRequiredService<ServiceBusReceiver>(), sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value.MaxDeliveryCount));

        // The consumer: the SendQueuedNotices timer runs the drain; message handling is in SendNoticeMessageHandler
        // (SendNoticeProcessor is registered with the notices).
        services.TryAddSingleton<IQueuedNoticeHandler, SendNoticeMessageHandler>();
        services.TryAddSingleton<NoticeQueueDrain>();
        return services;
    }

    private static bool Embedded(IServiceProvider sp) => sp.GetRequiredService<IOptions<QueueOptions>>().Value.Provider == QueueOptions.Embedded;

    private sealed class ServiceBusValidator(IOptions<ServiceBusOptions> settings) : IValidateOptions<QueueOptions>
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
