using System.Security.Claims;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Features.Register;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Features.Dashboard;

/// <summary>Who the caller is and how the dashboard should show times.</summary>
/// <param name="Permissions">What the role may do: read, report (create, update, confirm), dpo (decide, dismiss, close, notify).</param>
public sealed record WhoAmIResponse(string Name, string Role, IReadOnlyList<string> Permissions, string TimeZone);

public static class DashboardEndpoints
{
    public const string UiPath = "/api/ui/";

    /// <summary>
    /// Applied to every dashboard response: only our own scripts and styles (no inline script), no framing, no
    /// sniffing, no referrer (incident ids in URLs stay here). The UI's API calls go to 'self' too.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The dashboard (static, anonymous: it holds no data), whoami and the register.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var ui = app.MapGroup("/api/ui").WithTags("Dashboard").AllowAnonymous().ExcludeFromDescription()
            .AddEndpointFilter(async (ctx, next) =>
            {
                ApplySecurityHeaders(ctx.HttpContext.Response.Headers);
                return await next(ctx);
            });
        ui.MapGet("/", Asset);
        ui.MapGet("/{*path}", Asset);
        app.MapGet("/api/whoami", WhoAmI).RequireAuthorization(Policies.Read).WithTags("Dashboard");
        app.MapRegister();
        return app;
    }

    public static void ApplySecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
    }

    /// <summary>A static file of the dashboard; "/api/ui" without the slash redirects so relative URLs resolve.</summary>
    public static Results<Ok, FileContentHttpResult, StatusCodeHttpResult, RedirectHttpResult, NotFound> Asset(HttpContext http, UiAssets assets, string? path = null)
    {
        if (string.IsNullOrEmpty(path) && !http.Request.Path.Value!.EndsWith('/'))
            return TypedResults.Redirect(UiPath);
        var asset = assets.Find(path);
        if (asset is null) return TypedResults.NotFound();
        // Revalidate every time (no-cache + ETag): a new release must never run with a stale script.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.File(asset.Content, asset.ContentType);
    }

    public static Ok<WhoAmIResponse> WhoAmI(ClaimsPrincipal user, IOptions<BreachNotify.Application.Organisation.OrganisationOptions> organisation)
    {
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
}
