using System.Security.Claims;
using BreachNotify.FunctionApp.Auth;
using BreachNotify.FunctionApp.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// What happens around every HTTP function, in both hosting modes: the body limit, the X-Api-Key check against the
/// function's declared role, and the one exception → RFC 7807 mapping. Under the Functions host it runs as worker
/// middleware (<see cref="HttpFunctionMiddleware"/>); standalone, the endpoint that serves the function calls it
/// (<see cref="StandaloneHost"/>). Nothing reaches a function without passing here.
/// </summary>
public sealed class HttpFunctionPipeline(
    RequestBodyLimits limits,
    IAuthorizationService authorization,
    ProblemResults problems)
{
    /// <param name="invoke">Runs the function and returns what it returned (an <see cref="IResult"/>).</param>
    /// <returns>The result to write: the function's, or a problem.</returns>
    public async Task<IResult> RunAsync(HttpContext http, HttpFunction function, Func<Task<object?>> invoke)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(invoke);
        try
        {
            limits.Apply(http, function.BodyLimit);
            if (!function.AllowAnonymous)
            {
                var authenticated = await http.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
                if (!authenticated.Succeeded || authenticated.Principal is null) return ProblemResults.Unauthorized(http);
                http.User = authenticated.Principal;
                if (!await IsAllowedAsync(http.User, function.Policy)) return ProblemResults.Forbidden(http);
            }
            var result = await invoke();
            return result as IResult ?? throw new InvalidOperationException($"Function {function.Name} returned no IResult.");
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            return problems.For(http, ex, function.Name);
        }
    }

    /// <summary>A named policy, or for none any valid key (the secure default).</summary>
    private async Task<bool> IsAllowedAsync(ClaimsPrincipal user, string? policy)
        => policy is null
            ? user.Identity?.IsAuthenticated == true
            : (await authorization.AuthorizeAsync(user, policy)).Succeeded;
}
