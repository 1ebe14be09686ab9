using System.Text;
using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Authorities;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Hosting;
using BreachNotify.FunctionApp.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Notices;

/// <summary>Notices: recipients, the people-written texts, previews, notifications (queued jobs) and authority submissions.</summary>
public sealed class NoticeFunctions(
    IncidentService incidents,
    RecipientUpload upload,
    RecipientQueries recipients,
    RecipientErasure erasure,
    NoticeContentService content,
    NotificationService notifications,
    NotificationQueries queries,
    AuthoritySubmissionService submissions,
    SupervisoryAuthorityRegistry authorities)
{
    /// <summary>Streams a CSV or JSON upload into the incident's recipients (never buffered whole; never logged).</summary>
    [Function("UploadRecipients")]
    [Authorize(Policy = Policies.Report)]
    [RequestBodyLimit(BodyLimit.RecipientUpload)]
    public async Task<Ok<RecipientImportResponse>> UploadRecipients(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/recipients")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var type = (req.ContentType ?? "").Split(';')[0].Trim();
        var csv = type.Equals("text/csv", StringComparison.OrdinalIgnoreCase);
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase);
        if (!csv && !json) throw new BadHttpRequestException("Send text/csv (header email,name,language,country,kind,externalId,controller) or application/json (an array).", StatusCodes.Status415UnsupportedMediaType);
        if (req.ContentLength == 0) throw new BadRequestBodyException("$", "The body is empty.");
        var body = UploadText(req, csv);
        try
        {
            var result = await upload.ImportAsync(id, body, csv ? RecipientFileFormat.Csv : RecipientFileFormat.Json, cancellationToken);
            RejectedRowResponse Row(RejectedRow r) => csv ? new RejectedRowResponse(r.Position, null, r.Reason) : new RejectedRowResponse(null, r.Position, r.Reason);
            return TypedResults.Ok(new RecipientImportResponse(result.Accepted, result.Duplicates, result.RejectedCount,
                result.Rejected.Select(Row).ToList(), result.Erased, result.WarningCount, result.Warnings.Select(Row).ToList()));
        }
        catch (RecipientUploadException ex)
        {
            throw new BadRequestBodyException(ex.Field, ex.Message);
        }
    }

    /// <summary>
    /// The upload as UTF-8, which is what the readers take (and check, line by line). A CSV that declares a Latin-1
    /// charset (<c>text/csv; charset=iso-8859-1</c> or <c>windows-1252</c>, what spreadsheets save as "CSV") is
    /// transcoded as it streams; any other declared charset is refused (415), and JSON is UTF-8 only (RFC 8259 §8.1).
    /// </summary>
    private static Stream UploadText(HttpRequest req, bool csv)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(req.ContentType, out var media) || media.Charset.Length == 0) return req.Body;
        var charset = media.Charset.ToString().Trim('"').ToLowerInvariant();
        if (charset is "utf-8" or "utf8" or "us-ascii") return req.Body;
        Encoding? encoding = !csv ? null : charset switch
        {
            "iso-8859-1" or "latin1" or "iso_8859-1" or "l1" => Encoding.Latin1,
            "windows-1252" or "cp1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252),
            _ => null,
        };
        return encoding is null
            ? throw new BadHttpRequestException($"charset={Truncated(charset)} is not read: send UTF-8{(csv ? ", ISO-8859-1 or windows-1252" : "")}.", StatusCodes.Status415UnsupportedMediaType)
            : Encoding.CreateTranscodingStream(req.Body, encoding, Encoding.UTF8, leaveOpen: true);
    }

    private static string Truncated(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>Counts for everyone who may read; the rows themselves (personal data) for the DPO only.</summary>
    [Function("GetRecipients")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Results<Ok<RecipientsResponse>, ProblemHttpResult>> GetRecipients(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}/recipients")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var continuation = req.QueryString("continuation");
        var listRows = req.QueryBool("rows") == true || continuation is not null;
        var page = PageRequest.Parse(null, req.QueryString("pageSize"), continuation, RecipientQueries.RowPages);
        if (listRows && !req.HttpContext.User.IsDpo())
        {
            _ = await recipients.GetAsync(id, null, cancellationToken); // 404 before 403 for an unknown incident
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: "Only the DPO may see recipients' rows; counts are open to every role.");
        }
        var overview = await recipients.GetAsync(id, listRows ? page : null, cancellationToken);
        var counts = overview.Counts;
        var items = overview.Rows?.Select(row =>
        {
            var (r, c) = (row.Recipient, row.Recipient.Contact);
            return new RecipientRowResponse(r.Key, c?.Email, c?.Name, r.Language.ToWire(), c?.Country, r.Kind.ToWire(), c?.ExternalId, r.AddedAt, r.ErasedAt,
                row.Notices.Select(n => new RecipientNoticeResponse(n.NotificationId, n.Kind.ToWire(), n.Phase.ToWire(), n.Status, n.Reason)).ToList(), r.Controller);
        }).ToList();
        return TypedResults.Ok(new RecipientsResponse(counts.Total, counts.ByKind, counts.ByLanguage, counts.ByKindAndLanguage, counts.ErasedByKind, overview.NoticesByStatus, items, overview.Continuation));
    }

    /// <summary>
    /// Erases recipients' personal data: <c>{}</c> for every recipient, <c>{"emails": [...]}</c> for some (an erasure
    /// request, GDPR Art 17). Keys, kinds, languages, counts and delivery statuses are kept. Safe to repeat.
    /// </summary>
    [Function("EraseRecipients")]
    [Authorize(Policy = Policies.Dpo)]
    public async Task<Ok<RecipientErasureResponse>> EraseRecipients(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/recipients/erase")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var emails = ErasureEmails(await req.ReadJsonDocumentAsync(cancellationToken));
        var r = await erasure.EraseAsync(id, emails, req.HttpContext.User.ToActor(), cancellationToken);
        return TypedResults.Ok(new RecipientErasureResponse(r.ErasureId, r.All ? "all" : "some", r.Erased, r.AlreadyErased, r.All ? null : r.NotFound));
    }

    /// <summary>The body's addresses: null (every recipient) only for an object without <c>emails</c>; a null list is refused,
    /// so that no client slip erases everyone.</summary>
    private static List<string?>? ErasureEmails(System.Text.Json.JsonElement body)
    {
        if (body.ValueKind != System.Text.Json.JsonValueKind.Object) throw new BadRequestBodyException("$", "Send {} to erase every recipient or {\"emails\": [...]} for some.");
        List<string?>? emails = null;
        foreach (var p in body.EnumerateObject())
        {
            if (p.Name != "emails") throw new BadRequestBodyException(p.Name, "Unknown field; only emails is allowed.");
            if (p.Value.ValueKind != System.Text.Json.JsonValueKind.Array) throw new BadRequestBodyException("emails", "An array of e-mail addresses; leave it out to erase every recipient.");
            emails = p.Value.EnumerateArray().Select((e, i) => e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString()
                : throw new BadRequestBodyException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"emails[{i}]"), "An e-mail address (string).")).ToList();
        }
        return emails;
    }

    [Function("SetNoticeContent")]
    [Authorize(Policy = Policies.Report)]
    public async Task<Ok<NoticeTexts>> SetContent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "incidents/{id}/notice-content/{language}")] HttpRequest req, string id, string language, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<NoticeContentRequest>(cancellationToken);
        var texts = await content.SetAsync(id, language, new NoticeTexts(body.Summary, body.Consequences, body.Measures, body.Advice), req.IfMatch(), req.HttpContext.User.ToActor(), cancellationToken);
        return TypedResults.Ok(texts);
    }

    /// <summary>The third-person texts for the authority and controllers, per language (the authority notice never uses the "your data" texts).</summary>
    [Function("SetAuthorityNoticeContent")]
    [Authorize(Policy = Policies.Report)]
    public async Task<Ok<AuthorityTexts>> SetAuthorityContent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "incidents/{id}/notice-content/{language}/authority")] HttpRequest req, string id, string language, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<AuthorityContentRequest>(cancellationToken);
        var texts = await content.SetAuthorityAsync(id, language, new AuthorityTexts(body.Summary, body.Consequences, body.Measures), req.IfMatch(), req.HttpContext.User.ToActor(), cancellationToken);
        return TypedResults.Ok(texts);
    }

    /// <summary>The texts for the people concerned per language, with the incident's ETag as it was read first: send it as
    /// <c>If-Match</c> with the next PUT so that it fails (412) rather than overwrite a change made meanwhile.</summary>
    [Function("GetNoticeContent")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Ok<IReadOnlyDictionary<string, NoticeTexts>>> GetContent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}/notice-content")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var stored = await incidents.GetAsync(id, cancellationToken);
        req.HttpContext.Response.Headers.ETag = stored.ETag;
        return TypedResults.Ok((await content.GetAsync(id, cancellationToken)).People);
    }

    /// <summary>The third-person texts for the authority and controllers per language, with the incident's ETag (as above).</summary>
    [Function("GetAuthorityNoticeContent")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Ok<IReadOnlyDictionary<string, AuthorityTexts>>> GetAuthorityContent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}/notice-content/authority")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var stored = await incidents.GetAsync(id, cancellationToken);
        req.HttpContext.Response.Headers.ETag = stored.ETag;
        return TypedResults.Ok((await content.GetAsync(id, cancellationToken)).Authority);
    }

    /// <summary>Exactly what would be sent (before each recipient's salutation is filled in), with its template version and hash.</summary>
    [Function("PreviewNotice")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Ok<NoticePreviewResponse>> Preview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}/notices/preview")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var r = await notifications.PreviewAsync(id, new NoticePreviewRequest(req.QueryString("kind"), req.QueryString("language"), req.QueryString("phase"), req.QueryString("reasonsForDelay"),
            req.QueryString("country"), req.QueryString("controller")), cancellationToken);
        var lexicon = NoticeLexicon.For(r.Language.ToWire());
        var substitutions = new Dictionary<string, string>
        {
            [NoticeComposer.SalutationToken] = $"{lexicon.SalutationNamed} or \"{lexicon.SalutationGeneric}\" when the recipient has no name",
            [NoticeComposer.SalutationHtmlToken] = "the same, HTML-escaped",
        };
        return TypedResults.Ok(new NoticePreviewResponse(r.Kind.ToWire(), r.Language.ToWire(), r.Phase.ToWire(), r.TemplateVersion, r.Subject, r.Text, r.Html, r.BodySha256, substitutions, r.Controller));
    }

    [Function("CreateNotification")]
    [Authorize(Policy = Policies.Dpo)]
    public async Task<Accepted<NotificationAccepted>> Notify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/notifications")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<NotificationRequestBody>(cancellationToken);
        var created = await notifications.CreateAsync(id, new NotificationRequest(body.Kind, body.Phase, body.Language, body.ReasonsForDelay, body.Override ?? false, body.Rationale, body.Resend ?? false),
            req.HttpContext.User.ToActor(), req.Header("Idempotency-Key"), cancellationToken);
        return TypedResults.Accepted($"/api/incidents/{id}/notifications", new NotificationAccepted(created.NotificationId, created.Jobs, created.Recipients));
    }

    [Function("ListNotifications")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Ok<NotificationsResponse>> ListNotifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}/notifications")] HttpRequest req, string id, CancellationToken cancellationToken)
        => TypedResults.Ok(new NotificationsResponse(await queries.ListAsync(id, cancellationToken)));

    [Function("RecordAuthoritySubmission")]
    [Authorize(Policy = Policies.Dpo)]
    public async Task<Results<Created<AuthoritySubmissionResponse>, Ok<AuthoritySubmissionResponse>>> SubmitToAuthority(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/authority-submissions")] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<AuthoritySubmissionRequest>(cancellationToken);
        var s = await submissions.RecordAsync(id, body.Reference, body.SubmittedAt, body.ReasonsForDelay, body.Note, req.HttpContext.User.ToActor(), cancellationToken);
        var response = new AuthoritySubmissionResponse(s.Reference, s.SubmittedAt, s.SubmittedBy, s.DueAt, s.InTime);
        return s.Replayed ? TypedResults.Ok(response) : TypedResults.Created($"/api/incidents/{id}", response);
    }

    [Function("ListAuthorities")]
    [Authorize(Policy = Policies.Read)]
    public Ok<IReadOnlyCollection<SupervisoryAuthority>> ListAuthorities(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "authorities")] HttpRequest req)
        => TypedResults.Ok((IReadOnlyCollection<SupervisoryAuthority>)authorities.All.OrderBy(a => a.Country, StringComparer.Ordinal).ToList());
}
