using BreachNotify.FunctionApp.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Tests.Hosting;

/// <summary>The index refuses declarations that the two hosts would not serve alike, or that would leave a function unprotected.</summary>
public sealed class FunctionIndexTests
{
    public sealed class Good
    {
        [Function("GetThing")]
        [Authorize(Policy = "read")]
        public Ok Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things/{id}")] HttpRequest req, string id, CancellationToken ct) => TypedResults.Ok();

        [Function("Tick")]
        public Task Tick([TimerTrigger("%Tick:Schedule%")] TimerInfo timer, CancellationToken ct) => Task.CompletedTask;
    }

    public sealed class NoRole
    {
        [Function("Open")]
        public Ok Open([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "open")] HttpRequest req) => TypedResults.Ok();
    }

    public sealed class FunctionKey
    {
        [Function("Keyed")]
        [AllowAnonymous]
        public Ok Keyed([HttpTrigger(AuthorizationLevel.Function, "get", Route = "keyed")] HttpRequest req) => TypedResults.Ok();
    }

    public sealed class UnboundParameter
    {
        [Function("Odd")]
        [AllowAnonymous]
        public Ok Odd([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "odd/{id}")] HttpRequest req, string other) => TypedResults.Ok();
    }

    public sealed class DuplicateName
    {
        [Function("GetThing")]
        [AllowAnonymous]
        public Ok Again([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "again")] HttpRequest req) => TypedResults.Ok();
    }

    public sealed class TimerWithResult
    {
        [Function("Tock")]
        public Task<string> Tock([TimerTrigger("0 * * * * *")] TimerInfo timer) => Task.FromResult("x");
    }

    [Fact]
    public void Reads_routes_methods_roles_and_schedules_from_the_attributes()
    {
        var index = FunctionIndex.Build([typeof(Good)]);
        var get = Assert.Single(index.Http);
        Assert.Equal(("GetThing", "things/{id}", "/api/things/{id}", "read", false), (get.Name, get.Route, get.Path, get.Policy, get.AllowAnonymous));
        Assert.Equal(["GET"], get.Methods);
        Assert.Equal("%Tick:Schedule%", Assert.Single(index.Timers).Schedule);
        Assert.Same(get, index.FindHttp("getthing"));
    }

    [Theory]
    [InlineData(typeof(NoRole), "declare who may call it")]
    [InlineData(typeof(FunctionKey), "AuthorizationLevel.Anonymous")]
    [InlineData(typeof(UnboundParameter), "parameter 'other'")]
    [InlineData(typeof(TimerWithResult), "returns Task")]
    public void Refuses_what_the_hosts_would_not_serve_alike(Type type, string message)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => FunctionIndex.Build([type]));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_name_declared_twice()
        => Assert.Contains("declared twice", Assert.Throws<InvalidOperationException>(() => FunctionIndex.Build([typeof(Good), typeof(DuplicateName)])).Message, StringComparison.Ordinal);

    [Fact]
    public void The_apps_own_functions_pass()
    {
        Assert.True(FunctionIndex.Default.Http.Count >= 25);
        Assert.Contains(FunctionIndex.Default.Http, f => f.Name == "ReceiveMonitorWebhook" && f.AllowAnonymous && f.BodyLimit == BodyLimit.MonitorWebhook);
        Assert.Contains(FunctionIndex.Default.Http, f => f.Name == "CreateNotification" && f.Policy == "dpo");
    }

    [Theory]
    [InlineData(new string[0], null, false)]
    [InlineData(new[] { "--functions-uri", "http://127.0.0.1:5000/" }, null, true)]
    [InlineData(new[] { "--functions-uri=http://127.0.0.1:5000/" }, null, true)]
    [InlineData(new[] { "--urls", "http://localhost:7071" }, null, false)]
    [InlineData(new string[0], "http://127.0.0.1:5000/", true)]
    public void Hosting_mode_is_the_host_only_when_it_gave_its_endpoint(string[] args, string? environment, bool underHost)
        => Assert.Equal(underHost, HostingMode.Detect(args, name => name == "Functions__Worker__HostEndpoint" ? environment : null).UnderFunctionsHost);
}
