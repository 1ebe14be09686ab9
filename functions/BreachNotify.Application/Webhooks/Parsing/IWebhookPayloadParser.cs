namespace BreachNotify.Application.Webhooks;

internal interface IWebhookPayloadParser
{
    /// <summary>The alerts in a verified body; empty for an event that carries none (a ping, a service change).</summary>
    IReadOnlyList<MonitorAlert> Parse(ReadOnlyMemory<byte> body, Func<string, string?> header);
}
