namespace BreachNotify.Application.Webhooks;

/// <summary>
/// The body is not JSON, or lacks a field the source requires. <see cref="Field"/> names the field (a JSON path such
/// as <c>event.data.id</c>, a header name, or <c>(body)</c>); the message never holds payload values, so the endpoint
/// may log it and return it in its 400 answer.
/// </summary>
public sealed class WebhookPayloadException : Exception
{
    public WebhookPayloadException() { }
    public WebhookPayloadException(string message) : base(message) { }
    public WebhookPayloadException(string message, Exception inner) : base(message, inner) { }

    public WebhookPayloadException(string field, string message, Exception? inner)
        : base(message, inner) => Field = field;

    public string? Field { get; }

    internal static WebhookPayloadException Missing(string field) =>
        new(field, $"Webhook payload field '{field}' is missing or empty.", null);

    internal static WebhookPayloadException Invalid(string field, string expected) =>
        new(field, $"Webhook payload field '{field}' is invalid: expected {expected}.", null);
}
