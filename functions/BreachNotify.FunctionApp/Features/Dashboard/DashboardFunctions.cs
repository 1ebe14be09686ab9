using System.Security.Claims;
using BreachNotify.Application.Organisation;
using BreachNotify.FunctionApp.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Features.Dashboard;

/// <summary>Who the caller is and how the dashboard should show times.</summary>
/// <param name="Permissions">What the role may do: read, report (create, update, confirm), dpo (decide, dismiss, close, notify).</param>
public sealed record WhoAmIResponse(string Name, string Role, IReadOnlyList<string> Permissions, string TimeZone);

/// <summary>The dashboard (static files, anonymous: they hold no data) and whoami.</summary>
public sealed class DashboardFunctions(UiAssets assets, IOptions<OrganisationOptions> organisation)
{
    public const string UiPath = "/api/ui/";

    /// <summary>
    /// Applied to every dashboard response: only our own scripts and styles (no inline script), no framing, no
    /// sniffing, no referrer (incident ids in URLs stay here). The UI's API calls go to 'self' too.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>A static file of the dashboard; "/api/ui" without the slash redirects so relative URLs resolve.</summary>
    [Function("Dashboard")]
    [AllowAnonymous]
    public Results<Ok, FileContentHttpResult, StatusCodeHttpResult, RedirectHttpResult, NotFound> Asset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ui/{*path}")] HttpRequest req, string? path)
    {
        ApplySecurityHeaders(req.HttpContext.Response.Headers);
        if (string.IsNullOrEmpty(path) && !req.Path.Value!.EndsWith('/'))
            return TypedResults.Redirect(UiPath);
        var asset = assets.Find(path);
        if (asset is null) return TypedResults.NotFound();
        // Revalidate every time (no-cache + ETag): a new release must never run with a stale script.
        req.HttpContext.Response.Headers.CacheControl = "no-cache";
        req.HttpContext.Response.Headers.ETag = asset.ETag;
        if (req.Headers.IfNoneMatch.ToString() == asset.ETag) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.File(asset.Content, asset.ContentType);
    }

    [Function("WhoAmI")]
    [Authorize(Policy = Policies.Read)]
    public Ok<WhoAmIResponse> WhoAmI([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "whoami")] HttpRequest req)
    {
        var user = req.HttpContext.User;
        var role = user.FindFirstValue(ClaimTypes.Role) ?? "";
        IReadOnlyList<string> permissions = role switch
        {
            Roles.Dpo => [Policies.Read, Policies.Report, Policies.Dpo],
            Roles.Reporter => [Policies.Read, Policies.Report],
            Roles.Viewer => [Policies.Read],
            _ => [],
        };
        return TypedResults.Ok(new WhoAmIResponse(user.Identity?.Name ?? "", role, permissions, organisation.Value.TimeZone));
    }

    public static void ApplySecurityHeaders(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
    }
}
