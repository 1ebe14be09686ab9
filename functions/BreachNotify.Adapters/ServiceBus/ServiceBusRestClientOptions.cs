using Azure.Core;

namespace BreachNotify.Adapters.ServiceBus;

/// <summary>Options for <see cref="ServiceBusRestClient"/>. Retries (5xx, 408, 429, network errors, timeouts) use
/// <see cref="ClientOptions.Retry"/>; a resend is harmless when the queue has duplicate detection (deterministic MessageIds).</summary>
public class ServiceBusRestClientOptions : ClientOptions
{
    /// <summary>Service Bus Standard allows 100 messages per transaction
    /// (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas).</summary>
    public const int MaxMessagesPerBatchLimit = 100;

    public ServiceBusRestClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromSeconds(0.8);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary><c>contoso.servicebus.windows.net</c> (a bare name gets <c>.servicebus.windows.net</c>). Ignored when
    /// <see cref="Endpoint"/> is set or a connection string is used.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Full endpoint, e.g. <c>https://contoso.servicebus.windows.net/</c>; wins over <see cref="FullyQualifiedNamespace"/>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Queue (or topic) name; with a connection string, its <c>EntityPath</c> is used when this is not set.</summary>
    public string? QueueName { get; set; }

    /// <summary>Lifetime of SAS tokens made from a connection string. Default 1 hour.</summary>
    public TimeSpan SasTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Messages per batch request, 1–100. Default 100.</summary>
    public int MaxMessagesPerBatch { get; set; } = MaxMessagesPerBatchLimit;

    /// <summary>Upper bound on a batch request's JSON body. Default 250,000 bytes: under Standard's 256 KB message/batch
    /// limit with headroom for broker-side overhead.</summary>
    public int MaxBatchSizeInBytes { get; set; } = 250_000;

    /// <summary>Clock for SAS expiry.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
