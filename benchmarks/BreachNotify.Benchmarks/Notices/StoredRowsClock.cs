using System.Diagnostics;
using BreachNotify.Application.Storage;

namespace BreachNotify.Benchmarks.Notices;

/// <summary>
/// The store, timing how fast recipient rows are stored as the table grows: when each tenth of the expected rows was
/// committed. Forwards every call (including the bulk <see cref="SubmitTransactionsAsync"/> and <see cref="GetManyAsync"/>, so the store's own versions run).
/// </summary>
internal sealed class StoredRowsClock(ITableStore inner, string table, long expected) : ITableStore
{
    private readonly Stopwatch _clock = new();
    private readonly TimeSpan?[] _tenths = new TimeSpan?[11];
    private long _stored;

    /// <summary>Starts the clock (when the import starts).</summary>
    public void Start() => _clock.Restart();

    /// <summary>Rows per second over the first and the last tenth of the rows stored.</summary>
    public (double First, double Last) Rates()
    {
        var tenth = expected / 10.0;
        return (tenth / _tenths[1]!.Value.TotalSeconds, tenth / (_tenths[10]!.Value - _tenths[9]!.Value).TotalSeconds);
    }

    private void Stored(IReadOnlyList<TableOperation> ops)
    {
        var rows = ops.Count(o => o.Kind == TableOperationKind.Add && !o.Entity.RowKey.StartsWith('~'));
        var before = Interlocked.Add(ref _stored, rows) - rows;
        for (var t = 1; t <= 10; t++)
            if (before < expected * t / 10 && before + rows >= expected * t / 10) _tenths[t] = _clock.Elapsed;
    }

    public async Task<IReadOnlyList<string?>> SubmitTransactionAsync(string t, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        var etags = await inner.SubmitTransactionAsync(t, operations, cancellationToken);
        if (t == table) Stored(operations);
        return etags;
    }

    public async Task<IReadOnlyList<TransactionResult>> SubmitTransactionsAsync(string t, IReadOnlyList<IReadOnlyList<TableOperation>> transactions, CancellationToken cancellationToken = default)
    {
        var results = await inner.SubmitTransactionsAsync(t, transactions, cancellationToken);
        if (t == table) Stored(transactions.Where((_, i) => results[i].Succeeded).SelectMany(x => x).ToList());
        return results;
    }

    public Task CreateTableIfNotExistsAsync(string t, CancellationToken cancellationToken = default) => inner.CreateTableIfNotExistsAsync(t, cancellationToken);
    public Task<TableEntity?> GetAsync(string t, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetAsync(t, partitionKey, rowKey, cancellationToken);
    public Task<string> AddAsync(string t, TableEntity entity, CancellationToken cancellationToken = default) => inner.AddAsync(t, entity, cancellationToken);
    public Task<string> UpsertAsync(string t, TableEntity entity, CancellationToken cancellationToken = default) => inner.UpsertAsync(t, entity, cancellationToken);
    public Task<string> UpdateAsync(string t, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) => inner.UpdateAsync(t, entity, ifMatch, cancellationToken);
    public Task<string> MergeAsync(string t, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) => inner.MergeAsync(t, entity, ifMatch, cancellationToken);
    public Task DeleteAsync(string t, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(t, partitionKey, rowKey, ifMatch, cancellationToken);
    public Task<TablePage> QueryAsync(string t, TableQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(t, query, cancellationToken);
    public Task<IReadOnlyList<TableEntity>> GetManyAsync(string t, string partitionKey, IReadOnlyCollection<string> rowKeys, int parallelism, CancellationToken cancellationToken = default)
        => inner.GetManyAsync(t, partitionKey, rowKeys, parallelism, cancellationToken);
}
