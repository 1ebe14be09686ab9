using System.Buffers;
using BreachNotify.Application.Common;
using BreachNotify.Application.Notices.Sending;
using BreachNotify.Application.Webhooks;
using BreachNotify.Application.Webhooks.Intake;
using BreachNotify.Domain.Common;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Hosting;
using BreachNotify.FunctionApp.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Features.Webhooks;

public sealed record WebhookAcceptedResponse(string DeliveryId, int Alerts, int Accepted, int Duplicates);

public sealed record DeliveryListResponse(IReadOnlyList<DeliveryItem> Items, int Page, int PageSize, string? Next);

/// <summary>One request in the delivery log. <see cref="Alerts"/> is empty for failed verifications: nothing of their body is kept.</summary>
public sealed record DeliveryItem(
    string Id,
    string Source,
    DateTimeOffset ReceivedAt,
    string Verification,
    int Status,
    long BodyBytes,
    int AlertCount,
    int Accepted,
    int Duplicates,
    string? ErrorField,
    long SuppressedBefore,
    IReadOnlyList<DeliveredAlert> Alerts);

public sealed record SendGridWebhookResponse(int Received, int Applied, int Duplicates, int Ignored);

/// <summary>
/// Signed webhooks: monitors opening suspected incidents (docs/webhooks.md), SendGrid's delivery events (proof of
/// delivery), the delivery log, and the repair sweep that maps alerts a crash left unmapped. Literal routes
/// (<c>webhooks/deliveries</c>, <c>webhooks/sendgrid</c>) win over <c>webhooks/{source}</c>.
/// </summary>
public sealed class WebhookFunctions(
    WebhookIntake intake,
    WebhookDeliveryStore deliveries,
    WebhookSourceRegistry registry,
    DeliveryEventIntake deliveryEvents,
    RequestBodyLimits limits,
    MonitorIncidentMapper mapper,
    TimeProvider time,
    IOptionsMonitor<WebhookOptions> options)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Monitors authenticate with their signature or token on the raw bytes, not with an API key.</summary>
    [Function("ReceiveMonitorWebhook")]
    [AllowAnonymous]
    [RequestBodyLimit(BodyLimit.MonitorWebhook)]
    public async Task<Results<Accepted<WebhookAcceptedResponse>, ProblemHttpResult>> Receive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/{source}")] HttpRequest req, string source, CancellationToken cancellationToken)
    {
        var webhook = intake.Find(source)
            ?? throw new NotFoundException($"Unknown webhook source. Known: {string.Join(", ", WebhookSourceNames.All)}.");
        Func<string, string?> header = name => Value(req.Headers, name);
        Func<string, string?> query = name => req.Query.TryGetValue(name, out var v) ? v.ToString() : null;
        // Headers first: an unconfigured source, missing or malformed credentials cost no body buffer.
        var result = await intake.CheckHeadersAsync(webhook, header, query, req.ContentLength, cancellationToken);
        if (result is null)
        {
            var body = await ReadBodyAsync(req, limits.For(BodyLimit.MonitorWebhook), cancellationToken);
            result = await intake.ReceiveAsync(webhook, body, header, query, cancellationToken);
        }
        return result.Outcome switch
        {
            WebhookIntakeOutcome.Accepted => TypedResults.Accepted((string?)null, new WebhookAcceptedResponse(result.DeliveryId!, result.Alerts, result.Accepted, result.Duplicates)),
            // Say nothing of what failed: missing, wrong, stale and unconfigured look the same to the caller.
            WebhookIntakeOutcome.Unauthorized => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The webhook could not be authenticated."),
            _ => throw new BadRequestBodyException(result.Field ?? "$", result.Message ?? "Malformed payload."),
        };
    }

    /// <summary>
    /// Proof of delivery: SendGrid's signed Event Webhook. No API key (SendGrid cannot send one): the ECDSA signature over
    /// timestamp + raw body is the authentication, and its headers are checked before the body is read.
    /// </summary>
    [Function("ReceiveDeliveryEvents")]
    [AllowAnonymous]
    [RequestBodyLimit(BodyLimit.DeliveryEvents)]
    public async Task<Results<Ok<SendGridWebhookResponse>, ProblemHttpResult>> ReceiveDeliveryEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/sendgrid")] HttpRequest req, CancellationToken cancellationToken)
    {
        Func<string, string?> header = name => Value(req.Headers, name);
        var early = deliveryEvents.CheckHeaders(header);
        if (early != DeliveryEventCheck.Valid) return Refused(early);
        var body = await ReadBodyAsync(req, limits.For(BodyLimit.DeliveryEvents), cancellationToken);
        var result = await deliveryEvents.ReceiveAsync(header, body, cancellationToken);
        if (result.Check != DeliveryEventCheck.Valid) return Refused(result.Check);
        if (result.FormatError is not null) throw new BadRequestBodyException("$", result.FormatError);
        var applied = result.Applied!;
        return TypedResults.Ok(new SendGridWebhookResponse(applied.Received, applied.Applied, applied.Duplicates, applied.Ignored));
    }

    /// <summary>Recent deliveries, newest first, with their verification outcome (DPO only). No bodies are kept.</summary>
    [Function("ListWebhookDeliveries")]
    [Authorize(Policy = Policies.Dpo)]
    public async Task<Ok<DeliveryListResponse>> ListDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/deliveries")] HttpRequest req, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        string? name = null;
        var source = req.QueryString("source");
        if (!string.IsNullOrEmpty(source))
        {
            if (registry.TryGet(source, out var s)) name = s.Name;
            else errors.Add("source", $"Use one of {string.Join(", ", WebhookSourceNames.All)}.");
        }
        errors.ThrowIfAny();
        var page = req.QueryInt("page", 1, PageLimits.MaxPage) ?? 1;
        var size = req.QueryInt("pageSize", 1, MaxPageSize) ?? DefaultPageSize;
        var result = await deliveries.ListAsync(name, page, size, cancellationToken);
        var next = result.HasMore ? $"/api/webhooks/deliveries?page={page + 1}&pageSize={size}" + (name is null ? "" : $"&source={name}") : null;
        var items = result.Items.Select(d => new DeliveryItem(d.Id, d.Source, d.ReceivedAt, d.Verification, d.HttpStatus, d.BodyBytes,
            d.AlertCount, d.Accepted, d.Duplicates, d.ErrorField, d.SuppressedBefore, d.Alerts)).ToList();
        return TypedResults.Ok(new DeliveryListResponse(items, page, size, next));
    }

    /// <summary>Maps alerts stored longer than <see cref="WebhookOptions.RepairAfter"/> ago and still pending (the process
    /// stopped after storing them, or mapping failed).</summary>
    [Function("WebhookRepair")]
    public async Task Repair([TimerTrigger("%WebhookRepair:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => await mapper.RepairAsync(time.GetUtcNow() - options.CurrentValue.RepairAfter, cancellationToken);

    private static ProblemHttpResult Refused(DeliveryEventCheck check) => check == DeliveryEventCheck.NotConfigured
        ? TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"The SendGrid event webhook is not configured ({DeliveryEventWebhookOptions.SectionName}:PublicKey).")
        : TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: check switch
        {
            DeliveryEventCheck.MissingSignature => "The signature or timestamp header is missing.",
            DeliveryEventCheck.Stale => "The signed timestamp is outside the replay window.",
            _ => "The signature does not verify.",
        });

    private static string? Value(IHeaderDictionary headers, string name) => headers.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>The raw body, exactly as sent, at most <paramref name="limit"/> bytes (the pipeline refused a declared
    /// length over the limit before this; an undeclared one is cut off here).</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, ct);
            if (read == 0) break;
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
        return buffer.WrittenMemory;
    }
}
