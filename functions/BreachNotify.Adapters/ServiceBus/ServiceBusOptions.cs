namespace BreachNotify.Adapters.ServiceBus;

/// <summary>
/// Settings under <c>ServiceBus</c> (used when <c>Queue:Provider</c> is ServiceBus): the namespace, reached with the app's
/// one shared credential (managed identity in Azure), or a connection string (SAS; local auth is off in Azure).
/// </summary>
public sealed class ServiceBusOptions
{
    public const string SectionName = "ServiceBus";

    /// <summary>e.g. <c>contoso.servicebus.windows.net</c>.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary><c>Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…</c>; wins over the namespace when set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The queue's <c>maxDeliveryCount</c> (the deployment sets 10, Service Bus's default): a message that fails
    /// transiently on its last delivery is dead-lettered by us with the reason, instead of by the broker without one.</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    public IEnumerable<string> Validate()
    {
        if (MaxDeliveryCount is < 1 or > 2000) yield return $"{SectionName}:MaxDeliveryCount must be 1 to 2000.";
        if (!string.IsNullOrWhiteSpace(FullyQualifiedNamespace) && (FullyQualifiedNamespace.Contains("://", StringComparison.Ordinal) || FullyQualifiedNamespace.Contains('/', StringComparison.Ordinal)))
            yield return $"{SectionName}:FullyQualifiedNamespace is a host name such as contoso.servicebus.windows.net, not a URL.";
    }
}
