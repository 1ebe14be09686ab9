using System.Globalization;
using BreachNotify.Application.Queue;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.EmbeddedQueue;

/// <summary>Options of the embedded queue (section <c>Queue:Embedded</c>).</summary>
public sealed class StoreQueueOptions
{
    public const string SectionName = "Queue:Embedded";

    /// <summary>A received message is invisible to other receivers this long; then it is delivered again.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this many deliveries a failing message is dead-lettered (Service Bus default: 10).</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>Retry backoff: first delay, doubled per delivery up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages handled at the same time by the standalone worker.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How often an idle worker looks for due messages (an enqueue in this process wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Run the in-process worker (standalone only). Tests turn it off and drain the queue explicitly.</summary>
    public bool RunWorker { get; set; } = true;

    public IEnumerable<string> Validate()
    {
        if (VisibilityTimeout <= TimeSpan.Zero) yield return "Queue:Embedded:VisibilityTimeout must be positive.";
        if (MaxDeliveryCount < 1) yield return "Queue:Embedded:MaxDeliveryCount must be at least 1.";
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay) yield return "Queue:Embedded:RetryDelay must be positive and at most MaxRetryDelay.";
        if (Concurrency is < 1 or > 64) yield return "Queue:Embedded:Concurrency must be 1 to 64.";
        if (PollInterval <= TimeSpan.Zero) yield return "Queue:Embedded:PollInterval must be positive.";
    }
}

/// <summary>A message received from the embedded queue, leased until it is completed or abandoned.</summary>
public sealed record StoreQueueLease(string MessageId, string Body, int DeliveryCount, string VisibilityRowKey);

/// <summary>
/// The embedded queue (standalone): durable in the store, so queued work survives a restart. One partition per queue:
/// <c>m|{messageId}</c> holds a message and <c>v|{visibleAtTicks}|{messageId}</c> orders it by the time it is due; every
/// move (receive, retry, complete, dead-letter) is one transaction over both. Sending an id that is still queued is a
/// no-op (duplicate detection like Service Bus). Delivery is at least once: a receiver that dies loses its lease
/// after <see cref="StoreQueueOptions.VisibilityTimeout"/> and the message is delivered again.
/// </summary>
public sealed class StoreNoticeQueue(ITableStore store, StoreQueueOptions options, TimeProvider time, string queueName = "notices") : INoticeQueue
{
    public const string Table = "QueueMessages";
    public const string DeadState = "dead";
    public const string ReadyState = "ready";
    private const string MessagePrefix = "m|";
    private const string VisiblePrefix = "v|";

    /// <summary>Raised after messages were enqueued in this process (the worker waits on it instead of polling).</summary>
    public event EventHandler? Enqueued;

    public string QueueName => queueName;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableIfNotExistsAsync(Table, cancellationToken);

    public async Task EnqueueAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = time.GetUtcNow();
        foreach (var message in messages)
        {
            var visibleAt = message.ScheduledEnqueueTime is { } at && at > now ? at : now;
            var m = new TableEntity(queueName, MessagePrefix + message.MessageId)
            {
                ["Body"] = message.Body, ["DeliveryCount"] = 0, ["State"] = ReadyState, ["EnqueuedAt"] = now, ["VisibleAt"] = visibleAt,
            };
            var v = new TableEntity(queueName, VisibleKey(visibleAt, message.MessageId)) { ["MessageId"] = message.MessageId };
            try
            {
                await store.SubmitTransactionAsync(Table, [TableOperation.Add(m), TableOperation.Add(v)], cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.InnerException is EntityAlreadyExistsException)
            {
                // Still queued (or dead-lettered) under this id: a duplicate, dropped like Service Bus does.
            }
            catch (StorageUnavailableException ex)
            {
                throw new QueueUnavailableException($"Enqueueing message {message.MessageId} failed.", ex);
            }
        }
        Enqueued?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Leases up to <paramref name="max"/> due messages. Each lease bumps the delivery count.</summary>
    public async Task<IReadOnlyList<StoreQueueLease>> ReceiveAsync(int max, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var due = await store.QueryAsync(Table, new TableQuery(queueName, VisiblePrefix, VisibleKey(now, "\uffff"), Math.Min(TableQuery.MaxPageSize, max * 2)), cancellationToken);
        var leases = new List<StoreQueueLease>();
        foreach (var v in due.Items)
        {
            if (leases.Count >= max) break;
            var id = v.GetString("MessageId")!;
            var m = await store.GetAsync(Table, queueName, MessagePrefix + id, cancellationToken);
            if (m is null || m.GetString("State") != ReadyState || m.GetDateTimeOffset("VisibleAt") is not { } at || VisibleKey(at, id) != v.RowKey)
            {
                // A pointer left behind by a completed or re-leased message.
                try { await store.DeleteAsync(Table, queueName, v.RowKey, v.ETag, cancellationToken); }
                catch (StorageException) { /* someone else cleaned it up */ }
                continue;
            }
            var until = now + options.VisibilityTimeout;
            var count = (m.GetInt32("DeliveryCount") ?? 0) + 1;
            m["DeliveryCount"] = count;
            m["VisibleAt"] = until;
            var next = new TableEntity(queueName, VisibleKey(until, id)) { ["MessageId"] = id };
            try
            {
                await store.SubmitTransactionAsync(Table, [TableOperation.Delete(v, v.ETag), TableOperation.Update(m, m.ETag!), TableOperation.Add(next)], cancellationToken);
                leases.Add(new StoreQueueLease(id, m.GetString("Body")!, count, next.RowKey));
            }
            catch (TableTransactionFailedException)
            {
                // Another receiver took it first.
            }
        }
        return leases;
    }

    /// <summary>Removes a handled message.</summary>
    public Task CompleteAsync(StoreQueueLease lease, CancellationToken cancellationToken = default)
        => store.SubmitTransactionAsync(Table, [TableOperation.Delete(new TableEntity(queueName, MessagePrefix + lease.MessageId)), TableOperation.Delete(new TableEntity(queueName, lease.VisibilityRowKey))], cancellationToken);

    /// <summary>Makes a failed message due again after a backoff, or dead-letters it after the last delivery.</summary>
    /// <returns>True when the message was dead-lettered.</returns>
    public async Task<bool> AbandonAsync(StoreQueueLease lease, string reason, CancellationToken cancellationToken = default)
    {
        var m = await store.GetAsync(Table, queueName, MessagePrefix + lease.MessageId, cancellationToken);
        if (m is null) return false;
        var ops = new List<TableOperation> { TableOperation.Delete(new TableEntity(queueName, lease.VisibilityRowKey)) };
        m["LastError"] = reason.Length > 500 ? reason[..500] : reason;
        var dead = lease.DeliveryCount >= options.MaxDeliveryCount;
        if (dead)
        {
            m["State"] = DeadState;
            m["DeadLetteredAt"] = time.GetUtcNow();
        }
        else
        {
            var delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryDelay.Ticks * (1L << Math.Min(20, lease.DeliveryCount - 1))));
            var at = time.GetUtcNow() + delay;
            m["VisibleAt"] = at;
            ops.Add(TableOperation.Add(new TableEntity(queueName, VisibleKey(at, lease.MessageId)) { ["MessageId"] = lease.MessageId }));
        }
        ops.Add(TableOperation.Update(m, m.ETag!));
        try { await store.SubmitTransactionAsync(Table, ops, cancellationToken); }
        catch (TableTransactionFailedException) { return false; } // re-leased meanwhile: the other receiver owns it
        return dead;
    }

    /// <summary>Messages by state, for status and tests: ready (incl. leased) and dead-lettered.</summary>
    public async Task<(int Ready, int Dead)> CountAsync(CancellationToken cancellationToken = default)
    {
        int ready = 0, dead = 0;
        await foreach (var m in store.QueryAllAsync(Table, TableQuery.WithPrefix(queueName, MessagePrefix), cancellationToken))
        {
            if (m.GetString("State") == DeadState) dead++; else ready++;
        }
        return (ready, dead);
    }

    private static string VisibleKey(DateTimeOffset at, string messageId)
        => VisiblePrefix + at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + messageId;
}
