namespace BreachNotify.Application.Queue;

/// <summary>
/// Settings under <c>SendQueuedNotices</c>: how one run of the queue drain (the <c>SendQueuedNotices</c> timer function)
/// takes notice jobs off the queue. The schedule itself is <c>SendQueuedNotices:Schedule</c>, read by the timer trigger.
/// </summary>
public sealed class NoticeQueueDrainOptions
{
    public const string SectionName = "SendQueuedNotices";

    /// <summary>Messages handled at the same time (each is one notice job of up to 1000 recipients).</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Messages asked for per receive (at most the free concurrency slots).</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>A run stops taking new messages after this long; messages in hand are finished. Keep it well below the
    /// function timeout (5 min by default on Consumption, 30 min on Flex Consumption) and above the schedule interval.</summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>How long a receive waits for the first message before the queue counts as empty (Service Bus only).</summary>
    public TimeSpan ReceiveWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The lock of a message still being handled is renewed when this much of it is left (or at half its remaining time if that is sooner).</summary>
    public TimeSpan LockRenewalMargin { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (Concurrency is < 1 or > 64) yield return $"{SectionName}:Concurrency must be 1 to 64.";
        if (BatchSize is < 1 or > 100) yield return $"{SectionName}:BatchSize must be 1 to 100.";
        if (TimeBudget <= TimeSpan.Zero) yield return $"{SectionName}:TimeBudget must be positive.";
        if (ReceiveWait < TimeSpan.Zero || ReceiveWait > TimeSpan.FromMinutes(1)) yield return $"{SectionName}:ReceiveWait must be 0 to 1 minute.";
        if (LockRenewalMargin <= TimeSpan.Zero) yield return $"{SectionName}:LockRenewalMargin must be positive.";
    }
}
