using System.Collections.Concurrent;

namespace BreachNotify.Adapters.Tests.Fakes;

/// <summary>
/// Manual clock that, unlike the shared BreachNotify.Tests.Shared.FakeTimeProvider, simulates timers. Timers (e.g. <c>Task.Delay(delay, timeProvider)</c>) fire at once and advance the clock by their due
/// time, so waits cost no real time; the requested due times are recorded in <see cref="Delays"/>.
/// </summary>
public sealed class AutoAdvanceTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public AutoAdvanceTimeProvider() : this(new DateTimeOffset(2026, 11, 5, 9, 30, 0, TimeSpan.Zero)) { }

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public void SetUtcNow(DateTimeOffset now)
    {
        lock (_gate)
        {
            _now = now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FiringTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class FiringTimer(AutoAdvanceTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private volatile bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed || dueTime == Timeout.InfiniteTimeSpan)
            {
                return !_disposed;
            }

            owner.Delays.Enqueue(dueTime);
            owner.Advance(dueTime);
            ThreadPool.QueueUserWorkItem(_ =>
            {
                if (!_disposed)
                {
                    callback(state);
                }
            });
            return true;
        }

        public void Dispose() => _disposed = true;

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
