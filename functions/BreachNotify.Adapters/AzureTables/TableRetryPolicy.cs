using Azure.Core;
using Azure.Core.Pipeline;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// Which answers are transient: 408, 429, 500, 502, 503, 504 (Table storage answers 500/503 when throttling:
/// https://learn.microsoft.com/azure/storage/tables/storage-performance-checklist). Everything else is final.
/// </summary>
public sealed class TableResponseClassifier : ResponseClassifier
{
    public override bool IsRetriableResponse(HttpMessage message)
        => message.Response.Status is 408 or 429 or 500 or 502 or 503 or 504;
}

/// <summary>
/// Azure.Core's retry loop with an explicit guarantee that 409 (conflict) and 412 (ETag mismatch) are never retried,
/// whatever classifier is in use: those are answers, not failures.
/// </summary>
public sealed class TableRetryPolicy : RetryPolicy
{
    public TableRetryPolicy(int maxRetries, DelayStrategy delayStrategy) : base(maxRetries, delayStrategy) { }

    public static TableRetryPolicy FromOptions(RetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var delay = options.Mode == RetryMode.Fixed
            ? DelayStrategy.CreateFixedDelayStrategy(options.Delay)
            : DelayStrategy.CreateExponentialDelayStrategy(options.Delay, options.MaxDelay);
        return new TableRetryPolicy(options.MaxRetries, delay);
    }

    protected override bool ShouldRetry(HttpMessage message, Exception? exception)
        => !IsFinal(message) && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception)
        => IsFinal(message) ? new ValueTask<bool>(false) : base.ShouldRetryAsync(message, exception);

    private static bool IsFinal(HttpMessage message) => message.HasResponse && message.Response.Status is 409 or 412;
}
