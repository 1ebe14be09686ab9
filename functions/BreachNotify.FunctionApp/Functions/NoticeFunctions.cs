using System.Globalization;
using BreachNotify.Application.Notices.Sending;

namespace BreachNotify.FunctionApp.Functions;

/// <summary>
/// Service Bus trigger on the notices queue (functions/SendNotice/function.json). The host delivers the message to
/// POST /SendNotice; standalone, the embedded queue's worker calls this same function. Non-2xx (retry) makes Service Bus
/// deliver again until maxDeliveryCount, then dead-letter; the NoticeSweep timer picks such jobs up again.
/// </summary>
public sealed class SendNoticeFunction(SendNoticeProcessor processor) : IQueueFunction
{
    public const string FunctionName = "SendNotice";

    public string Name => FunctionName;

    public async Task<QueueFunctionOutcome> HandleAsync(QueueDelivery delivery, CancellationToken cancellationToken)
    {
        var result = await processor.ProcessAsync(delivery.Body, cancellationToken);
        var log = string.Create(CultureInfo.InvariantCulture, $"{result.Log} (delivery {delivery.DeliveryCount}, message {delivery.MessageId})");
        return result.Retry ? QueueFunctionOutcome.RetryLater(log) : QueueFunctionOutcome.Completed(log);
    }
}

/// <summary>Timer (functions/NoticeSweep/function.json, every 5 minutes): re-enqueues jobs left waiting and reports exhausted ones.</summary>
public sealed class NoticeSweepFunction(NoticeSweeper sweeper) : ITimerFunction
{
    public const string FunctionName = "NoticeSweep";

    public string Name => FunctionName;

    public async Task<IReadOnlyList<string>> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var r = await sweeper.SweepAsync(cancellationToken);
        return [string.Create(CultureInfo.InvariantCulture, $"Notice sweep: {r.Pending} pending, {r.Requeued} enqueued again, {r.Exhausted} exhausted (marked failed), {r.Cleaned} cleaned up.")];
    }
}
