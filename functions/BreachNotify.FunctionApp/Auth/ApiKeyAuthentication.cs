using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Auth;

/// <summary>Roles, weakest first: viewer reads; reporter also creates and updates incidents; dpo may do everything.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Reporter = "reporter";
    public const string Dpo = "dpo";

    public static readonly IReadOnlyList<string> All = [Viewer, Reporter, Dpo];

    public static bool IsKnown(string? role) => role is Viewer or Reporter or Dpo;
}

/// <summary>Authorization policies named after what a caller may do.</summary>
public static class Policies
{
    public const string Read = "read";
    public const string Report = "report";
    public const string Dpo = "dpo";
}

public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public string KeySha256 { get; set; } = "";
}

public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var k = options.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(k.Name)) failures.Add($"Auth:ApiKeys:{i}:Name is required.");
            if (!Roles.IsKnown(k.Role)) failures.Add($"Auth:ApiKeys:{i}:Role must be one of {string.Join(", ", Roles.All)}.");
            if (k.KeySha256.Length != 64 || !k.KeySha256.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
                failures.Add($"Auth:ApiKeys:{i}:KeySha256 must be 64 lower-case hex characters (SHA-256 of the key).");
        }
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// Authenticates the X-Api-Key header against configured SHA-256 hashes. <see cref="Hosting.HttpFunctionPipeline"/>
/// calls it for every function that is not anonymous and answers 401/403 itself (saying nothing about which key was tried).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<ApiKeyOptions> keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrEmpty(values.ToString()))
            return Task.FromResult(AuthenticateResult.NoResult());

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(values.ToString()));
        ApiKeyEntry? match = null;
        foreach (var entry in keys.CurrentValue.ApiKeys)
        {
            // Compare every entry in constant time so timing says nothing about which keys exist.
            if (entry.KeySha256.Length == 64 && CryptographicOperations.FixedTimeEquals(presented, Convert.FromHexString(entry.KeySha256)))
                match ??= entry;
        }
        if (match is null) return Task.FromResult(AuthenticateResult.Fail("Invalid API key."));

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.Role, match.Role)],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

public static class ActorExtensions
{
    public static BreachNotify.Domain.Incidents.Actor ToActor(this ClaimsPrincipal user)
        => new(user.Identity?.Name ?? "anonymous", user.FindFirstValue(ClaimTypes.Role) ?? "none");

    public static bool IsDpo(this ClaimsPrincipal user) => user.IsInRole(Roles.Dpo);
}

public static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Read, p => p.RequireRole(Roles.Viewer, Roles.Reporter, Roles.Dpo))
            .AddPolicy(Policies.Report, p => p.RequireRole(Roles.Reporter, Roles.Dpo))
            .AddPolicy(Policies.Dpo, p => p.RequireRole(Roles.Dpo));
        // No fallback policy here: the pipeline applies each function's declared policy in both hosting modes, and the
        // function index refuses a function that declares none (secure by default).
        return services;
    }
}
