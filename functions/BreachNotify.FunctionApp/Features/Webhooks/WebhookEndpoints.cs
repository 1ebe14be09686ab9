using System.Buffers;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;
using BreachNotify.Application.Webhooks;
using BreachNotify.Application.Webhooks.Intake;
using BreachNotify.Domain.Common;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
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

public static partial class WebhookEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var maxBody = app.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value.MaxBodyBytes;
        var group = app.MapGroup("/api/webhooks").WithTags("Webhooks");
        // A literal segment beats the {source} parameter, so this (and any other literal route under /api/webhooks,
        // such as a mail provider's event webhook) is never taken for a source.
        group.MapGet("/deliveries", ListDeliveries).RequireAuthorization(Policies.Dpo);
        // Monitors authenticate with their signature or token, not with an API key.
        group.MapPost("/{source}", Receive).AllowAnonymous().WithRequestBodyLimit(maxBody);
        return group;
    }

    /// <summary>
    /// Verify on the raw bytes, then parse, then store (deduplicated) and answer 202; the alerts are mapped onto
    /// incidents by <see cref="WebhookAlertProcessor"/> after the answer (and by the repair sweep should that fail).
    /// </summary>
    public static async Task<Results<Accepted<WebhookAcceptedResponse>, ProblemHttpResult>> Receive(
        string source,
        HttpRequest request,
        WebhookSourceRegistry registry,
        WebhookDeliveryStore deliveries,
        WebhookAlertProcessor processor,
        IOptionsMonitor<WebhookOptions> options,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        if (!registry.TryGet(source, out var webhook))
            throw new NotFoundException($"Unknown webhook source. Known: {string.Join(", ", WebhookSourceNames.All)}.");
        var logger = loggers.CreateLogger(typeof(WebhookEndpoints));

        var body = await ReadBodyAsync(request, options.CurrentValue.MaxBodyBytes, ct);
        Func<string, string?> header = name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
        Func<string, string?> query = name => request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

        var verification = webhook.Verify(body, header, query);
        if (verification != VerificationResult.Valid)
        {
            try
            {
                await deliveries.RecordRejectedAsync(webhook.Name, verification, body.Length, ct);
            }
            catch (StorageException ex)
            {
                LogRejectionNotRecorded(logger, webhook.Name, ex);
            }
            // Say nothing of what failed: missing, wrong, stale and unconfigured look the same to the caller.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "The webhook could not be authenticated.");
        }

        IReadOnlyList<MonitorAlert> alerts;
        try
        {
            alerts = webhook.Parse(body, header);
        }
        catch (WebhookPayloadException ex)
        {
            await deliveries.RecordMalformedAsync(webhook.Name, ex.Field ?? "$", body.Length, ct);
            throw new BadRequestBodyException(ex.Field ?? "$", ex.Message);
        }

        var result = await deliveries.AcceptAsync(webhook.Name, alerts, body.Length, ct);
        processor.Enqueue(result.Accepted);
        LogAccepted(logger, result.RequestId, webhook.Name, result.Alerts, result.Accepted.Count, result.Duplicates);
        return TypedResults.Accepted((string?)null,
            new WebhookAcceptedResponse(result.RequestId, result.Alerts, result.Accepted.Count, result.Duplicates));
    }

    /// <summary>Recent deliveries, newest first, with their verification outcome (DPO only). No bodies are kept.</summary>
    public static async Task<Ok<DeliveryListResponse>> ListDeliveries(
        WebhookSourceRegistry registry, WebhookDeliveryStore deliveries,
        string? source = null, int? page = null, int? pageSize = null, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        string? name = null;
        if (!string.IsNullOrEmpty(source))
        {
            if (registry.TryGet(source, out var s)) name = s.Name;
            else errors.Add("source", $"Use one of {string.Join(", ", WebhookSourceNames.All)}.");
        }
        if (page is < 1) errors.Add("page", "Pages start at 1.");
        if (pageSize is < 1 or > MaxPageSize) errors.Add("pageSize", $"Between 1 and {MaxPageSize}.");
        errors.ThrowIfAny();
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        var result = await deliveries.ListAsync(name, p, size, ct);
        var next = result.HasMore ? $"/api/webhooks/deliveries?page={p + 1}&pageSize={size}" + (name is null ? "" : $"&source={name}") : null;
        var items = result.Items.Select(d => new DeliveryItem(d.Id, d.Source, d.ReceivedAt, d.Verification, d.HttpStatus, d.BodyBytes,
            d.AlertCount, d.Accepted, d.Duplicates, d.ErrorField, d.SuppressedBefore, d.Alerts)).ToList();
        return TypedResults.Ok(new DeliveryListResponse(items, p, size, next));
    }

    /// <summary>
    /// The raw body, exactly as sent, at most <paramref name="limit"/> bytes. A declared length over the limit was
    /// refused (413) before reading by <see cref="RequestBodyLimitMiddleware"/>; an undeclared one is cut off here.
    /// </summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
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
        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} from {Source}: {Alerts} alert(s), {Accepted} new, {Duplicates} duplicate(s)")]
    private static partial void LogAccepted(ILogger logger, string deliveryId, string source, int alerts, int accepted, int duplicates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected webhook from {Source} could not be recorded")]
    private static partial void LogRejectionNotRecorded(ILogger logger, string source, Exception exception);
}
