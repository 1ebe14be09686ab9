using System.Security.Claims;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BreachNotify.FunctionApp.Features.Incidents;

public static class IncidentEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapIncidents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents");
        group.MapPost("/", Create).RequireAuthorization(Policies.Report);
        group.MapGet("/", List).RequireAuthorization(Policies.Read);
        group.MapGet("/{id}", Get).RequireAuthorization(Policies.Read).WithName("GetIncident");
        group.MapPatch("/{id}", Patch).RequireAuthorization(Policies.Report);
        group.MapPost("/{id}/confirm", Confirm).RequireAuthorization(Policies.Report);
        // Dismissing stops the clock on a possible breach: a DPO's call, not a reporter's.
        group.MapPost("/{id}/dismiss", Dismiss).RequireAuthorization(Policies.Dpo);
        group.MapPost("/{id}/close", Close).RequireAuthorization(Policies.Dpo);
        group.MapPost("/{id}/decision", Decide).RequireAuthorization(Policies.Dpo);
        return group;
    }

    public static async Task<Results<Created<IncidentResponse>, Ok<IncidentResponse>>> Create(
        CreateIncidentRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        IncidentService incidents,
        ClaimsPrincipal user,
        HttpContext http,
        CancellationToken ct)
    {
        if (idempotencyKey is { Length: > 200 }) throw new DomainValidationException("Idempotency-Key", "At most 200 characters.");
        var draft = new IncidentDraft
        {
            Title = request.Title!,
            Description = request.Description,
            DetectedAt = request.DetectedAt,
            AwareAt = request.AwareAt,
            OccurredAt = request.OccurredAt,
            Role = request.Role ?? ProcessingRole.Controller,
            ControllerCustomer = request.ControllerCustomer,
            Countries = request.Countries,
            Owner = request.Owner,
            Note = request.Note,
        };
        var fingerprint = Ids.Sha256Hex(JsonSerializer.Serialize(request, ApiJson.Options));
        var facts = request.Facts?.ToFacts("facts.");
        var result = await incidents.CreateAsync(draft, facts, user.ToActor(), idempotencyKey, fingerprint, ct);
        var body = await ToResponseAsync(result.Stored, incidents, http, ct);
        return result.Created
            ? TypedResults.Created($"/api/incidents/{result.Stored.Incident.Id}", body)
            : TypedResults.Ok(body);
    }

    public static async Task<Ok<IncidentListResponse>> List(IncidentService incidents, HttpContext http, string? status = null, int? page = null, int? pageSize = null, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        IncidentStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (IncidentStatusExtensions.TryParse(status, out var s)) filter = s;
            else errors.Add("status", "Use suspected, confirmed, notified, closed or dismissed.");
        }
        if (page is < 1) errors.Add("page", "Pages start at 1.");
        if (pageSize is < 1 or > MaxPageSize) errors.Add("pageSize", $"Between 1 and {MaxPageSize}.");
        errors.ThrowIfAny();
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        var result = await incidents.ListAsync(filter, p, size, ct);
        var next = result.HasMore ? $"/api/incidents?page={p + 1}&pageSize={size}" + (filter is null ? "" : $"&status={status}") : null;
        var items = result.Items.Select(i => new IncidentListItem(i.Id, i.Title, i.Status, i.Source, i.CreatedAt, i.DetectedAt, i.AwareAt)).ToList();
        return TypedResults.Ok(new IncidentListResponse(items, p, size, next));
    }

    public static async Task<Ok<IncidentResponse>> Get(string id, IncidentService incidents, HttpContext http, CancellationToken ct)
    {
        var stored = await incidents.GetAsync(id, ct);
        return TypedResults.Ok(await ToResponseAsync(stored, incidents, http, ct));
    }

    public static async Task<Ok<IncidentResponse>> Patch(string id, HttpRequest request, IncidentService incidents, ClaimsPrincipal user, CancellationToken ct)
    {
        var (changes, factsPatch) = IncidentMergePatch.Parse(await ReadJsonAsync(request, ct));
        Func<Domain.Risk.BreachFacts?, Domain.Risk.BreachFacts>? mergeFacts = factsPatch is { } patch
            ? current => Assessments.FactsRequest.Merge(current, patch, "facts.")
            : null;
        var stored = await incidents.UpdateAsync(id, changes, mergeFacts, IfMatch(request), user.ToActor(), ct);
        return TypedResults.Ok(await ToResponseAsync(stored, incidents, request.HttpContext, ct));
    }

    public static async Task<Ok<IncidentResponse>> Confirm(string id, ConfirmIncidentRequest body, HttpRequest request, IncidentService incidents, ClaimsPrincipal user, CancellationToken ct)
    {
        if (body.AwareAt is null) throw new DomainValidationException("awareAt", "When did you become aware of the breach? (ISO 8601 with offset)");
        var stored = await incidents.ConfirmAsync(id, body.AwareAt.Value, body.Note, IfMatch(request), user.ToActor(), ct);
        return TypedResults.Ok(await ToResponseAsync(stored, incidents, request.HttpContext, ct));
    }

    public static async Task<Ok<IncidentResponse>> Dismiss(string id, DismissIncidentRequest body, HttpRequest request, IncidentService incidents, ClaimsPrincipal user, CancellationToken ct)
    {
        var stored = await incidents.DismissAsync(id, body.Reason ?? "", IfMatch(request), user.ToActor(), ct);
        return TypedResults.Ok(await ToResponseAsync(stored, incidents, request.HttpContext, ct));
    }

    public static async Task<Ok<IncidentResponse>> Close(string id, CloseIncidentRequest body, HttpRequest request, IncidentService incidents, ClaimsPrincipal user, CancellationToken ct)
    {
        var stored = await incidents.CloseAsync(id, body.Note, IfMatch(request), user.ToActor(), ct);
        return TypedResults.Ok(await ToResponseAsync(stored, incidents, request.HttpContext, ct));
    }

    /// <summary>Records the DPO's decision on notices; departing from the engine's recommendation is flagged as an override.</summary>
    public static async Task<Ok<IncidentResponse>> Decide(string id, DecisionRequest body, HttpRequest request, IncidentService incidents, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (body.NotifyAuthority is null) errors.Add("notifyAuthority", "Required: true or false.");
        if (body.NotifyDataSubjects is null) errors.Add("notifyDataSubjects", "Required: true or false.");
        if (body.PublicCommunication is null) errors.Add("publicCommunication", "Required: true or false.");
        if (string.IsNullOrWhiteSpace(body.Rationale)) errors.Add("rationale", "A rationale is required (Art 33(5): document the reasoning).");
        errors.ThrowIfAny();
        var stored = await incidents.DecideAsync(id, body.NotifyAuthority!.Value, body.NotifyDataSubjects!.Value, body.PublicCommunication!.Value, body.Rationale!, IfMatch(request), user.ToActor(), ct);
        return TypedResults.Ok(await ToResponseAsync(stored, incidents, request.HttpContext, ct));
    }

    private static string? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>Reads a JSON body by hand (for merge patches), insisting on a JSON content type.</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        var type = request.ContentType ?? "";
        if (!type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) &&
            !type.StartsWith("application/merge-patch+json", StringComparison.OrdinalIgnoreCase))
            throw new BadHttpRequestException("Send application/merge-patch+json or application/json.", StatusCodes.Status415UnsupportedMediaType);
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, default, ct);
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new BadRequestBodyException("$", "Malformed JSON: " + ex.Message.Split(" Path:")[0]);
        }
    }

    public static async Task<IncidentResponse> ToResponseAsync(StoredIncident stored, IncidentService incidents, HttpContext http, CancellationToken ct)
    {
        var timeline = await incidents.GetTimelineAsync(stored.Incident.Id, ct);
        http.Response.Headers.ETag = stored.ETag;
        var deadlines = http.RequestServices.GetRequiredService<Application.Deadlines.DeadlineService>()
            .Compute(stored.Incident.State, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        return IncidentResponse.From(stored.Incident.State, stored.ETag, timeline, deadlines.Select(Deadlines.DeadlineResponse.From).ToList());
    }
}
