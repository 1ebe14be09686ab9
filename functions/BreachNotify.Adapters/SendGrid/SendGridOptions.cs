namespace BreachNotify.Adapters.SendGrid;

/// <summary>
/// Settings under <c>SendGrid</c> (used when <c>Email:Provider</c> is SendGrid). The API key comes from configuration
/// only (a Key Vault reference in Azure).
/// </summary>
public sealed class SendGridOptions
{
    public const string SectionName = "SendGrid";
    public const string GlobalResidency = "global";
    public const string EuResidency = "eu";

    /// <summary>API key with the "Mail Send" permission.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>global</c> (api.sendgrid.com) or <c>eu</c> (api.eu.sendgrid.com, for EU-pinned subusers): the SDK's data residency.</summary>
    public string DataResidency { get; set; } = GlobalResidency;

    /// <summary>Overrides the API host chosen by <see cref="DataResidency"/> (e.g. a proxy). https, or http to a loopback
    /// address (the key never leaves the machine then).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>SendGrid validates and answers 200 without delivering (<c>mail_settings.sandbox_mode</c>).</summary>
    public bool SandboxMode { get; set; }

    /// <summary>Retries of 5xx/408 answers, network failures and timeouts, with exponential back-off from <see cref="RetryDelay"/>.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off of a retry after a 5xx or a network failure; doubled for each further retry.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On 429 the sender waits until <c>X-RateLimit-Reset</c> when that is at most this far away; otherwise the
    /// failure is transient with the time to wait, and the queue delivers the job again later.</summary>
    public TimeSpan RateLimitMaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many 429s one send may wait out.</summary>
    public int RateLimitMaxRetries { get; set; } = 2;

    /// <summary>
    /// Personalizations (recipients) per request, at most SendGrid's 1000. Each accepted request is recorded on its job
    /// before the next is sent, so a crash can send twice at most the requests in flight; smaller requests shrink that
    /// (at the cost of more requests). A notice job of up to <c>Notices:JobSize</c> recipients takes one request by default.
    /// </summary>
    public int MaxRecipientsPerRequest { get; set; } = 1000;

    public IEnumerable<string> Validate()
    {
        if (DataResidency is not (GlobalResidency or EuResidency)) yield return $"{SectionName}:DataResidency must be '{GlobalResidency}' or '{EuResidency}'.";
        if (BaseUrl is not null && (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && !(BaseUrl.Scheme == Uri.UriSchemeHttp && BaseUrl.IsLoopback))))
            yield return $"{SectionName}:BaseUrl must be an absolute https URL (http only to a loopback address: a local proxy or fake).";
        if (MaxRetries is < 0 or > 10) yield return $"{SectionName}:MaxRetries must be 0 to 10.";
        if (RetryDelay < TimeSpan.Zero) yield return $"{SectionName}:RetryDelay must not be negative.";
        if (RequestTimeout <= TimeSpan.Zero) yield return $"{SectionName}:RequestTimeout must be positive.";
        if (RateLimitMaxWait < TimeSpan.Zero) yield return $"{SectionName}:RateLimitMaxWait must not be negative.";
        if (RateLimitMaxRetries is < 0 or > 10) yield return $"{SectionName}:RateLimitMaxRetries must be 0 to 10.";
        if (MaxRecipientsPerRequest is < 1 or > 1000) yield return $"{SectionName}:MaxRecipientsPerRequest must be 1 to 1000.";
    }
}
