using Azure;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>429 from SendGrid that the client did not wait out (reset too far away, unknown, or retries used up).</summary>
public class SendGridRateLimitedException : RequestFailedException
{
    public SendGridRateLimitedException(string message, DateTimeOffset? resetAt, TimeSpan? retryAfter)
        : base(429, message, SendGridClient.ErrorCodeFor(429), null)
    {
        ResetAt = resetAt;
        RetryAfter = retryAfter;
    }

    public SendGridRateLimitedException() : this("SendGrid rate limit exceeded.", null, null) { }

    public SendGridRateLimitedException(string message) : this(message, null, null) { }

    public SendGridRateLimitedException(string message, Exception innerException) : base(429, message, "TooManyRequests", innerException) { }

    /// <summary>From <c>X-RateLimit-Reset</c> (unix seconds), when present.</summary>
    public DateTimeOffset? ResetAt { get; }

    /// <summary>How long to wait from the moment of the answer; null when SendGrid gave no reset time.</summary>
    public TimeSpan? RetryAfter { get; }
}
