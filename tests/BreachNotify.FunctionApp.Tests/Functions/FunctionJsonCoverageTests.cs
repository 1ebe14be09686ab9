using BreachNotify.FunctionApp.Functions;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BreachNotify.FunctionApp.Tests.Functions;

/// <summary>
/// The Function app (host.json + function folders) and the handler must agree: every function.json names a
/// route or trigger the handler serves, and every /api route the handler serves is reachable through a function.
/// </summary>
public sealed class FunctionJsonCoverageTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static IReadOnlyList<FunctionDefinition> Functions => FunctionCatalog.ReadFunctions(RepoPaths.FunctionApp);

    private List<(string Pattern, IReadOnlyList<string> Methods, bool Anonymous)> Endpoints()
    {
        _ = _factory.Server; // start the app
        var source = _factory.Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>()
            .Select(e => ("/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? (IReadOnlyList<string>)[],
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null))
            .ToList();
    }

    /// <summary>An HTTP function's route "incidents/{*path}" covers /api/incidents and everything below it.</summary>
    private static bool Covers(FunctionDefinition f, string pattern)
    {
        var route = "/api/" + f.Route!.Trim('/');
        var catchAll = route.IndexOf("/{*", StringComparison.Ordinal);
        if (catchAll >= 0)
        {
            var prefix = route[..catchAll];
            return pattern == prefix || pattern == prefix + "/" || pattern.StartsWith(prefix + "/", StringComparison.Ordinal);
        }
        return string.Equals(pattern.TrimEnd('/'), route, StringComparison.Ordinal);
    }

    [Fact]
    public void There_are_function_folders()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.FunctionApp, "host.json")));
        Assert.Contains(Functions, f => f.Name == "Incidents");
        Assert.Contains(Functions, f => f.Name == "Health");
    }

    [Fact]
    public void Http_functions_are_forwardable_and_their_routes_and_methods_are_served()
    {
        var endpoints = Endpoints();
        foreach (var f in Functions.Where(f => f.TriggerType == "httpTrigger"))
        {
            // Forwarding applies only to exactly one httpTrigger in and one http out (platform.md §2).
            Assert.Equal(["httpTrigger", "http"], f.BindingTypes);
            Assert.False(string.IsNullOrEmpty(f.Route), $"{f.Name} has no route");
            var served = endpoints.Where(e => Covers(f, e.Pattern)).ToList();
            Assert.True(served.Count > 0, $"{f.Name}: no endpoint under /api/{f.Route}");
            // Function keys guard everything, except a function whose every endpoint is anonymous by design (the
            // dashboard's static files: a browser cannot add a key to <script src>; they hold no data).
            if (f.AuthLevel == "anonymous")
                Assert.All(served, e => Assert.True(e.Anonymous, $"{f.Name} is anonymous but {e.Pattern} needs a key"));
            else
                Assert.Equal("function", f.AuthLevel);
            foreach (var method in f.Methods)
                Assert.True(served.Any(e => e.Methods.Contains(method)), $"{f.Name}: no {method} endpoint under /api/{f.Route}");
            foreach (var e in served)
                foreach (var m in e.Methods)
                    Assert.True(f.Methods.Contains(m) || Functions.Any(o => o != f && o.Methods.Contains(m) && Covers(o, e.Pattern)),
                        $"{e.Pattern} {m} is served but function {f.Name} does not accept {m}");
        }
    }

    [Fact]
    public void Every_api_route_is_reachable_through_an_http_function()
    {
        var https = Functions.Where(f => f.TriggerType == "httpTrigger").ToList();
        foreach (var (pattern, _, _) in Endpoints().Where(e => e.Pattern.StartsWith("/api/", StringComparison.Ordinal)))
            Assert.True(https.Any(f => Covers(f, pattern)), $"{pattern} is not reachable under the Functions host: add or widen a function route");
    }

    [Fact]
    public void Trigger_functions_are_served_as_post_function_name()
    {
        var endpoints = Endpoints();
        foreach (var f in Functions.Where(f => f.TriggerType != "httpTrigger"))
            Assert.Contains(endpoints, e => e.Pattern == "/" + f.Name && e.Methods.Contains("POST"));
    }

    [Fact]
    public void Host_json_enables_forwarding_and_points_at_the_handler()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.FunctionApp, "host.json")));
        var handler = doc.RootElement.GetProperty("customHandler");
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.EndsWith("BreachNotify.FunctionApp", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.Equal("api", doc.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }
}
