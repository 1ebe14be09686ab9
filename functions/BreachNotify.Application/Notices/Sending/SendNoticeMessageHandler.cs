using BreachNotify.Application.Common;
using BreachNotify.Application.Queue;
using BreachNotify.Application.Telemetry;
using Microsoft.Extensions.Logging;

namespace BreachNotify.Application.Notices.Sending;

/// <summary>
/// Handles one queued notice-job message: <see cref="SendNoticeProcessor"/> sends the job; a result that asks for a retry
/// (busy, transient) leaves the message to the queue to deliver again, anything else (sent, already done, a permanent
/// failure recorded on the job, an unknown job) completes it. An unexpected exception counts as transient.
/// A Service Bus trigger, when one is available, calls this class and settles the message the same way.
/// </summary>
public sealed partial class SendNoticeMessageHandler(SendNoticeProcessor processor, BreachNotifyTelemetry telemetry, ILogger<SendNoticeMessageHandler> logger) : IQueuedNoticeHandler
{
    public async Task<QueueMessageDisposition> HandleAsync(string messageId, string body, int deliveryCount, CancellationToken cancellationToken = default)
    {
        SendResult result;
        try
        {
            result = await processor.ProcessAsync(body, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(messageId, deliveryCount, RedactedException.Of(ex));
            return QueueMessageDisposition.RetryLater($"Message {messageId}: {ex.GetType().Name} while sending; retry.");
        }
        if (result.Outcome == SendOutcome.Sent) telemetry.NoticeJob(BreachNotifyTelemetry.NoticeOutcome.Sent, result.Recipients);
        else if (result.Outcome == SendOutcome.Permanent) telemetry.NoticeJob(BreachNotifyTelemetry.NoticeOutcome.Failed, result.Recipients);
        return result.Retry ? QueueMessageDisposition.RetryLater(result.Log) : QueueMessageDisposition.Done(result.Log);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} (delivery {DeliveryCount}) failed in its handler")]
    private partial void LogFailed(string messageId, int deliveryCount, Exception exception);
}
