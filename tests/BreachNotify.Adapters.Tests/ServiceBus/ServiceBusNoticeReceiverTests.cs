using Azure.Messaging.ServiceBus;
using BreachNotify.Adapters.ServiceBus;
using BreachNotify.Application.Queue;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace BreachNotify.Adapters.Tests.ServiceBus;

/// <summary>The PeekLock receiver side on a substituted <see cref="ServiceBusReceiver"/>.</summary>
public class ServiceBusNoticeReceiverTests
{
    internal static readonly DateTimeOffset LockedUntil = new(2026, 11, 5, 9, 31, 0, TimeSpan.Zero);

    internal static ServiceBusReceivedMessage Message(string id, int deliveryCount = 1) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromString($$"""{"jobId":"{{id}}"}"""), messageId: id,
            lockTokenGuid: Guid.NewGuid(), deliveryCount: deliveryCount, lockedUntil: LockedUntil);

    [Fact]
    public async Task Receive_maps_id_body_delivery_count_and_lock()
    {
        var sb = Substitute.For<ServiceBusReceiver>();
        sb.ReceiveMessagesAsync(5, TimeSpan.FromSeconds(1), Arg.Any<CancellationToken>()).Returns([Message("job-1", 3)]);

        var received = Assert.Single(await new ServiceBusNoticeReceiver(sb, 10).ReceiveAsync(5, TimeSpan.FromSeconds(1)));

        Assert.Equal(("job-1", """{"jobId":"job-1"}""", 3, LockedUntil), (received.MessageId, received.Body, received.DeliveryCount, received.LockedUntil));
    }

    [Fact]
    public async Task Complete_and_renew_go_to_the_received_message()
    {
        var sb = Substitute.For<ServiceBusReceiver>();
        var message = Message("job-1");
        sb.ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>()).Returns([message]);
        var receiver = new ServiceBusNoticeReceiver(sb, 10);
        var received = Assert.Single(await receiver.ReceiveAsync(1, TimeSpan.Zero));

        await receiver.RenewLockAsync(received);
        await receiver.CompleteAsync(received);

        await sb.Received(1).RenewMessageLockAsync(message, Arg.Any<CancellationToken>());
        await sb.Received(1).CompleteMessageAsync(message, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Abandon_before_the_last_delivery_abandons_with_the_reason()
    {
        var sb = Substitute.For<ServiceBusReceiver>();
        var message = Message("job-1", deliveryCount: 9);
        var received = new ReceivedQueueMessage("job-1", "{}", 9, LockedUntil, message);

        Assert.False(await new ServiceBusNoticeReceiver(sb, 10).AbandonAsync(received, "Job job-1: SendGrid 503; retry."));

        await sb.Received(1).AbandonMessageAsync(message,
            Arg.Is<IDictionary<string, object>>(p => (string)p[ServiceBusNoticeReceiver.LastErrorProperty] == "Job job-1: SendGrid 503; retry."), Arg.Any<CancellationToken>());
        await sb.DidNotReceiveWithAnyArgs().DeadLetterMessageAsync(default!, default(string)!, default, default);
    }

    [Fact]
    public async Task Abandon_on_the_last_delivery_dead_letters_with_the_reason()
    {
        var sb = Substitute.For<ServiceBusReceiver>();
        var message = Message("job-1", deliveryCount: 10);
        var received = new ReceivedQueueMessage("job-1", "{}", 10, LockedUntil, message);

        Assert.True(await new ServiceBusNoticeReceiver(sb, 10).AbandonAsync(received, "Job job-1: SendGrid 503; retry."));

        await sb.Received(1).DeadLetterMessageAsync(message, ServiceBusNoticeReceiver.DeadLetterReason, "Job job-1: SendGrid 503; retry.", Arg.Any<CancellationToken>());
        await sb.DidNotReceiveWithAnyArgs().AbandonMessageAsync(default!, default, default);
    }

    [Fact]
    public async Task A_lost_lock_and_an_unreachable_namespace_are_told_apart()
    {
        var sb = Substitute.For<ServiceBusReceiver>();
        var message = Message("job-1");
        var received = new ReceivedQueueMessage("job-1", "{}", 1, LockedUntil, message);
        sb.CompleteMessageAsync(message, Arg.Any<CancellationToken>()).ThrowsAsync(new ServiceBusException("lost", ServiceBusFailureReason.MessageLockLost));
        sb.RenewMessageLockAsync(message, Arg.Any<CancellationToken>()).ThrowsAsync(new ServiceBusException("down", ServiceBusFailureReason.ServiceCommunicationProblem));
        sb.ReceiveMessagesAsync(Arg.Any<int>(), Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>()).ThrowsAsync(new UnauthorizedAccessException("no role"));
        var receiver = new ServiceBusNoticeReceiver(sb, 10);

        await Assert.ThrowsAsync<QueueLockLostException>(() => receiver.CompleteAsync(received));
        await Assert.ThrowsAsync<QueueUnavailableException>(() => receiver.RenewLockAsync(received));
        await Assert.ThrowsAsync<QueueUnavailableException>(() => receiver.ReceiveAsync(1, TimeSpan.Zero));
    }
}
