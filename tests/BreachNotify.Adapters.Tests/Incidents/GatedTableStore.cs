using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.Incidents;

/// <summary>
/// Passes everything to a real store, but holds the first write that matches a gate until the test releases it:
/// two writers can then be interleaved in an exact order, without timing.
/// </summary>
public sealed class GatedTableStore(ITableStore inner) : ITableStore
{
    private readonly List<Gate> _gates = [];

    /// <summary>One held write: <see cref="Reached"/> completes when the write arrives, it proceeds after <see cref="Release"/>.</summary>
    public sealed class Gate(Func<string, string, bool> matches)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        internal Func<string, string, bool> Matches { get; } = matches;
        internal bool Used { get; set; }

        public Task Reached => _reached.Task;
        public void Release() => _released.TrySetResult();
        internal Task WaitAsync() { _reached.TrySetResult(); return _released.Task; }
    }

    /// <summary>Holds the next write to <paramref name="table"/> in <paramref name="partitionKey"/> (any partition when null).</summary>
    public Gate HoldNextWrite(string table, string? partitionKey = null)
        => HoldNextWrite((t, pk) => t == table && (partitionKey is null || pk == partitionKey));

    /// <summary>Holds the next write whose table and partition key <paramref name="matches"/> accepts.</summary>
    public Gate HoldNextWrite(Func<string, string, bool> matches)
    {
        var gate = new Gate(matches);
        lock (_gates) _gates.Add(gate);
        return gate;
    }

    private Task PassAsync(string table, string partitionKey)
    {
        Gate? hit;
        lock (_gates)
        {
            hit = _gates.FirstOrDefault(g => !g.Used && g.Matches(table, partitionKey));
            if (hit is not null) hit.Used = true;
        }
        return hit?.WaitAsync() ?? Task.CompletedTask;
    }

    public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableIfNotExistsAsync(table, cancellationToken);

    public Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
        => inner.GetAsync(table, partitionKey, rowKey, cancellationToken);

    public Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(table, query, cancellationToken);

    public async Task<string> AddAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        await PassAsync(table, entity.PartitionKey);
        return await inner.AddAsync(table, entity, cancellationToken);
    }

    public async Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        await PassAsync(table, entity.PartitionKey);
        return await inner.UpsertAsync(table, entity, cancellationToken);
    }

    public async Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
    {
        await PassAsync(table, entity.PartitionKey);
        return await inner.UpdateAsync(table, entity, ifMatch, cancellationToken);
    }

    public async Task<string> MergeAsync(string table, TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
    {
        await PassAsync(table, entity.PartitionKey);
        return await inner.MergeAsync(table, entity, ifMatch, cancellationToken);
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        await PassAsync(table, partitionKey);
        await inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken);
    }

    public async Task<IReadOnlyList<string?>> SubmitTransactionAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        await PassAsync(table, operations[0].Entity.PartitionKey);
        return await inner.SubmitTransactionAsync(table, operations, cancellationToken);
    }
}
