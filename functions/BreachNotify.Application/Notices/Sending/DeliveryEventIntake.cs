using Microsoft.Extensions.Logging;

namespace BreachNotify.Application.Notices.Sending;

public enum DeliveryEventCheck
{
    Valid,

    /// <summary>No verification key is configured: the webhook is off.</summary>
    NotConfigured,

    MissingSignature,

    /// <summary>The signed timestamp is outside the replay window.</summary>
    Stale,

    Invalid,
}

/// <summary>
/// The mail provider's signed delivery-event webhook (port; SendGrid's ECDSA-signed Event Webhook in the adapters).
/// Headers are checked before the body is read, so an unauthenticated flood costs no memory.
/// </summary>
public interface IDeliveryEventWebhook
{
    /// <summary>Checks what can be checked from the headers alone: configuration, presence and form of the signature,
    /// and the timestamp's age.</summary>
    DeliveryEventCheck CheckHeaders(Func<string, string?> header);

    /// <summary>Verifies the signature over the raw body.</summary>
    DeliveryEventCheck Verify(Func<string, string?> header, ReadOnlySpan<byte> body);

    /// <summary>The events of a verified body.</summary>
    /// <exception cref="FormatException">The body is not the provider's event format.</exception>
    IReadOnlyList<DeliveryEvent> Parse(ReadOnlySpan<byte> body);
}

public sealed record DeliveryEventIntakeResult(DeliveryEventCheck Check, DeliveryEventsResult? Applied = null, string? FormatError = null);

/// <summary>The proof-of-delivery use case: verify, parse, apply per-recipient statuses (deduplicated by event id).</summary>
public sealed partial class DeliveryEventIntake(IDeliveryEventWebhook webhook, DeliveryEventService events, ILogger<DeliveryEventIntake> logger)
{
    public DeliveryEventCheck CheckHeaders(Func<string, string?> header) => webhook.CheckHeaders(header);

    public async Task<DeliveryEventIntakeResult> ReceiveAsync(Func<string, string?> header, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var check = webhook.Verify(header, body.Span);
        if (check != DeliveryEventCheck.Valid)
        {
            LogRejected(check);
            return new DeliveryEventIntakeResult(check);
        }
        IReadOnlyList<DeliveryEvent> parsed;
        try
        {
            parsed = webhook.Parse(body.Span);
        }
        catch (FormatException ex)
        {
            return new DeliveryEventIntakeResult(check, FormatError: ex.Message);
        }
        return new DeliveryEventIntakeResult(check, await events.ApplyAsync(parsed, cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery event webhook refused: {Check}")]
    private partial void LogRejected(DeliveryEventCheck check);
}
