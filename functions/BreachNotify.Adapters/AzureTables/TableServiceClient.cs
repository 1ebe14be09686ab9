using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// The account-level Table storage client. Builds the Azure.Core pipeline once (retries, auth, logging) and hands out
/// <see cref="TableClient"/>s that share it. Auth: SharedKeyLite from a connection string or a
/// <see cref="TableSharedKeyCredential"/>, or an Entra ID <see cref="TokenCredential"/> (scope https://storage.azure.com/.default,
/// role "Storage Table Data Contributor").
/// REST reference: https://learn.microsoft.com/rest/api/storageservices/table-service-rest-api
/// </summary>
public class TableServiceClient
{
    public const string StorageScope = "https://storage.azure.com/.default";

    private readonly HttpPipeline _pipeline = null!;
    private readonly string _version = null!;

    /// <summary>For mocking.</summary>
    protected TableServiceClient() { }

    /// <summary>From <c>DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…[;TableEndpoint=…]</c> or <c>UseDevelopmentStorage=true</c>.</summary>
    public TableServiceClient(string connectionString, TableClientOptions? options = null)
        : this(TableConnectionString.Parse(connectionString), options ?? new TableClientOptions())
    {
    }

    private TableServiceClient(TableConnectionString cs, TableClientOptions options)
        : this(cs.TableEndpoint, new SharedKeyLitePolicy(cs.Credential, options.TimeProvider), options)
    {
    }

    public TableServiceClient(Uri endpoint, TableSharedKeyCredential credential, TableClientOptions? options = null)
        : this(endpoint, new SharedKeyLitePolicy(credential, (options ??= new TableClientOptions()).TimeProvider), options)
    {
    }

    public TableServiceClient(Uri endpoint, TokenCredential credential, TableClientOptions? options = null)
        : this(endpoint, new BearerTokenAuthenticationPolicy(credential ?? throw new ArgumentNullException(nameof(credential)), StorageScope), options ?? new TableClientOptions())
    {
    }

    private TableServiceClient(Uri endpoint, HttpPipelinePolicy authPolicy, TableClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri) throw new ArgumentException("The endpoint must be an absolute URI.", nameof(endpoint));
        Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/'));
        _version = options.VersionString;
        options.RetryPolicy ??= TableRetryPolicy.FromOptions(options.Retry);
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            ResponseClassifier = new TableResponseClassifier(),
            RequestFailedDetailsParser = TableErrorParser.Instance,
        };
        pipelineOptions.PerRetryPolicies.Add(authPolicy); // per retry: every attempt is re-signed with a fresh x-ms-date
        _pipeline = HttpPipelineBuilder.Build(pipelineOptions);
    }

    /// <summary>The table endpoint, e.g. https://acct.table.core.windows.net or http://127.0.0.1:10002/devstoreaccount1.</summary>
    public virtual Uri Endpoint { get; } = null!;

    public virtual TableClient GetTableClient(string tableName)
    {
        Application.Storage.TableNames.Validate(tableName);
        return new TableClient(_pipeline, Endpoint, _version, tableName);
    }

    /// <summary>Creates the table; an existing table (409 TableAlreadyExists) is not an error. Returns the raw response.</summary>
    public virtual Task<Response> CreateTableIfNotExistsAsync(string tableName, CancellationToken cancellationToken = default)
        => GetTableClient(tableName).CreateIfNotExistsAsync(cancellationToken);

    /// <summary>Deletes the table (404 is not an error).</summary>
    public virtual Task<Response> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default)
        => GetTableClient(tableName).DeleteAsync(cancellationToken);
}
