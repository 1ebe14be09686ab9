using Azure.Messaging.ServiceBus;
using BreachNotify.Adapters.ServiceBus;
using BreachNotify.Application.Queue;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace BreachNotify.Adapters.Tests.ServiceBus;

/// <summary>The sender side on a substituted <see cref="ServiceBusSender"/> (there is no Service Bus emulator here).</summary>
public class ServiceBusNoticeQueueTests
{
    /// <summary>A sender whose batches hold at most <paramref name="perBatch"/> messages; records what each send carried.</summary>
    private static (ServiceBusSender Sender, List<List<ServiceBusMessage>> Sent) Sender(int perBatch)
    {
        var sender = Substitute.For<ServiceBusSender>();
        var sent = new List<List<ServiceBusMessage>>();
        var stores = new Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>>();
        sender.CreateMessageBatchAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            var store = new List<ServiceBusMessage>();
            var batch = ServiceBusModelFactory.ServiceBusMessageBatch(256_000, store, new CreateMessageBatchOptions(), _ => store.Count < perBatch);
            stores[batch] = store;
            return ValueTask.FromResult(batch);
        });
        sender.SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>())
            .Returns(call => { sent.Add([.. stores[call.Arg<ServiceBusMessageBatch>()]]); return Task.CompletedTask; });
        return (sender, sent);
    }

    [Fact]
    public async Task Enqueue_sends_one_batch_with_job_ids_as_message_ids_and_the_schedule()
    {
        var (sender, sent) = Sender(perBatch: 100);
        var at = new DateTimeOffset(2026, 11, 6, 8, 0, 0, TimeSpan.FromHours(1));

        await new ServiceBusNoticeQueue(sender).EnqueueAsync(
        [
            new QueueMessage("job-1", """{"jobId":"job-1"}"""),
            new QueueMessage("job-2", """{"jobId":"job-2"}""", at),
        ]);

        var batch = Assert.Single(sent);
        Assert.Equal(["job-1", "job-2"], batch.Select(m => m.MessageId));
        Assert.Equal("""{"jobId":"job-2"}""", batch[1].Body.ToString());
        Assert.Equal("application/json", batch[0].ContentType);
        Assert.Equal(default, batch[0].ScheduledEnqueueTime);
        Assert.Equal(at, batch[1].ScheduledEnqueueTime);
        Assert.Equal(TimeSpan.Zero, batch[1].ScheduledEnqueueTime.Offset);
    }

    [Fact]
    public async Task A_full_batch_is_sent_and_a_new_one_started()
    {
        var (sender, sent) = Sender(perBatch: 3);

        await new ServiceBusNoticeQueue(sender).EnqueueAsync(Enumerable.Range(1, 7).Select(i => new QueueMessage($"job-{i}", "{}")).ToList());

        Assert.Equal([3, 3, 1], sent.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"job-{i}"), sent.SelectMany(b => b).Select(m => m.MessageId));
        await sender.Received(3).CreateMessageBatchAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task At_most_100_messages_go_in_one_send()
    {
        var (sender, sent) = Sender(perBatch: int.MaxValue);

        await new ServiceBusNoticeQueue(sender).EnqueueAsync(Enumerable.Range(1, 250).Select(i => new QueueMessage($"job-{i}", "{}")).ToList());

        Assert.Equal([100, 100, 50], sent.Select(b => b.Count));
    }

    [Fact]
    public async Task A_message_too_large_for_an_empty_batch_is_refused_without_sending()
    {
        var (sender, sent) = Sender(perBatch: 0);

        await Assert.ThrowsAsync<ArgumentException>(() => new ServiceBusNoticeQueue(sender).EnqueueAsync([new QueueMessage("job-1", "{}")]));

        Assert.Empty(sent);
    }

    [Fact]
    public async Task Empty_list_sends_nothing()
    {
        var (sender, sent) = Sender(perBatch: 100);

        await new ServiceBusNoticeQueue(sender).EnqueueAsync([]);

        Assert.Empty(sent);
        await sender.DidNotReceive().CreateMessageBatchAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Service_Bus_failures_become_queue_unavailable_without_the_body()
    {
        var (sender, _) = Sender(perBatch: 100);
        sender.SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy));

        var ex = await Assert.ThrowsAsync<QueueUnavailableException>(() =>
            new ServiceBusNoticeQueue(sender).EnqueueAsync([new QueueMessage("job-1", """{"secret":"body"}""")]));

        Assert.Contains("ServiceBusy", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_mapped()
    {
        var (sender, _) = Sender(perBatch: 100);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        sender.SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>()).ThrowsAsync(new TaskCanceledException());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ServiceBusNoticeQueue(sender).EnqueueAsync([new QueueMessage("job-1", "{}")], cts.Token));
    }
}
