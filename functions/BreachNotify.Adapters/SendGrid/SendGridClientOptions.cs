using Azure.Core;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>Which SendGrid API host to use.</summary>
public enum SendGridRegion
{
    /// <summary><c>https://api.sendgrid.com</c></summary>
    Global = 0,

    /// <summary><c>https://api.eu.sendgrid.com</c> (EU-pinned subusers; see
    /// https://www.twilio.com/docs/sendgrid/api-reference/mail-send).</summary>
    EU = 1,
}

/// <summary>Options for <see cref="SendGridClient"/>. Retries on 5xx and timeouts use <see cref="ClientOptions.Retry"/>;
/// 429 is handled separately via <see cref="RateLimitMaxWait"/> and <see cref="RateLimitMaxRetries"/>.</summary>
public class SendGridClientOptions : ClientOptions
{
    public static readonly Uri GlobalBaseUri = new("https://api.sendgrid.com");
    public static readonly Uri EuBaseUri = new("https://api.eu.sendgrid.com");

    public SendGridClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromSeconds(1);
        Retry.MaxDelay = TimeSpan.FromSeconds(20);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>API key with the "Mail Send" permission. Used by <see cref="SendGridClient(SendGridClientOptions)"/>.</summary>
    public string? ApiKey { get; set; }

    public SendGridRegion Region { get; set; } = SendGridRegion.Global;

    /// <summary>Overrides the host chosen by <see cref="Region"/> (e.g. a proxy). Path <c>/v3/mail/send</c> is appended.</summary>
    public Uri? BaseUri { get; set; }

    /// <summary>Sets <c>mail_settings.sandbox_mode.enable</c>: SendGrid validates and answers 200 without delivering.</summary>
    public bool SandboxMode { get; set; }

    /// <summary>On 429 the client waits until <c>X-RateLimit-Reset</c> when that is at most this far away;
    /// otherwise it throws <see cref="SendGridRateLimitedException"/> carrying the time to wait. Default 30 s.</summary>
    public TimeSpan RateLimitMaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times one call may wait out a 429 before giving up. Default 2.</summary>
    public int RateLimitMaxRetries { get; set; } = 2;

    /// <summary>Clock used for rate-limit waits.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal Uri ResolveBaseUri() => BaseUri ?? (Region == SendGridRegion.EU ? EuBaseUri : GlobalBaseUri);
}
