namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// Configuration section <c>Storage:Tables</c> (selected with <c>Storage:Provider = AzureTables</c>).
/// Either <see cref="Endpoint"/> (Entra ID: managed identity / DefaultAzureCredential; preferred in Azure) or
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

    /// <summary>Client ID of a user-assigned managed identity; when empty, DefaultAzureCredential is used with <see cref="Endpoint"/>.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prepended to every table name (letters and digits only), e.g. "bn" or "test1": lets environments share an account.</summary>
    public string TablePrefix { get; set; } = string.Empty;

    /// <summary>Retries of transient failures (408, 429, 500, 502, 503, 504, transport errors, timeouts) with exponential back-off.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Per-attempt network timeout.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
