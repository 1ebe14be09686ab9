using System.Globalization;
using BreachNotify.Application.Queue;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.EmbeddedQueue;

/// <summary>The embedded queue's receipt for a received message: which visibility row holds its lease now.</summary>
public sealed record StoreQueueLease(string MessageId, string VisibilityRowKey);

/// <summary>
/// The embedded queue (standalone): durable in the store, so queued work survives a restart. One partition per queue:
/// <c>m|{messageId}</c> holds a message and <c>v|{visibleAtTicks}|{messageId}</c> orders it by the time it is due; every
/// move (receive, renew, retry, complete, dead-letter) is one transaction over both. Sending an id that is still queued is a
/// no-op (duplicate detection like Service Bus). Delivery is at least once with peek-lock semantics: a receiver that dies
/// loses its lease after <see cref="StoreQueueOptions.VisibilityTimeout"/> and the message is delivered again; an abandoned
/// message is due again after an exponential back-off, and dead-lettered after <see cref="StoreQueueOptions.MaxDeliveryCount"/>.
/// </summary>
public sealed class StoreNoticeQueue(ITableStore store, StoreQueueOptions options, TimeProvider time, string queueName = "notices") : INoticeQueue, INoticeQueueReceiver
{
    public const string Table = "QueueMessages";
    public const string DeadState = "dead";
    public const string ReadyState = "ready";
    private const string MessagePrefix = "m|";
    private const string VisiblePrefix = "v|";

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
    }

    /// <summary>Leases up to <paramref name="maxMessages"/> due messages. Each lease bumps the delivery count. Does not wait
    /// (<paramref name="maxWait"/> is ignored): the store answers at once.</summary>
    public async Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        try
        {
            var now = time.GetUtcNow();
            var due = await store.QueryAsync(Table, new TableQuery(queueName, VisiblePrefix, VisibleKey(now, "\uffff"), Math.Min(TableQuery.MaxPageSize, maxMessages * 2)), cancellationToken);
            var received = new List<ReceivedQueueMessage>();
            foreach (var v in due.Items)
            {
                if (received.Count >= maxMessages) break;
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
                    received.Add(new ReceivedQueueMessage(id, m.GetString("Body")!, count, until, new StoreQueueLease(id, next.RowKey)));
                }
                catch (TableTransactionFailedException)
                {
                    // Another receiver took it first.
                }
            }
            return received;
        }
        catch (StorageUnavailableException ex)
        {
            throw new QueueUnavailableException($"Receiving from the embedded queue '{queueName}' failed.", ex);
        }
    }

    /// <summary>Removes a handled message; fails with <see cref="QueueLockLostException"/> when its lease was taken over or it is gone.</summary>
    public async Task CompleteAsync(ReceivedQueueMessage message, CancellationToken cancellationToken = default)
    {
        var lease = Lease(message);
        await SettleAsync(lease, "completing", async () =>
        {
            var m = await Current(lease, cancellationToken);
            await store.SubmitTransactionAsync(Table,
                [TableOperation.Delete(m, m.ETag), TableOperation.Delete(new TableEntity(queueName, lease.VisibilityRowKey))], cancellationToken);
        });
    }

    /// <summary>Makes a failed message due again after a back-off, or dead-letters it after the last delivery.</summary>
    /// <returns>True when the message was dead-lettered.</returns>
    public async Task<bool> AbandonAsync(ReceivedQueueMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var lease = Lease(message);
        var dead = message.DeliveryCount >= options.MaxDeliveryCount;
        await SettleAsync(lease, "abandoning", async () =>
        {
            var m = await Current(lease, cancellationToken);
            var ops = new List<TableOperation> { TableOperation.Delete(new TableEntity(queueName, lease.VisibilityRowKey)) };
            m["LastError"] = reason.Length > 500 ? reason[..500] : reason;
            if (dead)
            {
                m["State"] = DeadState;
                m["DeadLetteredAt"] = time.GetUtcNow();
            }
            else
            {
                var delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryDelay.Ticks * (1L << Math.Min(20, message.DeliveryCount - 1))));
                var at = time.GetUtcNow() + delay;
                m["VisibleAt"] = at;
                ops.Add(TableOperation.Add(new TableEntity(queueName, VisibleKey(at, lease.MessageId)) { ["MessageId"] = lease.MessageId }));
            }
            ops.Add(TableOperation.Update(m, m.ETag!));
            await store.SubmitTransactionAsync(Table, ops, cancellationToken);
        });
        return dead;
    }

    /// <summary>Extends the lease by <see cref="StoreQueueOptions.VisibilityTimeout"/> from now.</summary>
    public async Task<DateTimeOffset> RenewLockAsync(ReceivedQueueMessage message, CancellationToken cancellationToken = default)
    {
        var lease = Lease(message);
        var until = time.GetUtcNow() + options.VisibilityTimeout;
        var next = new TableEntity(queueName, VisibleKey(until, lease.MessageId)) { ["MessageId"] = lease.MessageId };
        await SettleAsync(lease, "renewing", async () =>
        {
            var m = await Current(lease, cancellationToken);
            m["VisibleAt"] = until;
            await store.SubmitTransactionAsync(Table,
                [TableOperation.Delete(new TableEntity(queueName, lease.VisibilityRowKey)), TableOperation.Update(m, m.ETag!), TableOperation.Add(next)], cancellationToken);
        });
        message.Receipt = lease with { VisibilityRowKey = next.RowKey };
        message.LockedUntil = until;
        return until;
    }

    /// <summary>The message row, if this lease still holds it.</summary>
    private async Task<TableEntity> Current(StoreQueueLease lease, CancellationToken cancellationToken)
    {
        var m = await store.GetAsync(Table, queueName, MessagePrefix + lease.MessageId, cancellationToken);
        if (m is null || m.GetString("State") != ReadyState || m.GetDateTimeOffset("VisibleAt") is not { } at || VisibleKey(at, lease.MessageId) != lease.VisibilityRowKey)
            throw new QueueLockLostException($"Message {lease.MessageId} is no longer leased by this receiver.");
        return m;
    }

    private async Task SettleAsync(StoreQueueLease lease, string verb, Func<Task> settle)
    {
        try
        {
            await settle();
        }
        catch (TableTransactionFailedException ex) when (ex.InnerException is not StorageUnavailableException)
        {
            // The lease row or the message changed meanwhile: another receiver owns it, or it is gone.
            throw new QueueLockLostException($"Message {lease.MessageId} was re-leased or removed before {verb} it.", ex);
        }
        catch (StorageUnavailableException ex)
        {
            throw new QueueUnavailableException($"{char.ToUpperInvariant(verb[0])}{verb[1..]} message {lease.MessageId} failed.", ex);
        }
    }

    private static StoreQueueLease Lease(ReceivedQueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Receipt as StoreQueueLease ?? throw new ArgumentException("The message was not received from the embedded queue.", nameof(message));
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
