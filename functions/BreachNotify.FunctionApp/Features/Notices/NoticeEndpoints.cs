using System.Security.Claims;
using BreachNotify.Adapters.Recipients;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Authorities;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Domain.Common;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Features.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Features.Notices;

public static class NoticeEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static RouteGroupBuilder MapNotices(this IEndpointRouteBuilder app)
    {
        var maxUpload = app.ServiceProvider.GetRequiredService<IOptions<NoticeOptions>>().Value.MaxUploadBytes;
        var group = app.MapGroup("/api/incidents/{id}").WithTags("Notices");
        group.MapPost("/recipients", UploadRecipients).RequireAuthorization(Policies.Report).WithRequestBodyLimit(maxUpload);
        group.MapGet("/recipients", GetRecipients).RequireAuthorization(Policies.Read);
        group.MapPut("/notice-content/{language}", SetContent).RequireAuthorization(Policies.Report);
        group.MapGet("/notice-content", GetContent).RequireAuthorization(Policies.Read);
        group.MapGet("/notices/preview", Preview).RequireAuthorization(Policies.Read);
        group.MapPost("/notifications", Notify).RequireAuthorization(Policies.Dpo);
        group.MapGet("/notifications", ListNotifications).RequireAuthorization(Policies.Read);
        group.MapPost("/authority-submissions", SubmitToAuthority).RequireAuthorization(Policies.Dpo);
        app.MapGet("/api/authorities", ListAuthorities).RequireAuthorization(Policies.Read).WithTags("Notices");
        app.MapSendGridWebhook();
        return group;
    }

    /// <summary>Streams a CSV or JSON upload into the incident's recipients (never buffered whole; never logged).</summary>
    public static async Task<Ok<RecipientImportResponse>> UploadRecipients(string id, HttpRequest request, RecipientImporter importer, CancellationToken ct)
    {
        var type = request.ContentType ?? "";
        var csv = type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase);
        var json = type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        if (!csv && !json) throw new BadHttpRequestException("Send text/csv (header email,name,language,country,kind,externalId) or application/json (an array).", StatusCodes.Status415UnsupportedMediaType);
        if (request.ContentLength == 0) throw new BadRequestBodyException("$", "The body is empty.");
        try
        {
            var rows = csv ? RecipientReaders.ReadCsvAsync(request.Body, ct) : RecipientReaders.ReadJsonAsync(request.Body, ct);
            var result = await importer.ImportAsync(id, rows, ct);
            return TypedResults.Ok(new RecipientImportResponse(result.Accepted, result.Duplicates, result.RejectedCount,
                result.Rejected.Select(r => csv ? new RejectedRowResponse(r.Position, null, r.Reason) : new RejectedRowResponse(null, r.Position, r.Reason)).ToList()));
        }
        catch (RecipientUploadException ex)
        {
            throw new BadRequestBodyException(ex.Field, ex.Message);
        }
    }

    /// <summary>Counts for everyone who may read; the rows themselves (personal data) for the DPO only.</summary>
    public static async Task<Results<Ok<RecipientsResponse>, ProblemHttpResult>> GetRecipients(
        string id, ClaimsPrincipal user, RecipientRepository recipients, NotificationQueries notifications, Application.Incidents.IncidentService incidents,
        bool? rows = null, int? pageSize = null, string? continuation = null, CancellationToken ct = default)
    {
        _ = await incidents.GetAsync(id, ct);
        var listRows = rows == true || continuation is not null;
        if (listRows && !user.IsDpo()) return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: "Only the DPO may see recipients' rows; counts are open to every role.");
        if (pageSize is < 1 or > MaxPageSize) throw new DomainValidationException("pageSize", $"Between 1 and {MaxPageSize}.");
        var counts = await recipients.CountAsync(id, ct);
        var notices = await notifications.RecipientNoticeCountsAsync(id, ct);
        List<RecipientRowResponse>? items = null;
        string? next = null;
        if (listRows)
        {
            var page = await recipients.PageAsync(id, pageSize ?? DefaultPageSize, continuation, ct);
            items = page.Items.Select(r => new RecipientRowResponse(r.Recipient.Email, r.Recipient.Name, r.Recipient.Language, r.Recipient.Country, r.Recipient.Kind, r.Recipient.ExternalId, r.AddedAt)).ToList();
            next = page.ContinuationToken;
        }
        return TypedResults.Ok(new RecipientsResponse(counts.Total, counts.ByKind, counts.ByLanguage, counts.ByKindAndLanguage, notices, items, next));
    }

    public static async Task<Ok<NoticeTexts>> SetContent(string id, string language, NoticeContentRequest body, HttpRequest request, NoticeContentService content, ClaimsPrincipal user, CancellationToken ct)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        var texts = await content.SetAsync(id, language, new NoticeTexts(body.Summary, body.Consequences, body.Measures, body.Advice), string.IsNullOrWhiteSpace(ifMatch) ? null : ifMatch.Trim(), user.ToActor(), ct);
        return TypedResults.Ok(texts);
    }

    public static async Task<Ok<IReadOnlyDictionary<string, NoticeTexts>>> GetContent(string id, NoticeContentService content, Application.Incidents.IncidentService incidents, CancellationToken ct)
    {
        _ = await incidents.GetAsync(id, ct);
        return TypedResults.Ok(await content.GetAsync(id, ct));
    }

    /// <summary>Exactly what would be sent (before each recipient's salutation is filled in), with its template version and hash.</summary>
    public static async Task<Ok<NoticePreviewResponse>> Preview(string id, NotificationService notifications, string? kind = null, string? language = null, string? phase = null, string? reasonsForDelay = null, CancellationToken ct = default)
    {
        var r = await notifications.PreviewAsync(id, kind, language, phase, reasonsForDelay, ct);
        var lexicon = NoticeLexicon.For(r.Language);
        var substitutions = new Dictionary<string, string>
        {
            [NoticeComposer.SalutationToken] = $"{lexicon.SalutationNamed} or \"{lexicon.SalutationGeneric}\" when the recipient has no name",
            [NoticeComposer.SalutationHtmlToken] = "the same, HTML-escaped",
        };
        return TypedResults.Ok(new NoticePreviewResponse(r.Kind, r.Language, r.Phase, r.TemplateVersion, r.Subject, r.Text, r.Html, r.BodySha256, substitutions));
    }

    public static async Task<Accepted<NotificationAccepted>> Notify(
        string id, NotificationRequestBody body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        NotificationService notifications, ClaimsPrincipal user, CancellationToken ct)
    {
        var created = await notifications.CreateAsync(id, new NotificationRequest(body.Kind, body.Phase, body.Language, body.ReasonsForDelay, body.Override ?? false, body.Rationale),
            user.ToActor(), string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim(), ct);
        return TypedResults.Accepted($"/api/incidents/{id}/notifications", new NotificationAccepted(created.NotificationId, created.Jobs, created.Recipients));
    }

    public static async Task<Ok<NotificationsResponse>> ListNotifications(string id, NotificationQueries notifications, CancellationToken ct)
        => TypedResults.Ok(new NotificationsResponse(await notifications.ListAsync(id, ct)));

    public static async Task<Results<Created<AuthoritySubmissionResponse>, Ok<AuthoritySubmissionResponse>>> SubmitToAuthority(
        string id, AuthoritySubmissionRequest body, AuthoritySubmissionService submissions, ClaimsPrincipal user, CancellationToken ct)
    {
        var s = await submissions.RecordAsync(id, body.Reference, body.SubmittedAt, body.ReasonsForDelay, body.Note, user.ToActor(), ct);
        var response = new AuthoritySubmissionResponse(s.Reference, s.SubmittedAt, s.SubmittedBy, s.DueAt, s.InTime);
        return s.Replayed ? TypedResults.Ok(response) : TypedResults.Created($"/api/incidents/{id}", response);
    }

    public static Ok<IReadOnlyCollection<SupervisoryAuthority>> ListAuthorities(SupervisoryAuthorityRegistry registry)
        => TypedResults.Ok((IReadOnlyCollection<SupervisoryAuthority>)registry.All.OrderBy(a => a.Country, StringComparer.Ordinal).ToList());
}
