using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Incidents;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Features.Assessments;
using BreachNotify.FunctionApp.Features.Deadlines;
using BreachNotify.FunctionApp.Http;
using BreachNotify.FunctionApp.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Incidents;

/// <summary>Incidents: report, list, read (with timeline and deadlines), change, confirm, dismiss, close, decide.</summary>
public sealed class IncidentFunctions(IncidentService incidents, DeadlineService deadlines, TimeProvider time)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxIdempotencyKeyLength = 200;

    [Function("CreateIncident")]
    [Authorize(Policy = Policies.Report)]
    public async Task<Results<Created<IncidentResponse>, Ok<IncidentResponse>>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents")] HttpRequest req, CancellationToken cancellationToken)
    {
        var idempotencyKey = req.Header("Idempotency-Key");
        if (idempotencyKey is { Length: > MaxIdempotencyKeyLength }) throw new DomainValidationException("Idempotency-Key", $"At most {MaxIdempotencyKeyLength} characters.");
        var request = await req.ReadJsonAsync<CreateIncidentRequest>(cancellationToken);
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
        var result = await incidents.CreateAsync(draft, facts, req.HttpContext.User.ToActor(), idempotencyKey, fingerprint, cancellationToken);
        var body = await ToResponseAsync(result.Stored, req, cancellationToken);
        return result.Created
            ? TypedResults.Created($"/api/incidents/{result.Stored.Incident.Id}", body)
            : TypedResults.Ok(body);
    }

    [Function("ListIncidents")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Ok<IncidentListResponse>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents")] HttpRequest req, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        IncidentStatus? filter = null;
        var status = req.QueryString("status");
        if (!string.IsNullOrEmpty(status))
        {
            if (IncidentStatusExtensions.TryParse(status, out var s)) filter = s;
            else errors.Add("status", "Use suspected, confirmed, notified, closed or dismissed.");
        }
        errors.ThrowIfAny();
        var page = req.QueryInt("page", 1, PageLimits.MaxPage) ?? 1;
        var size = req.QueryInt("pageSize", 1, MaxPageSize) ?? DefaultPageSize;
        var result = await incidents.ListAsync(filter, page, size, cancellationToken);
        var next = result.HasMore ? $"/api/incidents?page={page + 1}&pageSize={size}" + (filter is null ? "" : $"&status={filter.Value.ToWire()}") : null;
        var items = result.Items.Select(i => new IncidentListItem(i.Id, i.Title, i.Status, i.Source, i.CreatedAt, i.DetectedAt, i.AwareAt)).ToList();
        return TypedResults.Ok(new IncidentListResponse(items, page, size, next));
    }

    [Function("GetIncident")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Ok<IncidentResponse>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var stored = await incidents.GetAsync(id, cancellationToken);
        return TypedResults.Ok(await ToResponseAsync(stored, req, cancellationToken));
    }

    /// <summary>
    /// The timeline as the Art 33(5) record with its hash chain checked: every entry with its hash, the head, and
    /// whether the chain holds (and if not, the first entry that breaks it). docs/audit.md shows how to recompute it.
    /// </summary>
    [Function("AuditIncident")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Ok<IncidentAuditResponse>> Audit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}/audit")] HttpRequest req, string id, CancellationToken cancellationToken)
        => TypedResults.Ok(IncidentAuditResponse.From(await incidents.AuditAsync(id, cancellationToken)));

    /// <summary>A JSON merge patch (RFC 7396); <c>If-Match</c> makes a stale edit fail with 412 instead of overwriting.</summary>
    [Function("UpdateIncident")]
    [Authorize(Policy = Policies.Report)]
    public async Task<Ok<IncidentResponse>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "incidents/{id}")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var (changes, factsPatch) = IncidentMergePatch.Parse(await req.ReadJsonDocumentAsync(cancellationToken));
        Func<Domain.Risk.BreachFacts?, Domain.Risk.BreachFacts>? mergeFacts = factsPatch is { } patch
            ? current => FactsRequest.Merge(current, patch, "facts.")
            : null;
        var stored = await incidents.UpdateAsync(id, changes, mergeFacts, req.IfMatch(), req.HttpContext.User.ToActor(), cancellationToken);
        return TypedResults.Ok(await ToResponseAsync(stored, req, cancellationToken));
    }

    [Function("ConfirmIncident")]
    [Authorize(Policy = Policies.Report)]
    public async Task<Ok<IncidentResponse>> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/confirm")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<ConfirmIncidentRequest>(cancellationToken);
        if (body.AwareAt is null) throw new DomainValidationException("awareAt", "When did you become aware of the breach? (ISO 8601 with offset)");
        var stored = await incidents.ConfirmAsync(id, body.AwareAt.Value, body.Note, req.IfMatch(), req.HttpContext.User.ToActor(), cancellationToken);
        return TypedResults.Ok(await ToResponseAsync(stored, req, cancellationToken));
    }

    /// <summary>Dismissing stops the clock on a possible breach: a DPO's call, not a reporter's.</summary>
    [Function("DismissIncident")]
    [Authorize(Policy = Policies.Dpo)]
    public async Task<Ok<IncidentResponse>> Dismiss(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/dismiss")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<DismissIncidentRequest>(cancellationToken);
        var stored = await incidents.DismissAsync(id, body.Reason ?? "", req.IfMatch(), req.HttpContext.User.ToActor(), cancellationToken);
        return TypedResults.Ok(await ToResponseAsync(stored, req, cancellationToken));
    }

    [Function("CloseIncident")]
    [Authorize(Policy = Policies.Dpo)]
    public async Task<Ok<IncidentResponse>> Close(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/close")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<CloseIncidentRequest>(cancellationToken);
        var stored = await incidents.CloseAsync(id, body.Note, req.IfMatch(), req.HttpContext.User.ToActor(), cancellationToken);
        return TypedResults.Ok(await ToResponseAsync(stored, req, cancellationToken));
    }

    /// <summary>Records the DPO's decision on notices; departing from the engine's recommendation is flagged as an override.</summary>
    [Function("RecordDecision")]
    [Authorize(Policy = Policies.Dpo)]
    public async Task<Ok<IncidentResponse>> Decide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/decision")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<DecisionRequest>(cancellationToken);
        var errors = new FieldErrors();
        if (body.NotifyAuthority is null) errors.Add("notifyAuthority", "Required: true or false.");
        if (body.NotifyDataSubjects is null) errors.Add("notifyDataSubjects", "Required: true or false.");
        if (body.PublicCommunication is null) errors.Add("publicCommunication", "Required: true or false.");
        if (string.IsNullOrWhiteSpace(body.Rationale)) errors.Add("rationale", "A rationale is required (Art 33(5): document the reasoning).");
        errors.ThrowIfAny();
        var stored = await incidents.DecideAsync(id, body.NotifyAuthority!.Value, body.NotifyDataSubjects!.Value, body.PublicCommunication!.Value, body.Rationale!,
            req.IfMatch(), req.HttpContext.User.ToActor(), cancellationToken);
        return TypedResults.Ok(await ToResponseAsync(stored, req, cancellationToken));
    }

    private async Task<IncidentResponse> ToResponseAsync(StoredIncident stored, HttpRequest req, CancellationToken cancellationToken)
    {
        var timeline = await incidents.GetTimelineAsync(stored.Incident.Id, cancellationToken);
        req.HttpContext.Response.Headers.ETag = stored.ETag;
        var computed = deadlines.Compute(stored.Incident.State, time.GetUtcNow());
        return IncidentResponse.From(stored.Incident.State, stored.ETag, timeline, computed.Select(DeadlineResponse.From).ToList());
    }
}
