using Azure.Core;
using Azure.Data.Tables;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// Configuration section <c>Storage:Tables</c> (selected with <c>Storage:Provider = AzureTables</c>).
/// Either <see cref="Endpoint"/> (Entra ID with the app's one shared credential: managed identity in Azure; preferred) or
/// <see cref="ConnectionString"/> (account key, or <c>UseDevelopmentStorage=true</c> for Azurite). When both are set,
/// <see cref="Endpoint"/> wins so that an environment can override a development connection string.
/// </summary>
public sealed class AzureTableStoreOptions
{
    public const string SectionName = "Storage:Tables";

    /// <summary><c>DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…[;TableEndpoint=…]</c> or <c>UseDevelopmentStorage=true</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table endpoint for Entra ID auth, e.g. <c>https://myaccount.table.core.windows.net</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Prepended to every table name (letters and digits only), e.g. "bn" or "test1": lets environments share an account.</summary>
    public string TablePrefix { get; set; } = string.Empty;

    /// <summary>Retries of transient failures (408, 429, 500, 502, 503, 504, transport errors, timeouts) with exponential
    /// back-off; 409 and 412 are answers and never retried.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Per-attempt network timeout.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Applies the retry settings to the client's options (exponential, 0.8 s first delay up to 30 s).</summary>
    public void ApplyTo(TableClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(800);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.NetworkTimeout = NetworkTimeout;
    }
}
