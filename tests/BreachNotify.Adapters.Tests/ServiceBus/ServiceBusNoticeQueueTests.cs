using System.Text.Json;
using BreachNotify.Adapters.ServiceBus;
using BreachNotify.Adapters.Tests.Fakes;
using BreachNotify.Application.Queue;
using static BreachNotify.Adapters.Tests.ServiceBus.ServiceBusRestClientTests;

namespace BreachNotify.Adapters.Tests.ServiceBus;

public class ServiceBusNoticeQueueTests
{
    [Fact]
    public async Task Enqueue_sends_one_batch_with_ids_and_schedule()
    {
        using var server = new LoopbackHttpServer(Created);
        var queue = new ServiceBusNoticeQueue(new ServiceBusRestClient(ConnectionString, Options(server)));

        await queue.EnqueueAsync(
        [
            new QueueMessage("job-1", """{"jobId":"job-1"}"""),
            new QueueMessage("job-2", """{"jobId":"job-2"}""", new DateTimeOffset(2026, 11, 6, 7, 0, 0, TimeSpan.Zero)),
        ]);

        var request = Assert.Single(server.Requests);
        Assert.Equal("application/vnd.microsoft.servicebus.json", request.Header("Content-Type"));
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("job-1", json.RootElement[0].GetProperty("BrokerProperties").GetProperty("MessageId").GetString());
        Assert.False(json.RootElement[0].GetProperty("BrokerProperties").TryGetProperty("ScheduledEnqueueTimeUtc", out _));
        Assert.Equal("Fri, 06 Nov 2026 07:00:00 GMT",
            json.RootElement[1].GetProperty("BrokerProperties").GetProperty("ScheduledEnqueueTimeUtc").GetString());
        Assert.Equal("""{"jobId":"job-2"}""", json.RootElement[1].GetProperty("Body").GetString());
    }

    [Fact]
    public async Task Empty_list_sends_nothing()
    {
        using var server = new LoopbackHttpServer(Created);
        var queue = new ServiceBusNoticeQueue(new ServiceBusRestClient(ConnectionString, Options(server)));

        await queue.EnqueueAsync([]);

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Transient_failure_is_retried_then_succeeds()
    {
        using var server = LoopbackHttpServer.Sequence(new FakeResponse(503), new FakeResponse(500), Created);
        var queue = new ServiceBusNoticeQueue(new ServiceBusRestClient(ConnectionString, Options(server)));

        await queue.EnqueueAsync([new QueueMessage("job-1", "{}")]);

        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Failure_after_retries_is_queue_unavailable()
    {
        using var server = new LoopbackHttpServer(new FakeResponse(503));
        var queue = new ServiceBusNoticeQueue(new ServiceBusRestClient(ConnectionString, Options(server)));

        var ex = await Assert.ThrowsAsync<QueueUnavailableException>(() => queue.EnqueueAsync([new QueueMessage("job-1", """{"jobId":"job-1"}""")]));

        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("jobId", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Forbidden_is_queue_unavailable_without_retry()
    {
        using var server = new LoopbackHttpServer(new FakeResponse(403));
        var queue = new ServiceBusNoticeQueue(new ServiceBusRestClient(ConnectionString, Options(server)));

        await Assert.ThrowsAsync<QueueUnavailableException>(() => queue.EnqueueAsync([new QueueMessage("job-1", "{}")]));

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Unreachable_namespace_is_queue_unavailable()
    {
        var server = new LoopbackHttpServer(Created);
        var options = Options(server);
        server.Dispose();
        var queue = new ServiceBusNoticeQueue(new ServiceBusRestClient(ConnectionString, options));

        await Assert.ThrowsAsync<QueueUnavailableException>(() => queue.EnqueueAsync([new QueueMessage("job-1", "{}")]));
    }

    [Fact]
    public async Task Second_batch_failure_reports_queue_unavailable_after_first_batch_was_sent()
    {
        using var server = new LoopbackHttpServer((_, i) => i == 0 ? Created : new FakeResponse(403));
        var queue = new ServiceBusNoticeQueue(new ServiceBusRestClient(ConnectionString, Options(server)));

        var ex = await Assert.ThrowsAsync<QueueUnavailableException>(() =>
            queue.EnqueueAsync(Enumerable.Range(0, 150).Select(i => new QueueMessage($"job-{i}", "{}")).ToList()));

        Assert.Contains("request 2 of 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }
}
