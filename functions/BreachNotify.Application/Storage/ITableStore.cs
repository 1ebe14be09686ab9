namespace BreachNotify.Application.Storage;

/// <summary>
/// The storage port. Its semantics are Azure Table storage's so that the embedded SQLite store and
/// the Table storage adapter are interchangeable: point reads and writes by partition and row key,
/// ETag optimistic concurrency, atomic transactions of up to 100 operations within one partition,
/// and range queries within one partition, paged with an opaque continuation token.
/// The behaviour is pinned down by the contract test suite (tests: TableStoreContract).
/// </summary>
public interface ITableStore
{
    /// <summary>Creates the table if it does not exist. Table names: letters and digits, 3–63, starting with a letter.</summary>
    Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>Returns the entity or null when there is none.</summary>
    Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>Inserts; throws <see cref="EntityAlreadyExistsException"/> when the key is taken. Returns the new ETag.</summary>
    Task<string> AddAsync(string table, TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces unconditionally. Returns the new ETag.</summary>
    Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an existing entity when its ETag equals <paramref name="ifMatch"/> ("*" matches any).
    /// Throws <see cref="EntityNotFoundException"/> or <see cref="ConcurrencyConflictException"/>.
    /// </summary>
    Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Merges the given properties into an existing entity (others are kept) when its ETag matches
    /// <paramref name="ifMatch"/> ("*" matches any). Throws like <see cref="UpdateAsync"/>.
    /// </summary>
    Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes. With <paramref name="ifMatch"/> null or "*" it is unconditional and a missing entity is not an error;
    /// with an ETag a mismatch throws <see cref="ConcurrencyConflictException"/> and a missing entity <see cref="EntityNotFoundException"/>.
    /// </summary>
    Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs 1–100 operations on one partition atomically: all succeed or nothing changes.
    /// Returns the new ETag of each operation in order (null for deletes).
    /// Throws <see cref="TableTransactionFailedException"/> naming the failing operation.
    /// </summary>
    Task<IReadOnlyList<string?>> SubmitTransactionAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Entities of one partition in row key order (ordinal), optionally within a row key range, one page at a time.</summary>
    Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The entities of one partition that have the given row keys, in no particular order; a key with no entity is left
    /// out. This default suits Table storage, where a request per key is the expensive part: one query over the row key
    /// range from the smallest to the largest key keeps the wanted rows (keys that cluster in key order sit in a narrow
    /// range); when the range turns out to hold far more rows than asked for, it stops after a bounded number and reads
    /// the keys still missing one by one, <paramref name="parallelism"/> at a time. A store that looks keys up cheaply
    /// reads just those (SQLite: one statement, no row outside the list decoded).
    /// </summary>
    async Task<IReadOnlyList<TableEntity>> GetManyAsync(string table, string partitionKey, IReadOnlyCollection<string> rowKeys, int parallelism, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rowKeys);
        if (rowKeys.Count == 0) return [];
        var missing = new HashSet<string>(rowKeys, StringComparer.Ordinal);
        string min = null!, max = null!;
        foreach (var key in missing)
        {
            if (min is null || string.CompareOrdinal(key, min) < 0) min = key;
            if (max is null || string.CompareOrdinal(key, max) > 0) max = key;
        }
        var found = new List<TableEntity>(missing.Count);
        var budget = (4L * missing.Count) + 1000;
        long read = 0;
        // To (exclusive): max + " ", the first valid key after max (keys hold no control characters, the only ones below ' ').
        await foreach (var e in this.QueryAllAsync(table, new TableQuery(partitionKey, min, max + " "), cancellationToken).ConfigureAwait(false))
        {
            if (missing.Remove(e.RowKey)) found.Add(e);
            if (missing.Count == 0 || ++read > budget) break;
        }
        if (missing.Count == 0) return found;
        var more = new System.Collections.Concurrent.ConcurrentBag<TableEntity>();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            if (await GetAsync(table, partitionKey, key, ct).ConfigureAwait(false) is { } e) more.Add(e);
        }).ConfigureAwait(false);
        found.AddRange(more);
        return found;
    }

    /// <summary>
    /// Runs several transactions, each as <see cref="SubmitTransactionAsync"/> would (1–100 operations on one partition,
    /// all or nothing) and each independent of the others: one that fails changes nothing, the others still apply.
    /// Transactions on the same partition are applied in the order given. A store may commit them together (SQLite: one
    /// commit for the lot, so bulk work pays for one commit instead of many) or run them side by side (Table storage:
    /// partitions in parallel, which is this default). Returns each transaction's outcome, in order.
    /// </summary>
    async Task<IReadOnlyList<TransactionResult>> SubmitTransactionsAsync(string table, IReadOnlyList<IReadOnlyList<TableOperation>> transactions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var results = new TransactionResult[transactions.Count];
        var byPartition = Enumerable.Range(0, transactions.Count)
            .GroupBy(i => transactions[i].Count > 0 ? transactions[i][0].Entity.PartitionKey : "", StringComparer.Ordinal);
        await Task.WhenAll(byPartition.Select(async partition =>
        {
            foreach (var i in partition)
            {
                try { results[i] = new TransactionResult(await SubmitTransactionAsync(table, transactions[i], cancellationToken).ConfigureAwait(false), null); }
                catch (TableTransactionFailedException ex) { results[i] = new TransactionResult(null, ex); }
            }
        })).ConfigureAwait(false);
        return results;
    }
}

/// <summary>The outcome of one transaction of <see cref="ITableStore.SubmitTransactionsAsync"/>: its ETags, or why it changed nothing.</summary>
public sealed record TransactionResult(IReadOnlyList<string?>? ETags, TableTransactionFailedException? Failure)
{
    public bool Succeeded => Failure is null;
}

public enum TableOperationKind
{
    Add,
    Upsert,
    Update,
    Merge,
    Delete,
}

/// <summary>One operation of a transaction. <see cref="IfMatch"/> is used by Update, Merge and Delete ("*" or null = unconditional).</summary>
public sealed record TableOperation(TableOperationKind Kind, TableEntity Entity, string? IfMatch = null)
{
    public static TableOperation Add(TableEntity e) => new(TableOperationKind.Add, e);
    public static TableOperation Upsert(TableEntity e) => new(TableOperationKind.Upsert, e);
    public static TableOperation Update(TableEntity e, string ifMatch) => new(TableOperationKind.Update, e, ifMatch);
    public static TableOperation Merge(TableEntity e, string ifMatch) => new(TableOperationKind.Merge, e, ifMatch);
    public static TableOperation Delete(TableEntity e, string? ifMatch = null) => new(TableOperationKind.Delete, e, ifMatch);
}

/// <summary>
/// A query within one partition. <see cref="RowKeyFrom"/> is inclusive, <see cref="RowKeyTo"/> exclusive
/// (so a prefix query is From = prefix, To = prefix + '\uffff'... use <see cref="WithPrefix"/>).
/// <see cref="PageSize"/> is at most 1000, as in Table storage. <see cref="Select"/> names the properties the caller
/// needs (Table storage's <c>$select</c>); null means all. A store may return more than selected, never fewer.
/// </summary>
public sealed record TableQuery(
    string PartitionKey,
    string? RowKeyFrom = null,
    string? RowKeyTo = null,
    int PageSize = 1000,
    string? ContinuationToken = null,
    IReadOnlySet<string>? Select = null)
{
    public const int MaxPageSize = 1000;

    public static TableQuery WithPrefix(string partitionKey, string rowKeyPrefix, int pageSize = MaxPageSize, string? continuationToken = null)
        => new(partitionKey, rowKeyPrefix, rowKeyPrefix + '\uffff', pageSize, continuationToken);
}

/// <summary>A page of results; a null <see cref="ContinuationToken"/> means there is nothing more. A page may be empty yet have a token.</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Items, string? ContinuationToken);

public static class TableStoreExtensions
{
    /// <summary>Reads every page of a query.</summary>
    public static async IAsyncEnumerable<TableEntity> QueryAllAsync(
        this ITableStore store, string table, TableQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = query.ContinuationToken;
        do
        {
            var page = await store.QueryAsync(table, query with { ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            foreach (var e in page.Items) yield return e;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
