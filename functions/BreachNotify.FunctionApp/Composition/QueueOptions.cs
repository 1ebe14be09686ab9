namespace BreachNotify.FunctionApp.Composition;

/// <summary>Which queue carries notice jobs (section <c>Queue</c>): the sender and the receiver the drain takes them from.</summary>
public sealed class QueueOptions
{
    public const string SectionName = "Queue";
    public const string Embedded = "Embedded";
    public const string ServiceBus = "ServiceBus";

    /// <summary>Embedded (store-backed; the standalone default) or ServiceBus (the default under the Functions host).</summary>
    public string? Provider { get; set; }

    /// <summary>Queue name (the Service Bus queue, or the embedded queue's partition).</summary>
    public string Name { get; set; } = "notices";
}
