namespace BreachNotify.Adapters.EmbeddedQueue;

/// <summary>Options of the embedded queue (section <c>Queue:Embedded</c>).</summary>
public sealed class StoreQueueOptions
{
    public const string SectionName = "Queue:Embedded";

    /// <summary>A received message is invisible to other receivers this long; then it is delivered again.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this many deliveries a failing message is dead-lettered (Service Bus default: 10).</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>Retry backoff: first delay, doubled per delivery up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<string> Validate()
    {
        if (VisibilityTimeout <= TimeSpan.Zero) yield return "Queue:Embedded:VisibilityTimeout must be positive.";
        if (MaxDeliveryCount < 1) yield return "Queue:Embedded:MaxDeliveryCount must be at least 1.";
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay) yield return "Queue:Embedded:RetryDelay must be positive and at most MaxRetryDelay.";
    }
}
