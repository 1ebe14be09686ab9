using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using BreachNotify.Application.Storage;
using SdkEntity = Azure.Data.Tables.TableEntity;
using StoreEntity = BreachNotify.Application.Storage.TableEntity;
using StoreTransactionFailedException = BreachNotify.Application.Storage.TableTransactionFailedException;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// <see cref="ITableStore"/> on Azure Table storage (or Azurite) through the official client, Azure.Data.Tables.
/// Errors are translated: 404 → <see cref="EntityNotFoundException"/> (null for Get), 409 EntityAlreadyExists →
/// <see cref="EntityAlreadyExistsException"/>, 412 → <see cref="ConcurrencyConflictException"/> (Azure.Core never retries
/// 409/412), 408/429/5xx/transport failures/timeouts (after the client's retries) → <see cref="StorageUnavailableException"/>,
/// a failed transaction → <see cref="StoreTransactionFailedException"/> with the operation index and the mapped inner exception.
/// </summary>
public sealed class AzureTableStore : ITableStore
{
    private readonly TableServiceClient _service;
    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);

    public AzureTableStore(TableServiceClient service, string? tablePrefix = null)
    {
        _service = service ?? throw new ArgumentNullException(nameof(service));
        TablePrefix = tablePrefix ?? string.Empty;
        if (TablePrefix.Length > 0 && !TablePrefix.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException("The table prefix may hold letters and digits only.", nameof(tablePrefix));
    }

    /// <summary>
    /// The service client for <paramref name="options"/>: <see cref="AzureTableStoreOptions.Endpoint"/> with
    /// <paramref name="credential"/> (Entra ID: the app's one shared credential), else
    /// <see cref="AzureTableStoreOptions.ConnectionString"/> (account key, or <c>UseDevelopmentStorage=true</c> for Azurite).
    /// Retries and the network timeout come from <paramref name="options"/>; <paramref name="clientOptions"/> lets tests swap the transport.
    /// </summary>
    public static TableServiceClient CreateServiceClient(AzureTableStoreOptions options, TokenCredential? credential, TableClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        clientOptions ??= new TableClientOptions();
        options.ApplyTo(clientOptions);
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            return new TableServiceClient(new Uri(options.Endpoint, UriKind.Absolute),
                credential ?? throw new InvalidOperationException($"{AzureTableStoreOptions.SectionName}:Endpoint needs a TokenCredential."), clientOptions);
        }
        if (!string.IsNullOrWhiteSpace(options.ConnectionString)) return new TableServiceClient(options.ConnectionString, clientOptions);
        throw new InvalidOperationException($"Set {AzureTableStoreOptions.SectionName}:Endpoint (Entra ID) or {AzureTableStoreOptions.SectionName}:ConnectionString.");
    }

    public string TablePrefix { get; }

    public TableServiceClient Service => _service;

    private TableClient Table(string table) => _tables.GetOrAdd(table, static (t, self) =>
    {
        TableNames.Validate(t);
        return self._service.GetTableClient(self.TablePrefix + t);
    }, this);

    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        var client = Table(table);
        try { await client.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false); }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"creating table '{client.Name}'"); }
    }

    public async Task<StoreEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetEntityIfExists answers a missing entity without an exception; a missing table still throws (404 TableNotFound).
            var result = await Table(table).GetEntityIfExistsAsync<SdkEntity>(partitionKey, rowKey, null, cancellationToken).ConfigureAwait(false);
            return result.HasValue ? ToStore(result.Value!) : null;
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"reading ({partitionKey}, {rowKey}) from '{table}'"); }
    }

    public Task<string> AddAsync(string table, StoreEntity entity, CancellationToken cancellationToken = default)
        => WriteAsync(table, entity, "inserting", (c, e) => c.AddEntityAsync(e, cancellationToken), cancellationToken);

    public Task<string> UpsertAsync(string table, StoreEntity entity, CancellationToken cancellationToken = default)
        => WriteAsync(table, entity, "upserting", (c, e) => c.UpsertEntityAsync(e, TableUpdateMode.Replace, cancellationToken), cancellationToken);

    public Task<string> UpdateAsync(string table, StoreEntity entity, string ifMatch, CancellationToken cancellationToken = default)
        => WriteAsync(table, entity, "updating", (c, e) => c.UpdateEntityAsync(e, Condition(ifMatch), TableUpdateMode.Replace, cancellationToken), cancellationToken);

    public Task<string> MergeAsync(string table, StoreEntity entity, string ifMatch, CancellationToken cancellationToken = default)
        => WriteAsync(table, entity, "merging", (c, e) => c.UpdateEntityAsync(e, Condition(ifMatch), TableUpdateMode.Merge, cancellationToken), cancellationToken);

    private async Task<string> WriteAsync(string table, StoreEntity entity, string verb, Func<TableClient, SdkEntity, Task<Response>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var sdk = ToSdk(entity);
        try
        {
            var response = await call(Table(table), sdk).ConfigureAwait(false);
            var etag = response.Headers.ETag?.ToString() ?? throw new StorageException($"Table storage answered {verb} in '{table}' without an ETag.");
            entity.ETag = etag;
            return etag;
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"{verb} ({entity.PartitionKey}, {entity.RowKey}) in '{table}'"); }
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var unconditional = ifMatch is null or "*";
        Response response;
        try
        {
            response = await Table(table).DeleteEntityAsync(partitionKey, rowKey, unconditional ? ETag.All : new ETag(ifMatch!), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"deleting ({partitionKey}, {rowKey}) from '{table}'"); }

        // The client answers 404 without throwing, even for a conditional delete or a missing table: the port's
        // contract is that only an unconditional delete of a missing entity is not an error.
        if (response.Status != 404) return;
        var failure = new RequestFailedException(response);
        if (unconditional && failure.ErrorCode != "TableNotFound") return;
        throw Map(failure, $"deleting ({partitionKey}, {rowKey}) from '{table}'");
    }

    public async Task<IReadOnlyList<string?>> SubmitTransactionAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count is 0 or > MaxTransactionOperations)
            throw new ArgumentException("A transaction holds 1 to 100 operations.", nameof(operations));
        var pk = operations[0].Entity.PartitionKey;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>(operations.Count);
        foreach (var op in operations)
        {
            if (!string.Equals(op.Entity.PartitionKey, pk, StringComparison.Ordinal))
                throw new ArgumentException("All operations of a transaction must target one partition.", nameof(operations));
            if (!seen.Add(op.Entity.RowKey))
                throw new ArgumentException("A transaction may touch an entity only once.", nameof(operations));
            var entity = ToSdk(op.Entity);
            actions.Add(op.Kind switch
            {
                TableOperationKind.Add => new TableTransactionAction(TableTransactionActionType.Add, entity),
                TableOperationKind.Upsert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity),
                TableOperationKind.Update => new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, Condition(op.IfMatch)),
                TableOperationKind.Merge => new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, Condition(op.IfMatch)),
                TableOperationKind.Delete => new TableTransactionAction(TableTransactionActionType.Delete, entity, Condition(op.IfMatch)),
                _ => throw new ArgumentOutOfRangeException(nameof(operations), op.Kind, "Unknown operation."),
            });
        }

        try
        {
            var response = await Table(table).SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            var etags = new string?[operations.Count];
            for (var i = 0; i < etags.Length; i++)
            {
                if (operations[i].Kind == TableOperationKind.Delete) continue;
                etags[i] = response.Value[i].Headers.ETag?.ToString();
                operations[i].Entity.ETag = etags[i];
            }
            return etags;
        }
        catch (Azure.Data.Tables.TableTransactionFailedException ex)
        {
            var inner = Map(ex, $"transaction on '{table}'");
            if (ex.FailedTransactionActionIndex is null && inner is StorageUnavailableException) throw inner;
            throw new StoreTransactionFailedException(ex.FailedTransactionActionIndex ?? -1, inner);
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"transaction on '{table}'"); }
    }

    /// <summary>Table storage's limit on one entity group transaction.</summary>
    public const int MaxTransactionOperations = 100;

    public async Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > TableQuery.MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(query), "Page size must be 1 to 1000.");
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {query.PartitionKey}");
        if (query.RowKeyFrom is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey ge {query.RowKeyFrom}");
        if (query.RowKeyTo is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey lt {query.RowKeyTo}");
        var continuation = query.ContinuationToken is null ? null : DecodeToken(query.ContinuationToken);
        try
        {
            // One service page per call: the port pages with its own opaque token (an empty page may still continue).
            var pages = Table(table).QueryAsync<SdkEntity>(filter, query.PageSize, null, cancellationToken).AsPages(continuation, query.PageSize);
            await using var pageEnumerator = pages.GetAsyncEnumerator(cancellationToken);
            if (!await pageEnumerator.MoveNextAsync().ConfigureAwait(false)) return new TablePage([], null);
            var page = pageEnumerator.Current;
            var items = new List<StoreEntity>(page.Values.Count);
            foreach (var e in page.Values) items.Add(ToStore(e));
            return new TablePage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : EncodeToken(page.ContinuationToken));
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"querying partition '{query.PartitionKey}' of '{table}'"); }
    }

    /// <summary>The client's continuation token (next partition and row key) as one URL-safe string: it may end up in API query strings.</summary>
    public static string EncodeToken(string continuation) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(continuation));

    public static string DecodeToken(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (text.Length == 0) throw new FormatException("Empty token.");
            return text;
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("Invalid continuation token.", nameof(token), ex);
        }
    }

    private static ETag Condition(string? ifMatch) => ifMatch is null or "*" ? ETag.All : new ETag(ifMatch);

    private static SdkEntity ToSdk(StoreEntity entity)
    {
        var sdk = new SdkEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            if (value is null) continue; // Table storage has no nulls
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" || name.Contains('@', StringComparison.Ordinal))
                throw new ArgumentException($"'{name}' is a reserved property name.", nameof(entity));
            sdk[name] = value; // string, bool, int, long, double, DateTimeOffset (UTC), Guid, byte[]: the client writes the Edm types
        }
        return sdk;
    }

    private static StoreEntity ToStore(SdkEntity sdk)
    {
        var entity = new StoreEntity(sdk.PartitionKey, sdk.RowKey) { ETag = sdk.ETag.ToString(), Timestamp = sdk.Timestamp };
        foreach (var (name, value) in sdk)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" || value is null) continue;
            entity.Properties[name] = value switch
            {
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                DateTimeOffset dto => dto.ToUniversalTime(),
                BinaryData data => data.ToArray(),
                _ => value,
            };
        }
        return entity;
    }

    /// <summary>Translates a service failure into the port's exceptions.</summary>
    public static StorageException Map(RequestFailedException ex, string context)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var code = ex.ErrorCode;
        var what = $"Table storage failed {context}: {ex.Status} {code}";
        return ex.Status switch
        {
            404 when code == "TableNotFound" => new StorageException($"{what} (the table does not exist).", ex),
            404 => new EntityNotFoundException($"{what} (the entity does not exist).", ex),
            409 when code is null or "EntityAlreadyExists" => new EntityAlreadyExistsException($"{what} (the entity already exists).", ex),
            409 when code is "TableBeingDeleted" => new StorageUnavailableException($"{what} (the table is being deleted).", ex),
            412 => new ConcurrencyConflictException($"{what} (the entity was changed by someone else).", ex),
            0 or 408 or 429 or >= 500 => new StorageUnavailableException($"{what} (transient; retries exhausted).", ex),
            _ => new StorageException($"{what}.", ex),
        };
    }

    /// <summary>
    /// A failure of the service or the network, as opposed to the caller cancelling: an error response, a timeout, or
    /// Azure.Core's <see cref="AggregateException"/> "Retry failed after N tries" (exhausted retries of transport errors/timeouts).
    /// </summary>
    private static bool IsServiceFailure(Exception ex, CancellationToken cancellationToken)
        => ex is RequestFailedException || (!cancellationToken.IsCancellationRequested && ex is OperationCanceledException or AggregateException);

    private static StorageException Translate(Exception ex, string context) => ex switch
    {
        RequestFailedException rfe => Map(rfe, context),
        OperationCanceledException => new StorageUnavailableException($"Table storage did not answer in time {context} (retries exhausted).", ex),
        _ => new StorageUnavailableException($"Table storage could not be reached {context} (retries exhausted): {ex.Message}", ex),
    };
}
