using System.Threading.Channels;
using BreachNotify.Application.Common;
using BreachNotify.Application.Webhooks;
using BreachNotify.Application.Webhooks.Intake;

namespace BreachNotify.FunctionApp.Features.Webhooks;

/// <summary>
/// Maps stored alerts onto incidents after the 202 went out, with a few workers. Only a hint: an alert is durable
/// (with its pending marker) before it is queued here, so one lost to a crash, a full queue or a failure is mapped
/// by the WebhookRepair timer function later. Mapping is safe to run twice and concurrently.
/// </summary>
public sealed partial class WebhookAlertProcessor(MonitorIncidentMapper mapper, ILogger<WebhookAlertProcessor> logger) : BackgroundService, IAlertMappingQueue
{
    public const int Workers = 2;
    public const int Capacity = 10_000;

    private readonly Channel<AlertRef> _queue = Channel.CreateBounded<AlertRef>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the sweep picks those up
    });

    private long _outstanding;

    /// <summary>Alerts queued or being mapped.</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    public void Enqueue(IEnumerable<AlertRef> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        foreach (var alert in alerts)
        {
            Interlocked.Increment(ref _outstanding);
            if (!_queue.Writer.TryWrite(alert))
            {
                Interlocked.Decrement(ref _outstanding);
                LogQueueFull(alert.Source, alert.DeliveryKey);
            }
        }
    }

    /// <summary>Waits until nothing is queued or being mapped (tests, benchmark); polls, since it is not for production paths.</summary>
    public async Task WhenIdleAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Outstanding > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Outstanding} alert(s) still being mapped after {timeout}.");
            await Task.Delay(5, cancellationToken);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await mapper.MapAsync(alert, repair: false, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(alert.Source, alert.DeliveryKey, RedactedException.Of(ex));
                }
                finally
                {
                    Interlocked.Decrement(ref _outstanding);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is left is pending in storage and mapped by the next sweep.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mapping queue full; alert {DeliveryKey} from {Source} left to the repair sweep")]
    private partial void LogQueueFull(string source, string deliveryKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mapping alert {DeliveryKey} from {Source} failed; the repair sweep retries it")]
    private partial void LogFailed(string source, string deliveryKey, Exception exception);
}
