using BreachNotify.Application.Storage;
using Microsoft.Extensions.Logging;

namespace BreachNotify.Application.Webhooks.Intake;

/// <summary>Hands stored alerts to whatever maps them onto incidents after the answer went out (a background worker).
/// Only a hint: an alert is durable before it is handed over, and the repair sweep maps any the worker never does.</summary>
public interface IAlertMappingQueue
{
    void Enqueue(IEnumerable<AlertRef> alerts);
}

public enum WebhookIntakeOutcome
{
    /// <summary>Verified, read and stored (deduplicated): answer 202.</summary>
    Accepted,

    /// <summary>Missing, wrong, stale or unconfigured credentials: answer 401 and say nothing of which.</summary>
    Unauthorized,

    /// <summary>Verified but unreadable: answer 400 naming <see cref="WebhookIntakeResult.Field"/>.</summary>
    Malformed,
}

public sealed record WebhookIntakeResult(
    WebhookIntakeOutcome Outcome,
    string? DeliveryId = null,
    int Alerts = 0,
    int Accepted = 0,
    int Duplicates = 0,
    string? Field = null,
    string? Message = null);

/// <summary>
/// The monitor-webhook use case: verify on the raw bytes, then parse, then store deduplicated and hand the new alerts
/// to the mapper (docs/webhooks.md). Rejections are recorded in the delivery log without their body.
/// </summary>
public sealed partial class WebhookIntake(
    WebhookSourceRegistry registry,
    WebhookDeliveryStore deliveries,
    IAlertMappingQueue mapping,
    Telemetry.BreachNotifyTelemetry telemetry,
    ILogger<WebhookIntake> logger)
{
    /// <summary>The source by its route name (case-insensitive), or null when we do not know it.</summary>
    public WebhookSource? Find(string name) => registry.TryGet(name, out var source) ? source : null;

    /// <summary>
    /// Before the body is read: refuses what the headers and URL already condemn (source not configured, credentials
    /// missing, malformed, stale, or a wrong token), recording the attempt like any rejection. Null: read the body and
    /// call <see cref="ReceiveAsync"/>.
    /// </summary>
    /// <param name="declaredBytes">The request's Content-Length, recorded in the delivery log (the body is never read).</param>
    public async Task<WebhookIntakeResult?> CheckHeadersAsync(
        WebhookSource source, Func<string, string?> header, Func<string, string?> query, long? declaredBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var check = source.CheckHeaders(header, query);
        if (check == VerificationResult.Valid) return null;
        await RecordRejectedAsync(source, check, declaredBytes ?? 0, cancellationToken);
        return new WebhookIntakeResult(WebhookIntakeOutcome.Unauthorized);
    }

    /// <param name="header">Header lookup (case-insensitive), null when absent.</param>
    /// <param name="query">Query lookup, null when absent (azure-monitor's <c>?token=</c>).</param>
    public async Task<WebhookIntakeResult> ReceiveAsync(
        WebhookSource source, ReadOnlyMemory<byte> body, Func<string, string?> header, Func<string, string?> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var verification = source.Verify(body.Span, header, query);
        if (verification != VerificationResult.Valid)
        {
            await RecordRejectedAsync(source, verification, body.Length, cancellationToken);
            return new WebhookIntakeResult(WebhookIntakeOutcome.Unauthorized);
        }

        IReadOnlyList<MonitorAlert> alerts;
        try
        {
            alerts = source.Parse(body, header);
        }
        catch (WebhookPayloadException ex)
        {
            await deliveries.RecordMalformedAsync(source.Name, ex.Field ?? "$", body.Length, cancellationToken);
            telemetry.WebhookDelivery(source.Name, "malformed");
            return new WebhookIntakeResult(WebhookIntakeOutcome.Malformed, Field: ex.Field ?? "$", Message: ex.Message);
        }

        var result = await deliveries.AcceptAsync(source.Name, alerts, body.Length, cancellationToken);
        mapping.Enqueue(result.Accepted);
        telemetry.WebhookDelivery(source.Name, "accepted");
        LogAccepted(result.RequestId, source.Name, result.Alerts, result.Accepted.Count, result.Duplicates);
        return new WebhookIntakeResult(WebhookIntakeOutcome.Accepted, result.RequestId, result.Alerts, result.Accepted.Count, result.Duplicates);
    }

    private async Task RecordRejectedAsync(WebhookSource source, VerificationResult verification, long bodyBytes, CancellationToken cancellationToken)
    {
        try
        {
            await deliveries.RecordRejectedAsync(source.Name, verification, bodyBytes, cancellationToken);
        }
        catch (StorageException ex)
        {
            LogRejectionNotRecorded(source.Name, ex.GetType().Name);
        }
        telemetry.WebhookDelivery(source.Name, "unauthorized");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} from {Source}: {Alerts} alert(s), {Accepted} new, {Duplicates} duplicate(s)")]
    private partial void LogAccepted(string deliveryId, string source, int alerts, int accepted, int duplicates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected webhook from {Source} could not be recorded ({ExceptionType})")]
    private partial void LogRejectionNotRecorded(string source, string exceptionType);
}
