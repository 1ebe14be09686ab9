using Azure.Messaging.ServiceBus;
using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Adapters.ServiceBus;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Queue;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace BreachNotify.Adapters.Tests.Drain;

/// <summary>A handler scripted per message id; records what it saw and how many ran at once.</summary>
internal sealed class ScriptedHandler(Func<string, int, Task<QueueMessageDisposition>>? script = null) : IQueuedNoticeHandler
{
    private int _running;
    public List<(string Id, int Delivery)> Seen { get; } = [];
    public int MaxRunning { get; private set; }

    public async Task<QueueMessageDisposition> HandleAsync(string messageId, string body, int deliveryCount, CancellationToken cancellationToken = default)
    {
        lock (Seen) { Seen.Add((messageId, deliveryCount)); MaxRunning = Math.Max(MaxRunning, ++_running); }
        try
        {
            return script is null ? QueueMessageDisposition.Done("sent") : await script(messageId, deliveryCount);
        }
        finally
        {
            lock (Seen) _running--;
        }
    }
}

/// <summary>The drain against the embedded queue for real (SQLite).</summary>
public sealed class NoticeQueueDrainEmbeddedTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bn-drain-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 5, 9, 30, 0, TimeSpan.Zero));
    private readonly SqliteTableStore _store;
    private readonly StoreNoticeQueue _queue;

    public NoticeQueueDrainEmbeddedTests()
    {
        _store = new SqliteTableStore(Path.Combine(_dir, "q.db"), _clock);
        _queue = new StoreNoticeQueue(_store, new StoreQueueOptions { MaxDeliveryCount = 2, RetryDelay = TimeSpan.FromSeconds(5), VisibilityTimeout = TimeSpan.FromMinutes(2) }, _clock);
        _queue.InitializeAsync().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private NoticeQueueDrain Drain(IQueuedNoticeHandler handler, Action<NoticeQueueDrainOptions>? change = null)
    {
        var options = new NoticeQueueDrainOptions { Concurrency = 4, BatchSize = 4 };
        change?.Invoke(options);
        return new NoticeQueueDrain(_queue, handler, Options.Create(options), _clock, BreachNotify.Application.Telemetry.BreachNotifyTelemetry.Detached(), NullLogger<NoticeQueueDrain>.Instance);
    }

    private Task Enqueue(int count) => _queue.EnqueueAsync(Enumerable.Range(1, count).Select(i => new QueueMessage($"job-{i}", $$"""{"jobId":"job-{{i}}"}""")).ToList());

    [Fact]
    public async Task Drains_everything_with_bounded_concurrency_and_stops_when_empty()
    {
        await Enqueue(25);
        var handler = new ScriptedHandler(async (_, _) => { await Task.Yield(); return QueueMessageDisposition.Done("sent"); });

        var result = await Drain(handler).RunAsync();

        Assert.Equal((25, 25, 0, DrainStop.Empty), (result.Received, result.Completed, result.Abandoned, result.Stop));
        Assert.Equal(25, handler.Seen.Select(s => s.Id).Distinct().Count());
        Assert.InRange(handler.MaxRunning, 1, 4);
        Assert.Equal((0, 0), await _queue.CountAsync());
    }

    [Fact]
    public async Task A_permanent_failure_recorded_on_the_job_completes_the_message()
    {
        await Enqueue(1);
        var result = await Drain(new ScriptedHandler((_, _) => Task.FromResult(QueueMessageDisposition.Done("Job job-1: SendGrid refused it (400); recorded.")))).RunAsync();

        Assert.Equal(1, result.Completed);
        Assert.Equal((0, 0), await _queue.CountAsync());
    }

    [Fact]
    public async Task A_transient_failure_abandons_stops_the_run_and_is_dead_lettered_after_the_last_delivery()
    {
        await Enqueue(3);
        var handler = new ScriptedHandler((id, _) => Task.FromResult(id == "job-1" ? QueueMessageDisposition.RetryLater("SendGrid 503") : QueueMessageDisposition.Done("sent")));
        var drain = Drain(handler, o => { o.Concurrency = 1; o.BatchSize = 1; });

        var first = await drain.RunAsync();
        Assert.Equal((1, 0, 1, 0, DrainStop.TransientFailure), (first.Received, first.Completed, first.Abandoned, first.DeadLettered, first.Stop));
        Assert.Equal((3, 0), await _queue.CountAsync()); // nothing lost; the rest waits for the next run

        var second = await drain.RunAsync(); // job-1 backs off 5 s: the others go now
        Assert.Equal((2, DrainStop.Empty), (second.Completed, second.Stop));

        _clock.Advance(TimeSpan.FromSeconds(5));
        var third = await drain.RunAsync();
        Assert.Equal((1, 1, DrainStop.TransientFailure), (third.Abandoned, third.DeadLettered, third.Stop));
        Assert.Equal([("job-1", 1), ("job-1", 2)], handler.Seen.Where(s => s.Id == "job-1"));
        Assert.Equal((0, 1), await _queue.CountAsync());
    }

    [Fact]
    public async Task The_time_budget_stops_taking_messages_and_leaves_the_rest_queued()
    {
        await Enqueue(10);
        var handler = new ScriptedHandler((_, _) => { _clock.Advance(TimeSpan.FromMinutes(1)); return Task.FromResult(QueueMessageDisposition.Done("sent")); });

        var result = await Drain(handler, o => { o.Concurrency = 1; o.BatchSize = 1; o.TimeBudget = TimeSpan.FromMinutes(3); }).RunAsync();

        Assert.Equal((3, DrainStop.TimeBudget), (result.Completed, result.Stop));
        Assert.Equal(TimeSpan.FromMinutes(3), result.Elapsed);
        Assert.Equal((7, 0), await _queue.CountAsync());
    }

    [Fact]
    public async Task A_long_job_keeps_its_lease_renewed_so_no_other_receiver_gets_it()
    {
        await Enqueue(1);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var renewed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new ObservedReceiver(_queue, () => renewed.TrySetResult());
        var handler = new ScriptedHandler(async (_, _) => { entered.SetResult(); await release.Task; return QueueMessageDisposition.Done("sent"); });
        var drain = new NoticeQueueDrain(observed, handler, Options.Create(new NoticeQueueDrainOptions { LockRenewalMargin = TimeSpan.FromSeconds(30) }), _clock, BreachNotify.Application.Telemetry.BreachNotifyTelemetry.Detached(), NullLogger<NoticeQueueDrain>.Instance);

        var run = drain.RunAsync();
        await entered.Task;
        _clock.Advance(TimeSpan.FromSeconds(60)); // lease of 2 min: renewed at half its remaining time
        await renewed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(70)); // past the first lease, inside the renewed one
        Assert.Empty(await _queue.ReceiveAsync(1, TimeSpan.Zero));
        release.SetResult();
        var result = await run;

        Assert.True(result.LockRenewals >= 1);
        Assert.Equal((1, 0), (result.Completed, result.LocksLost));
        Assert.Equal((0, 0), await _queue.CountAsync());
    }

    private sealed class ObservedReceiver(INoticeQueueReceiver inner, Action renewed) : INoticeQueueReceiver
    {
        public Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken = default) => inner.ReceiveAsync(maxMessages, maxWait, cancellationToken);
        public Task CompleteAsync(ReceivedQueueMessage message, CancellationToken cancellationToken = default) => inner.CompleteAsync(message, cancellationToken);
        public Task<bool> AbandonAsync(ReceivedQueueMessage message, string reason, CancellationToken cancellationToken = default) => inner.AbandonAsync(message, reason, cancellationToken);

        public async Task<DateTimeOffset> RenewLockAsync(ReceivedQueueMessage message, CancellationToken cancellationToken = default)
        {
            var until = await inner.RenewLockAsync(message, cancellationToken);
            renewed();
            return until;
        }
    }
}

/// <summary>The drain over the Service Bus receiver adapter on a substituted <see cref="ServiceBusReceiver"/>.</summary>
public sealed class NoticeQueueDrainServiceBusTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 5, 9, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly ServiceBusReceiver _sb = Substitute.For<ServiceBusReceiver>();

    private static ServiceBusReceivedMessage Message(string id, int deliveryCount = 1, TimeSpan? lockFor = null) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromString($$"""{"jobId":"{{id}}"}"""), messageId: id,
            lockTokenGuid: Guid.NewGuid(), deliveryCount: deliveryCount, lockedUntil: Now + (lockFor ?? TimeSpan.FromMinutes(1)));

    private void Queue(params ServiceBusReceivedMessage[][] batches)
    {
        var i = 0;
        _sb.ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>())
            .Returns(_ => Task.FromResult<IReadOnlyList<ServiceBusReceivedMessage>>(i < batches.Length ? batches[i++] : []));
    }

    private NoticeQueueDrain Drain(IQueuedNoticeHandler handler, Action<NoticeQueueDrainOptions>? change = null)
    {
        var options = new NoticeQueueDrainOptions();
        change?.Invoke(options);
        return new NoticeQueueDrain(new ServiceBusNoticeReceiver(_sb, 10), handler, Options.Create(options), _clock, BreachNotify.Application.Telemetry.BreachNotifyTelemetry.Detached(), NullLogger<NoticeQueueDrain>.Instance);
    }

    [Fact]
    public async Task Completes_successes_and_permanent_failures_and_abandons_a_transient_failure()
    {
        var (sent, transient, permanent) = (Message("job-1"), Message("job-2"), Message("job-3"));
        Queue([sent, transient, permanent]);
        var handler = new ScriptedHandler((id, _) => Task.FromResult(id switch
        {
            "job-2" => QueueMessageDisposition.RetryLater("Job job-2: SendGrid 503; retry."),
            "job-3" => QueueMessageDisposition.Done("Job job-3: SendGrid refused it (400); recorded on the job."),
            _ => QueueMessageDisposition.Done("sent"),
        }));

        var result = await Drain(handler).RunAsync();

        await _sb.Received(1).CompleteMessageAsync(sent, Arg.Any<CancellationToken>());
        await _sb.Received(1).CompleteMessageAsync(permanent, Arg.Any<CancellationToken>());
        await _sb.Received(1).AbandonMessageAsync(transient, Arg.Any<IDictionary<string, object>>(), Arg.Any<CancellationToken>());
        await _sb.DidNotReceive().CompleteMessageAsync(transient, Arg.Any<CancellationToken>());
        Assert.Equal((3, 2, 1, DrainStop.TransientFailure), (result.Received, result.Completed, result.Abandoned, result.Stop));
    }

    [Fact]
    public async Task Asks_for_at_most_the_free_slots_and_stops_when_a_receive_comes_back_empty()
    {
        Queue([Message("job-1"), Message("job-2")], [Message("job-3")]);

        var result = await Drain(new ScriptedHandler(), o => { o.Concurrency = 2; o.BatchSize = 5; o.ReceiveWait = TimeSpan.FromSeconds(2); }).RunAsync();

        Assert.Equal((3, 3, DrainStop.Empty), (result.Received, result.Completed, result.Stop));
        await _sb.DidNotReceive().ReceiveMessagesAsync(Arg.Is<int>(n => n > 2), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>());
        await _sb.Received().ReceiveMessagesAsync(Arg.Any<int>(), TimeSpan.FromSeconds(2), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Renews_the_lock_of_a_long_job()
    {
        var message = Message("job-1", lockFor: TimeSpan.FromSeconds(60));
        Queue([message]);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var renewed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sb.RenewMessageLockAsync(message, Arg.Any<CancellationToken>()).Returns(_ => { renewed.TrySetResult(); return Task.CompletedTask; });
        var handler = new ScriptedHandler(async (_, _) => { entered.SetResult(); await release.Task; return QueueMessageDisposition.Done("sent"); });

        var run = Drain(handler, o => o.LockRenewalMargin = TimeSpan.FromSeconds(30)).RunAsync();
        await entered.Task;
        _clock.Advance(TimeSpan.FromSeconds(29));
        await _sb.DidNotReceive().RenewMessageLockAsync(message, Arg.Any<CancellationToken>());
        _clock.Advance(TimeSpan.FromSeconds(1)); // 30 s left: renew
        await renewed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();
        var result = await run;

        Assert.Equal(1, result.LockRenewals);
        await _sb.Received(1).CompleteMessageAsync(message, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_time_budget_stops_receiving()
    {
        var n = 0;
        _sb.ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>())
            .Returns(_ => Task.FromResult<IReadOnlyList<ServiceBusReceivedMessage>>([Message($"job-{++n}")]));
        var handler = new ScriptedHandler((_, _) => { _clock.Advance(TimeSpan.FromMinutes(1)); return Task.FromResult(QueueMessageDisposition.Done("sent")); });

        var result = await Drain(handler, o => { o.Concurrency = 1; o.TimeBudget = TimeSpan.FromMinutes(5); }).RunAsync();

        Assert.Equal((5, 5, DrainStop.TimeBudget), (result.Received, result.Completed, result.Stop));
    }

    [Fact]
    public async Task A_lost_lock_is_counted_and_an_unreachable_namespace_ends_the_run()
    {
        var message = Message("job-1");
        Queue([message]);
        _sb.CompleteMessageAsync(message, Arg.Any<CancellationToken>()).ThrowsAsync(new ServiceBusException("lost", ServiceBusFailureReason.MessageLockLost));

        var result = await Drain(new ScriptedHandler()).RunAsync();
        Assert.Equal((1, 0, DrainStop.Empty), (result.LocksLost, result.Completed, result.Stop));

        _sb.ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ServiceBusException("down", ServiceBusFailureReason.ServiceCommunicationProblem));
        Assert.Equal(DrainStop.QueueUnavailable, (await Drain(new ScriptedHandler()).RunAsync()).Stop);
    }

    [Fact]
    public async Task A_handler_exception_abandons_the_message()
    {
        var message = Message("job-1");
        Queue([message]);

        var result = await Drain(new ScriptedHandler((_, _) => throw new InvalidOperationException("bug"))).RunAsync();

        Assert.Equal(1, result.Abandoned);
        await _sb.Received(1).AbandonMessageAsync(message, Arg.Any<IDictionary<string, object>>(), Arg.Any<CancellationToken>());
    }
}
