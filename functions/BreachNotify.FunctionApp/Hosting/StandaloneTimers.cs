using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// Standalone only: runs each timer function on its schedule (<see cref="TimerSchedules"/>), one run at a time per
/// function like the host's singleton timers, with <see cref="TimerInfo.IsPastDue"/> set when a run starts more than a
/// minute late (e.g. after a suspend).
/// </summary>
public sealed partial class StandaloneTimers(
    FunctionIndex index,
    FunctionInvoker invoker,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    IOptions<StandaloneOptions> options,
    TimeProvider time,
    ILogger<StandaloneTimers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => options.Value.RunTimers ? Task.WhenAll(index.Timers.Select(f => RunScheduleAsync(f, stoppingToken))) : Task.CompletedTask;

    /// <summary>Runs one timer function now (the admin endpoint, tests).</summary>
    public async Task RunOnceAsync(TimerFunction function, TimerInfo timer, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await invoker.InvokeTimerAsync(scope.ServiceProvider, function, timer, cancellationToken);
    }

    private async Task RunScheduleAsync(TimerFunction function, CancellationToken stoppingToken)
    {
        var schedule = TimerSchedules.Parse(TimerSchedules.Resolve(function.Schedule, configuration));
        DateTime? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now.UtcDateTime);
            try { await Task.Delay(new DateTimeOffset(next, TimeSpan.Zero) - now, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
            var started = time.GetUtcNow();
            var timer = new TimerInfo
            {
                ScheduleStatus = new ScheduleStatus { Last = last ?? default, Next = schedule.GetNextOccurrence(started.UtcDateTime), LastUpdated = started.UtcDateTime },
                IsPastDue = started.UtcDateTime - next > TimeSpan.FromMinutes(1),
            };
            try
            {
                await RunOnceAsync(function, timer, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(function.Name, ex.GetType().Name);
            }
            last = started.UtcDateTime;
        }
    }

    // The exception's type only: its message may carry data from storage or requests (ids are logged by the function).
    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed with {ExceptionType}")]
    private partial void LogFailed(string function, string exceptionType);
}
