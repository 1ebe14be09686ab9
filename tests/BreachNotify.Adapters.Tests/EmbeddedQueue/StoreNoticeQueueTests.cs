using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Queue;

namespace BreachNotify.Adapters.Tests.EmbeddedQueue;

public sealed class StoreNoticeQueueTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bn-queue-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly StoreQueueOptions _options = new() { VisibilityTimeout = TimeSpan.FromMinutes(5), MaxDeliveryCount = 3, RetryDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromSeconds(30) };
    private readonly List<SqliteTableStore> _stores = [];

    private async Task<StoreNoticeQueue> Open()
    {
        var store = new SqliteTableStore(Path.Combine(_dir, "q.db"), _clock);
        _stores.Add(store);
        var queue = new StoreNoticeQueue(store, _options, _clock);
        await queue.InitializeAsync();
        return queue;
    }

    public void Dispose()
    {
        foreach (var s in _stores) s.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_received_message_is_hidden_until_its_lease_runs_out_then_delivered_again()
    {
        var q = await Open();
        await q.EnqueueAsync([new QueueMessage("job-1", "{\"jobId\":\"job-1\"}")]);

        var first = Assert.Single(await q.ReceiveAsync(10, TimeSpan.Zero));
        Assert.Equal(("job-1", "{\"jobId\":\"job-1\"}", 1), (first.MessageId, first.Body, first.DeliveryCount));
        Assert.Empty(await q.ReceiveAsync(10, TimeSpan.Zero));
        _clock.Advance(TimeSpan.FromMinutes(5).Subtract(TimeSpan.FromTicks(1)));
        Assert.Empty(await q.ReceiveAsync(10, TimeSpan.Zero));
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(2, Assert.Single(await q.ReceiveAsync(10, TimeSpan.Zero)).DeliveryCount);
    }

    [Fact]
    public async Task The_same_message_id_while_queued_is_a_duplicate()
    {
        var q = await Open();
        await q.EnqueueAsync([new QueueMessage("job-1", "a"), new QueueMessage("job-2", "b")]);
        await q.EnqueueAsync([new QueueMessage("job-1", "a")]);
        Assert.Equal((2, 0), await q.CountAsync());
    }

    [Fact]
    public async Task Completed_messages_are_gone()
    {
        var q = await Open();
        await q.EnqueueAsync([new QueueMessage("job-1", "a")]);
        await q.CompleteAsync(Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero)));
        Assert.Equal((0, 0), await q.CountAsync());
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await q.ReceiveAsync(10, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_failed_message_backs_off_exponentially_and_is_dead_lettered_after_the_last_delivery()
    {
        var q = await Open();
        await q.EnqueueAsync([new QueueMessage("job-1", "a")]);

        Assert.False(await q.AbandonAsync(Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero)), "503"));   // delivery 1 → due in 5 s
        _clock.Advance(TimeSpan.FromSeconds(5).Subtract(TimeSpan.FromTicks(1)));
        Assert.Empty(await q.ReceiveAsync(1, TimeSpan.Zero));
        _clock.Advance(TimeSpan.FromTicks(1));
        var second = Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero));
        Assert.Equal(2, second.DeliveryCount);
        Assert.False(await q.AbandonAsync(second, "503"));                                    // delivery 2 → due in 10 s
        _clock.Advance(TimeSpan.FromSeconds(10).Subtract(TimeSpan.FromTicks(1)));
        Assert.Empty(await q.ReceiveAsync(1, TimeSpan.Zero));
        _clock.Advance(TimeSpan.FromTicks(1));
        var third = Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero));
        Assert.True(await q.AbandonAsync(third, "503"));                                      // MaxDeliveryCount 3: dead
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await q.ReceiveAsync(1, TimeSpan.Zero));
        Assert.Equal((0, 1), await q.CountAsync());
        // A dead-lettered id stays taken: the sweep re-enqueues under a new id.
        await q.EnqueueAsync([new QueueMessage("job-1", "a")]);
        Assert.Equal((0, 1), await q.CountAsync());
    }

    [Fact]
    public async Task Queued_work_survives_a_restart()
    {
        var before = await Open();
        await before.EnqueueAsync([new QueueMessage("job-1", "a"), new QueueMessage("job-2", "b")]);
        _ = Assert.Single(await before.ReceiveAsync(1, TimeSpan.Zero)); // leased by a process that then dies

        var after = await Open();
        var job2 = Assert.Single(await after.ReceiveAsync(10, TimeSpan.Zero));
        Assert.Equal("job-2", job2.MessageId);
        await after.CompleteAsync(job2);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("job-1", Assert.Single(await after.ReceiveAsync(10, TimeSpan.Zero)).MessageId);
    }

    [Fact]
    public async Task A_scheduled_message_is_due_at_its_time()
    {
        var q = await Open();
        await q.EnqueueAsync([new QueueMessage("job-1", "a", _clock.GetUtcNow().AddMinutes(2))]);
        Assert.Empty(await q.ReceiveAsync(1, TimeSpan.Zero));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero));
    }

    [Fact]
    public async Task Two_receivers_never_lease_the_same_message()
    {
        var a = await Open();
        var b = await Open();
        await a.EnqueueAsync(Enumerable.Range(0, 20).Select(i => new QueueMessage("job-" + i, "x")).ToList());
        var leases = await Task.WhenAll(a.ReceiveAsync(20, TimeSpan.Zero), b.ReceiveAsync(20, TimeSpan.Zero));
        var ids = leases.SelectMany(l => l).Select(l => l.MessageId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(20, ids.Count + (await a.ReceiveAsync(20, TimeSpan.Zero)).Count);
    }

    [Fact]
    public async Task Renewing_moves_the_lease_and_keeps_other_receivers_out()
    {
        var q = await Open();
        await q.EnqueueAsync([new QueueMessage("job-1", "a")]);
        var message = Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero));
        Assert.Equal(_clock.GetUtcNow().AddMinutes(5), message.LockedUntil);

        _clock.Advance(TimeSpan.FromMinutes(4));
        var until = await q.RenewLockAsync(message);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(5), until);
        Assert.Equal(until, message.LockedUntil);

        _clock.Advance(TimeSpan.FromMinutes(2)); // past the first lease, inside the renewed one
        Assert.Empty(await q.ReceiveAsync(1, TimeSpan.Zero));
        await q.CompleteAsync(message);
        Assert.Equal((0, 0), await q.CountAsync());
    }

    [Fact]
    public async Task A_lease_taken_over_after_it_ran_out_cannot_be_settled_or_renewed_by_its_first_receiver()
    {
        var q = await Open();
        await q.EnqueueAsync([new QueueMessage("job-1", "a")]);
        var stale = Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero));
        _clock.Advance(TimeSpan.FromMinutes(5));
        var current = Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero));

        await Assert.ThrowsAsync<QueueLockLostException>(() => q.CompleteAsync(stale));
        await Assert.ThrowsAsync<QueueLockLostException>(() => q.AbandonAsync(stale, "late"));
        await Assert.ThrowsAsync<QueueLockLostException>(() => q.RenewLockAsync(stale));
        Assert.Equal((1, 0), await q.CountAsync()); // the current receiver still owns it
        await q.CompleteAsync(current);
        Assert.Equal((0, 0), await q.CountAsync());
    }
}
