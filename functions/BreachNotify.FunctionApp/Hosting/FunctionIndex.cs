using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>An HTTP-triggered function as its attributes declare it.</summary>
/// <param name="Route">The route below the <c>api</c> prefix (host.json routePrefix), as in the trigger attribute.</param>
/// <param name="Policy">The authorization policy (<see cref="AuthorizeAttribute.Policy"/>); null with <paramref name="AllowAnonymous"/>
/// or for "any valid key".</param>
public sealed record HttpFunction(
    string Name,
    MethodInfo Method,
    IReadOnlyList<string> Methods,
    string Route,
    string? Policy,
    bool AllowAnonymous,
    BodyLimit BodyLimit)
{
    public string Path => "/" + FunctionIndex.RoutePrefix + "/" + Route;
}

/// <summary>A timer-triggered function; <see cref="Schedule"/> is the attribute's text, e.g. <c>%DeadlineWatch:Schedule%</c>.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, string Schedule);

/// <summary>
/// Every function of the app, read once from the <see cref="FunctionAttribute"/> methods: the single declaration of
/// routes, methods, roles, body limits and schedules. The Functions Sdk generates functions.metadata from the same
/// attributes for the host; the standalone host maps and schedules from this index, so both modes serve one set.
/// Binding rules are checked here (parameters the standalone host cannot bind are refused at start-up).
/// </summary>
public sealed partial class FunctionIndex
{
    public const string RoutePrefix = "api";

    private readonly Dictionary<string, HttpFunction> _http;
    private readonly Dictionary<string, TimerFunction> _timers;

    private FunctionIndex(IEnumerable<HttpFunction> http, IEnumerable<TimerFunction> timers)
    {
        _http = http.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        _timers = timers.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The functions of this app.</summary>
    public static FunctionIndex Default { get; } = Build(typeof(FunctionIndex).Assembly);

    public IReadOnlyCollection<HttpFunction> Http => _http.Values;

    public IReadOnlyCollection<TimerFunction> Timers => _timers.Values;

    public HttpFunction? FindHttp(string name) => _http.GetValueOrDefault(name);

    public TimerFunction? FindTimer(string name) => _timers.GetValueOrDefault(name);

    public static FunctionIndex Build(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Build(assembly.GetTypes());
    }

    public static FunctionIndex Build(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var method in types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)))
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            if (function is null) continue;
            var name = function.Name;
            // The host matches names case-insensitively (admin API, app settings).
            if (!names.Add(name)) problems.Add($"Function name {name} is declared twice.");
            if (method.IsStatic) problems.Add($"{name}: make the method an instance method (the standalone host creates the class per invocation, as the worker does).");
            var trigger = method.GetParameters().Select(p => (Parameter: p, Http: p.GetCustomAttribute<HttpTriggerAttribute>(), Timer: p.GetCustomAttribute<TimerTriggerAttribute>()))
                .Where(p => p.Http is not null || p.Timer is not null).ToList();
            if (trigger.Count != 1) { problems.Add($"{name}: exactly one HttpTrigger or TimerTrigger parameter is supported."); continue; }
            var (parameter, httpTrigger, timerTrigger) = trigger[0];
            if (httpTrigger is not null)
            {
                var route = httpTrigger.Route ?? name;
                var routeValues = RouteParameters(route);
                problems.AddRange(CheckHttpParameters(name, method, routeValues));
                if (httpTrigger.AuthLevel != AuthorizationLevel.Anonymous)
                    problems.Add($"{name}: use AuthorizationLevel.Anonymous; the app's own X-Api-Key roles protect every function in every mode.");
                if (!typeof(Task).IsAssignableFrom(method.ReturnType) && !typeof(IResult).IsAssignableFrom(method.ReturnType))
                    problems.Add($"{name}: return an IResult (or a Task of one).");
                var authorize = method.GetCustomAttribute<AuthorizeAttribute>();
                var anonymous = method.GetCustomAttribute<AllowAnonymousAttribute>() is not null;
                if (authorize is null && !anonymous) problems.Add($"{name}: declare who may call it: [Authorize(Policy = ...)] or [AllowAnonymous].");
                var methods = (httpTrigger.Methods ?? []).Select(m => m.ToUpperInvariant()).ToList();
                if (methods.Count == 0) problems.Add($"{name}: name the HTTP methods.");
                http.Add(new HttpFunction(name, method, methods, route, authorize?.Policy, anonymous,
                    method.GetCustomAttribute<RequestBodyLimitAttribute>()?.Limit ?? BodyLimit.Default));
            }
            else
            {
                problems.AddRange(CheckTimerParameters(name, method, parameter));
                timers.Add(new TimerFunction(name, method, timerTrigger!.Schedule));
            }
        }
        if (problems.Count > 0) throw new InvalidOperationException("Function declarations the hosts cannot serve alike:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        return new FunctionIndex(http, timers);
    }

    /// <summary>Names of the route's parameters ({id}, {id:alpha}, {*path}).</summary>
    public static IReadOnlyList<string> RouteParameters(string route)
        => RouteParameter().Matches(route).Select(m => m.Groups["name"].Value).ToList();

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex RouteParameter();

    private static IEnumerable<string> CheckHttpParameters(string name, MethodInfo method, IReadOnlyList<string> routeValues)
    {
        foreach (var p in method.GetParameters())
        {
            if (p.GetCustomAttribute<HttpTriggerAttribute>() is not null)
            {
                if (p.ParameterType != typeof(HttpRequest)) yield return $"{name}: the trigger parameter must be an ASP.NET Core HttpRequest.";
            }
            else if (p.ParameterType == typeof(CancellationToken)) { }
            else if (p.ParameterType == typeof(string) && routeValues.Contains(p.Name!, StringComparer.OrdinalIgnoreCase)) { }
            else yield return $"{name}: parameter '{p.Name}' cannot be bound by both hosts (use the HttpRequest, a string route value or the CancellationToken; take services in the constructor).";
        }
    }

    private static IEnumerable<string> CheckTimerParameters(string name, MethodInfo method, ParameterInfo trigger)
    {
        if (trigger.ParameterType != typeof(TimerInfo)) yield return $"{name}: the timer parameter must be a TimerInfo.";
        foreach (var p in method.GetParameters().Where(p => p != trigger && p.ParameterType != typeof(CancellationToken)))
            yield return $"{name}: parameter '{p.Name}' cannot be bound by both hosts (TimerInfo and CancellationToken only).";
        if (method.ReturnType != typeof(Task)) yield return $"{name}: a timer function returns Task (it has no output binding).";
    }
}

/// <summary>Which request body limit applies to a function (the values come from settings: <see cref="RequestBodyLimits"/>).</summary>
public enum BodyLimit
{
    /// <summary><c>Api:MaxRequestBodyBytes</c>.</summary>
    Default,

    /// <summary>Recipient uploads: <c>Notices:MaxUploadBytes</c>.</summary>
    RecipientUpload,

    /// <summary>Monitor webhooks: <c>Webhooks:MaxBodyBytes</c>.</summary>
    MonitorWebhook,

    /// <summary>SendGrid's event webhook: <c>Webhooks:sendgrid:MaxBodyBytes</c>.</summary>
    DeliveryEvents,
}

/// <summary>Raises or lowers the request body limit of one function.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequestBodyLimitAttribute(BodyLimit limit) : Attribute
{
    public BodyLimit Limit { get; } = limit;
}
