using Azure.Core;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// Options of <see cref="TableServiceClient"/> and <see cref="TableClient"/>. Retry defaults: exponential back-off,
/// 5 retries from 0.8 s up to 30 s, 30 s network timeout; only 408/429/500/502/503/504 and transport failures are retried
/// (never 409 or 412, see <see cref="TableRetryPolicy"/>).
/// </summary>
public class TableClientOptions : ClientOptions
{
    public enum ServiceVersion
    {
        /// <summary>x-ms-version 2020-12-06.</summary>
        V2020_12_06 = 1,
    }

    public const ServiceVersion LatestVersion = ServiceVersion.V2020_12_06;

    public TableClientOptions(ServiceVersion version = LatestVersion)
    {
        Version = version;
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromMilliseconds(800);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }

    public ServiceVersion Version { get; }

    /// <summary>Clock used for the signed <c>x-ms-date</c> header.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal string VersionString => Version switch
    {
        ServiceVersion.V2020_12_06 => "2020-12-06",
        _ => throw new NotSupportedException($"Service version {Version} is not supported."),
    };
}
