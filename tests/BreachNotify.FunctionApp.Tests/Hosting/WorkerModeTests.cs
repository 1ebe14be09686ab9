using System.Collections;
using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using BreachNotify.Domain.Common;
using BreachNotify.FunctionApp.Hosting;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NSubstitute;

namespace BreachNotify.FunctionApp.Tests.Hosting;

/// <summary>
/// The isolated worker as the Functions host starts it (its real host builder and composition), with HTTP invocations
/// driven through our worker middleware the way the worker's pipeline calls it. No Functions host runs here, so the
/// invocation context is built by hand; everything after it is the production code.
/// </summary>
public sealed class WorkerModeTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "bn-worker-" + Guid.NewGuid().ToString("N"));
    private readonly IHost _host;

    public WorkerModeTests()
    {
        var builder = FunctionsWorker.CreateBuilder(["--functions-uri", "http://127.0.0.1:1/"]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = Path.Combine(_data, "worker.db"),
            ["Email:Outbox:Directory"] = Path.Combine(_data, "outbox"),
            ["Auth:ApiKeys:0:Name"] = "vera",
            ["Auth:ApiKeys:0:Role"] = "viewer",
            ["Auth:ApiKeys:0:KeySha256"] = BreachNotifyFactory.Sha256(BreachNotifyFactory.ViewerKey),
            ["Auth:ApiKeys:1:Name"] = "dana",
            ["Auth:ApiKeys:1:Role"] = "dpo",
            ["Auth:ApiKeys:1:KeySha256"] = BreachNotifyFactory.Sha256(BreachNotifyFactory.DpoKey),
            ["Api:MaxRequestBodyBytes"] = "1000",
        });
        _host = builder.Build();
    }

    public void Dispose()
    {
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private sealed class Features : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> _features = [];

        public T? Get<T>() => _features.TryGetValue(typeof(T), out var f) ? (T)f : default;

        public void Set<T>(T instance) => _features[typeof(T)] = instance!;

        public void Set(Type type, object instance) => _features[type] = instance;

        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _features.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>What the worker hands our middleware for an HTTP invocation: the function's definition, the request's
    /// HttpContext (set by the ASP.NET Core integration) and the bindings feature holding the invocation result.</summary>
    private (FunctionContext Context, HttpContext Http) Invocation(string function, string trigger, string? key, long? contentLength = null)
    {
        var scope = _host.Services.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = "GET";
        http.Request.Path = "/api/whatever";
        http.Response.Body = new MemoryStream();
        if (key is not null) http.Request.Headers["X-Api-Key"] = key;
        http.Request.ContentLength = contentLength;

        var binding = Substitute.For<BindingMetadata>();
        binding.Type.Returns(trigger);
        binding.Name.Returns("req");
        var definition = Substitute.For<FunctionDefinition>();
        definition.Name.Returns(function);
        definition.InputBindings.Returns(ImmutableDictionary<string, BindingMetadata>.Empty.Add("req", binding));

        // The worker's bindings feature is internal (visible to NSubstitute's proxies by the worker's own InternalsVisibleTo).
        var bindingsType = typeof(FunctionContext).Assembly.GetType("Microsoft.Azure.Functions.Worker.Context.Features.IFunctionBindingsFeature", throwOnError: true)!;
        var features = new Features();
        features.Set(bindingsType, Substitute.For([bindingsType], []));

        var context = Substitute.For<FunctionContext>();
        context.FunctionDefinition.Returns(definition);
        context.Items.Returns(new Dictionary<object, object> { ["HttpRequestContext"] = http });
        context.Features.Returns(features);
        context.InstanceServices.Returns(scope.ServiceProvider);
        return (context, http);
    }

    private async Task<(HttpStatusCode Status, JsonElement? Body, bool Ran)> RunAsync(string function, string? key, Func<FunctionContext, Task>? body = null, long? contentLength = null)
    {
        var (context, http) = Invocation(function, "httpTrigger", key, contentLength);
        var ran = false;
        var middleware = ActivatorUtilities.CreateInstance<HttpFunctionMiddleware>(_host.Services);
        await middleware.Invoke(context, async c =>
        {
            ran = true;
            if (body is not null) await body(c);
            else c.GetInvocationResult().Value = TypedResults.Ok(new { ran = true });
        });
        // What the ASP.NET Core integration then does with the invocation result.
        var result = Assert.IsAssignableFrom<IResult>(context.GetInvocationResult().Value);
        await result.ExecuteAsync(http);
        http.Response.Body.Position = 0;
        var text = await new StreamReader(http.Response.Body).ReadToEndAsync();
        return ((HttpStatusCode)http.Response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone(), ran);
    }

    [Fact]
    public void The_worker_host_builds_with_the_apps_composition_and_knows_it_is_hosted()
    {
        Assert.True(_host.Services.GetRequiredService<HostingMode>().UnderFunctionsHost);
        Assert.NotNull(_host.Services.GetRequiredService<HttpFunctionPipeline>());
        Assert.Same(FunctionIndex.Default, _host.Services.GetRequiredService<FunctionIndex>());
    }

    [Fact]
    public async Task A_function_needing_a_key_is_not_run_without_one()
    {
        var (status, body, ran) = await RunAsync("ListIncidents", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.False(ran);
        Assert.Equal("A valid X-Api-Key header is required.", body!.Value.GetProperty("detail").GetString());

        (status, _, ran) = await RunAsync("ListIncidents", key: "wrong-key");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.False(ran);
    }

    [Fact]
    public async Task A_role_below_the_functions_policy_is_forbidden()
    {
        var (status, _, ran) = await RunAsync("DismissIncident", BreachNotifyFactory.ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.False(ran);
    }

    [Fact]
    public async Task A_permitted_key_runs_the_function_and_its_result_is_written()
    {
        var (status, body, ran) = await RunAsync("ListIncidents", BreachNotifyFactory.ViewerKey);
        Assert.True(ran);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!.Value.GetProperty("ran").GetBoolean());
        (status, _, ran) = await RunAsync("DismissIncident", BreachNotifyFactory.DpoKey);
        Assert.True(ran);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Anonymous_functions_run_without_a_key()
    {
        var (status, _, ran) = await RunAsync("Health", key: null);
        Assert.True(ran);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Exceptions_become_problem_details_naming_the_field()
    {
        var (status, body, _) = await RunAsync("ListIncidents", BreachNotifyFactory.ViewerKey, _ => throw new DomainValidationException("page", "A whole number from 1 to 100000."));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("A whole number from 1 to 100000.", body!.Value.GetProperty("errors").GetProperty("page")[0].GetString());
        (status, body, _) = await RunAsync("ListIncidents", BreachNotifyFactory.ViewerKey, _ => throw new InvalidOperationException("internal detail"));
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.DoesNotContain("internal detail", body!.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_body_over_the_limit_is_refused_before_the_function_runs()
    {
        var (status, _, ran) = await RunAsync("CreateIncident", BreachNotifyFactory.DpoKey, contentLength: 1001);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.False(ran);
    }

    [Fact]
    public async Task An_unknown_function_or_a_missing_http_context_fails_closed()
    {
        var middleware = ActivatorUtilities.CreateInstance<HttpFunctionMiddleware>(_host.Services);
        var (unknown, _) = Invocation("NotAFunction", "httpTrigger", BreachNotifyFactory.DpoKey);
        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.Invoke(unknown, _ => throw new InvalidOperationException("must not run")));
        var (noHttp, _) = Invocation("ListIncidents", "httpTrigger", BreachNotifyFactory.DpoKey);
        noHttp.Items.Returns(new Dictionary<object, object>());
        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.Invoke(noHttp, _ => throw new InvalidOperationException("must not run")));
    }

    [Fact]
    public void The_middleware_is_applied_to_HTTP_triggers_only()
    {
        Assert.True(HttpFunctionMiddleware.IsHttpTrigger(Invocation("ListIncidents", "httpTrigger", null).Context));
        Assert.False(HttpFunctionMiddleware.IsHttpTrigger(Invocation("DeadlineWatch", "timerTrigger", null).Context));
    }
}
