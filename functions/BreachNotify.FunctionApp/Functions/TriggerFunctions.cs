using System.Net;
using NCrontab;

namespace BreachNotify.FunctionApp.Functions;

/// <summary>A timer-triggered function: the host calls POST /{Name}; standalone, <see cref="StandaloneTimerService"/> does.</summary>
public interface ITimerFunction
{
    string Name { get; }

    /// <returns>Log lines returned to the host (ids and counts only, never personal data).</returns>
    Task<IReadOnlyList<string>> RunAsync(TimerInfo timer, CancellationToken cancellationToken);
}

/// <summary>A queue-triggered function: the host calls POST /{Name} with the message; standalone, the embedded queue calls it.</summary>
public interface IQueueFunction
{
    string Name { get; }

    Task<QueueFunctionOutcome> HandleAsync(QueueDelivery delivery, CancellationToken cancellationToken);
}

public sealed record QueueDelivery(string? Body, string? MessageId, int DeliveryCount, IReadOnlyDictionary<string, string?> Metadata);

/// <summary>Completed: acknowledge (2xx), including permanent failures recorded elsewhere. Retry: fail the invocation so the message is redelivered.</summary>
public sealed record QueueFunctionOutcome(bool Retry, string Log)
{
    public static QueueFunctionOutcome Completed(string log) => new(false, log);
    public static QueueFunctionOutcome RetryLater(string log) => new(true, log);
}

public static partial class TriggerEndpoints
{
    /// <summary>
    /// Maps POST /{FunctionName} for every timer and queue function. Only the local host may call them: under the
    /// Functions host we listen on 127.0.0.1 anyway; standalone a remote caller is refused.
    /// </summary>
    public static IEndpointRouteBuilder MapTriggerFunctions(this IEndpointRouteBuilder app)
    {
        foreach (var timer in app.ServiceProvider.GetServices<ITimerFunction>())
        {
            var name = timer.Name;
            app.MapPost("/" + name, (HttpContext context, CancellationToken ct) => RunTimer(name, context, ct))
                .AllowAnonymous().ExcludeFromDescription().WithName("trigger-" + name);
        }
        foreach (var queue in app.ServiceProvider.GetServices<IQueueFunction>())
        {
            var name = queue.Name;
            app.MapPost("/" + name, (HttpContext context, CancellationToken ct) => RunQueue(name, context, ct))
                .AllowAnonymous().ExcludeFromDescription().WithName("trigger-" + name);
        }
        return app;
    }

    private static bool FromLocalHost(HttpContext context)
        => context.Connection.RemoteIpAddress is null || IPAddress.IsLoopback(context.Connection.RemoteIpAddress);

    /// <summary>The host's payload is read with its own (case-insensitive, lenient) JSON rules, not the API's strict ones.</summary>
    private static async Task<InvocationRequest> ReadInvocationAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Request.ContentLength == 0) return new InvocationRequest(null, null);
        try
        {
            return await System.Text.Json.JsonSerializer.DeserializeAsync<InvocationRequest>(context.Request.Body, HostPayload.Options, ct)
                ?? new InvocationRequest(null, null);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new Errors.BadRequestBodyException("$", "Malformed invocation payload: " + ex.Message.Split(" Path:")[0]);
        }
    }

    private static async Task<IResult> RunTimer(string name, HttpContext context, CancellationToken ct)
    {
        if (!FromLocalHost(context)) return Results.Problem(statusCode: 403, title: "Forbidden", detail: "Trigger endpoints answer the local Functions host only.");
        var request = await ReadInvocationAsync(context, ct);
        var function = context.RequestServices.GetServices<ITimerFunction>().First(f => f.Name == name);
        var timer = HostPayload.ReadTimer(request) ?? new TimerInfo(null, null, false);
        var logs = await function.RunAsync(timer, ct);
        return Results.Json(new InvocationResponse([], logs, null));
    }

    private static async Task<IResult> RunQueue(string name, HttpContext context, CancellationToken ct)
    {
        if (!FromLocalHost(context)) return Results.Problem(statusCode: 403, title: "Forbidden", detail: "Trigger endpoints answer the local Functions host only.");
        var request = await ReadInvocationAsync(context, ct);
        var function = context.RequestServices.GetServices<IQueueFunction>().First(f => f.Name == name);
        // The binding name is the trigger's "name" in function.json; take the only Data entry when unsure.
        var body = request.Data is { Count: > 0 } data ? HostPayload.ReadBody(data.Values.First()) : null;
        var metadata = (request.Metadata ?? []).ToDictionary(kv => kv.Key, kv => HostPayload.ReadScalar(kv.Value), StringComparer.OrdinalIgnoreCase);
        _ = int.TryParse(HostPayload.Metadata(request, "DeliveryCount"), out var deliveryCount);
        var outcome = await function.HandleAsync(new QueueDelivery(body, HostPayload.Metadata(request, "MessageId"), deliveryCount, metadata), ct);
        var response = new InvocationResponse([], [outcome.Log], null);
        // Non-2xx fails the invocation: Service Bus abandons the message and redelivers it (up to maxDeliveryCount).
        return outcome.Retry ? Results.Json(response, statusCode: 500) : Results.Json(response);
    }
}

public sealed class TimerSchedulingOptions
{
    public const string SectionName = "Standalone";

    /// <summary>Run timer functions in-process when standalone (tests turn this off to drive them explicitly).</summary>
    public bool RunTimers { get; set; } = true;
}

/// <summary>
/// Standalone only: runs each timer function on the six-field NCRONTAB schedule from its function.json,
/// the dialect the Functions host uses (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions).
/// </summary>
public sealed partial class StandaloneTimerService(
    IEnumerable<ITimerFunction> functions,
    FunctionCatalog catalog,
    IConfiguration configuration,
    Microsoft.Extensions.Options.IOptions<TimerSchedulingOptions> options,
    TimeProvider time,
    ILogger<StandaloneTimerService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => options.Value.RunTimers ? Task.WhenAll(functions.Select(f => RunScheduleAsync(f, stoppingToken))) : Task.CompletedTask;

    public static CrontabSchedule ParseSchedule(string expression, IConfiguration configuration)
    {
        // "%Setting%" refers to an app setting, as in function.json.
        if (expression.Length > 2 && expression[0] == '%' && expression[^1] == '%')
            expression = configuration[expression[1..^1]] ?? throw new InvalidOperationException($"Setting {expression} is not set.");
        return CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
    }

    private async Task RunScheduleAsync(ITimerFunction function, CancellationToken stoppingToken)
    {
        var definition = catalog.Find(function.Name);
        if (definition?.Schedule is null) { LogNoSchedule(function.Name); return; }
        var schedule = ParseSchedule(definition.Schedule, configuration);
        DateTimeOffset? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            try { await Task.Delay(next - now, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
            var started = time.GetUtcNow();
            // Like the host: past due when we start noticeably after the scheduled instant (e.g. after a suspend).
            var info = new TimerInfo(new TimerSchedule(true), new TimerScheduleStatus(last, next, started), started - next > TimeSpan.FromMinutes(1));
            try
            {
                await function.RunAsync(info, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(function.Name, ex);
            }
            last = started;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer function {Function} has no schedule in function.json; not scheduled")]
    private partial void LogNoSchedule(string function);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed")]
    private partial void LogFailed(string function, Exception exception);
}
