using BreachNotify.Adapters.SendGrid;
using BreachNotify.Application.Notices.Sending;
using BreachNotify.FunctionApp.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BreachNotify.FunctionApp.Features.Webhooks;

public sealed record SendGridWebhookResponse(int Received, int Applied, int Duplicates, int Ignored);

/// <summary>
/// Proof of delivery: SendGrid's signed Event Webhook. The literal route wins over the monitors' /api/webhooks/{source}.
/// No API key (SendGrid cannot send one): the ECDSA signature over timestamp + raw body is the authentication.
/// </summary>
public static class SendGridWebhookEndpoint
{
    public const string Route = "/api/webhooks/sendgrid";
    public const string ConfigurationKey = "sendgrid";
    public const string PublicKeySetting = "Webhooks:" + ConfigurationKey + ":PublicKey";
    public const long MaxBodyBytes = 8L * 1024 * 1024;

    public static RouteHandlerBuilder MapSendGridWebhook(this IEndpointRouteBuilder app)
        => app.MapPost(Route, Receive).AllowAnonymous().WithRequestBodyLimit(MaxBodyBytes).WithTags("Webhooks");

    public static async Task<Results<Ok<SendGridWebhookResponse>, ProblemHttpResult>> Receive(
        HttpRequest request, IConfiguration configuration, DeliveryEventService events, TimeProvider time, CancellationToken ct)
    {
        var key = configuration[PublicKeySetting];
        if (string.IsNullOrWhiteSpace(key))
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"The SendGrid event webhook is not configured ({PublicKeySetting}).");
        // The raw bytes, exactly as received: the signature covers them.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var body = buffer.ToArray();
        var verifier = new SendGridEventWebhookVerifier(key, time);
        var verdict = verifier.Verify(request.Headers[SendGridEventWebhookVerifier.SignatureHeader].ToString(), request.Headers[SendGridEventWebhookVerifier.TimestampHeader].ToString(), body);
        if (verdict != SendGridWebhookVerificationResult.Valid)
        {
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: verdict switch
            {
                SendGridWebhookVerificationResult.MissingSignature => "The signature or timestamp header is missing.",
                SendGridWebhookVerificationResult.Stale => "The signed timestamp is outside the replay window.",
                _ => "The signature does not verify.",
            });
        }
        IReadOnlyList<SendGridEvent> parsed;
        try
        {
            parsed = SendGridEventParser.Parse(body);
        }
        catch (FormatException ex)
        {
            throw new BadRequestBodyException("$", ex.Message);
        }
        var mapped = parsed.Select(e => new DeliveryEvent(e.EventId, e.Event, e.Timestamp, e.Email,
            e.CustomArgs.TryGetValue("jobId", out var job) ? job : null, e.BounceType, e.Reason)).ToList();
        var result = await events.ApplyAsync(mapped, ct);
        return TypedResults.Ok(new SendGridWebhookResponse(result.Received, result.Applied, result.Duplicates, result.Ignored));
    }
}
