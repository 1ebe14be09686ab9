using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Identity;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// <see cref="ITableStore"/> on Azure Table storage (or Azurite) through <see cref="TableServiceClient"/>.
/// Errors are translated: 404 → <see cref="EntityNotFoundException"/> (null for Get), 409 EntityAlreadyExists →
/// <see cref="EntityAlreadyExistsException"/>, 412 → <see cref="ConcurrencyConflictException"/>, 408/429/5xx/transport
/// failures/timeouts (after the pipeline's retries) → <see cref="StorageUnavailableException"/>, a failed batch →
/// <see cref="TableTransactionFailedException"/> with the operation index and the mapped inner exception.
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
    /// Builds the store from configuration: <see cref="AzureTableStoreOptions.Endpoint"/> + Entra ID (the given
    /// <paramref name="credential"/>, else a user-assigned <see cref="ManagedIdentityCredential"/> when
    /// <see cref="AzureTableStoreOptions.ManagedIdentityClientId"/> is set, else <see cref="DefaultAzureCredential"/>),
    /// or <see cref="AzureTableStoreOptions.ConnectionString"/> + SharedKeyLite.
    /// <paramref name="clientOptions"/> lets tests swap the transport; retries/timeouts from <paramref name="options"/> are applied to it.
    /// </summary>
    public static AzureTableStore Create(AzureTableStoreOptions options, TimeProvider? timeProvider = null, TokenCredential? credential = null, TableClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        clientOptions ??= new TableClientOptions();
        clientOptions.TimeProvider = timeProvider ?? TimeProvider.System;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;

        TableServiceClient service;
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            var endpoint = new Uri(options.Endpoint, UriKind.Absolute);
            credential ??= string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
            service = new TableServiceClient(endpoint, credential, clientOptions);
        }
        else if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            service = new TableServiceClient(options.ConnectionString, clientOptions);
        }
        else
        {
            throw new InvalidOperationException($"Set {AzureTableStoreOptions.SectionName}:Endpoint (Entra ID) or {AzureTableStoreOptions.SectionName}:ConnectionString.");
        }
        return new AzureTableStore(service, options.TablePrefix);
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

    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await Table(table).GetEntityIfExistsAsync(partitionKey, rowKey, null, cancellationToken).ConfigureAwait(false);
            return result.HasValue ? result.Value : null;
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"reading ({partitionKey}, {rowKey}) from '{table}'"); }
    }

    public Task<string> AddAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
        => WriteAsync(table, entity, "inserting", c => c.AddEntityAsync(entity, cancellationToken), cancellationToken);

    public Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
        => WriteAsync(table, entity, "upserting", c => c.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken), cancellationToken);

    public Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
        => WriteAsync(table, entity, "updating", c => c.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, cancellationToken), cancellationToken);

    public Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
        => WriteAsync(table, entity, "merging", c => c.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Merge, cancellationToken), cancellationToken);

    private async Task<string> WriteAsync(string table, TableEntity entity, string verb, Func<TableClient, Task<Response<string>>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        try
        {
            var response = await call(Table(table)).ConfigureAwait(false);
            entity.ETag = response.Value;
            return response.Value;
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"{verb} ({entity.PartitionKey}, {entity.RowKey}) in '{table}'"); }
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var unconditional = ifMatch is null or "*";
        try
        {
            await Table(table).DeleteEntityAsync(partitionKey, rowKey, ifMatch ?? "*", cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (unconditional && ex.Status == 404 && ex.ErrorCode != "TableNotFound")
        {
            // Unconditional delete of a missing entity is not an error (port contract).
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"deleting ({partitionKey}, {rowKey}) from '{table}'"); }
    }

    public async Task<IReadOnlyList<string?>> SubmitTransactionAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count is 0 or > TableBatchFormat.MaxOperations)
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
            actions.Add(op.Kind switch
            {
                TableOperationKind.Add => new TableTransactionAction(TableTransactionActionType.Add, op.Entity),
                TableOperationKind.Upsert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, op.Entity),
                TableOperationKind.Update => new TableTransactionAction(TableTransactionActionType.UpdateReplace, op.Entity, op.IfMatch ?? "*"),
                TableOperationKind.Merge => new TableTransactionAction(TableTransactionActionType.UpdateMerge, op.Entity, op.IfMatch ?? "*"),
                TableOperationKind.Delete => new TableTransactionAction(TableTransactionActionType.Delete, op.Entity, op.IfMatch ?? "*"),
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
                etags[i] = response.Value[i].ETag;
                operations[i].Entity.ETag = etags[i];
            }
            return etags;
        }
        catch (TableTransactionFailedRequestException ex)
        {
            var inner = Map(ex, $"transaction on '{table}'");
            if (ex.FailedActionIndex is null && inner is StorageUnavailableException) throw inner;
            throw new TableTransactionFailedException(ex.FailedActionIndex ?? -1, inner);
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"transaction on '{table}'"); }
    }

    public async Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > TableQuery.MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(query), "Page size must be 1 to 1000.");
        var filter = new StringBuilder("PartitionKey eq ").Append(TableClient.Literal(query.PartitionKey));
        if (query.RowKeyFrom is not null) filter.Append(" and RowKey ge ").Append(TableClient.Literal(query.RowKeyFrom));
        if (query.RowKeyTo is not null) filter.Append(" and RowKey lt ").Append(TableClient.Literal(query.RowKeyTo));
        var continuation = query.ContinuationToken is null ? null : DecodeToken(query.ContinuationToken);
        try
        {
            var response = await Table(table).QueryAsync(filter.ToString(), null, query.PageSize, continuation, cancellationToken).ConfigureAwait(false);
            var page = response.Value;
            return new TablePage(page.Entities, page.Continuation is null ? null : EncodeToken(page.Continuation));
        }
        catch (Exception ex) when (IsServiceFailure(ex, cancellationToken)) { throw Translate(ex, $"querying partition '{query.PartitionKey}' of '{table}'"); }
    }

    /// <summary>NextPartitionKey and NextRowKey in one opaque, URL-safe string.</summary>
    public static string EncodeToken(TableContinuation continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(continuation.NextPartitionKey + "\n" + continuation.NextRowKey));
    }

    public static TableContinuation DecodeToken(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var nl = text.IndexOf('\n', StringComparison.Ordinal);
            if (nl <= 0) throw new FormatException("No partition key.");
            var rk = text[(nl + 1)..];
            return new TableContinuation(text[..nl], rk.Length == 0 ? null : rk);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("Invalid continuation token.", nameof(token), ex);
        }
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
