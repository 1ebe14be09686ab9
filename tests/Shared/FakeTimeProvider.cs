namespace BreachNotify.Tests.Shared;

/// <summary>
/// A settable clock (Microsoft.Extensions.TimeProvider.Testing is not available here).
/// Timers are not simulated: the app's schedulers are driven explicitly in tests.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private DateTimeOffset _now;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;

    public FakeTimeProvider(DateTimeOffset start) => _now = start.ToUniversalTime();

    public FakeTimeProvider() : this(new DateTimeOffset(2026, 3, 27, 9, 15, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() { lock (_gate) return _now; }

    public override TimeZoneInfo LocalTimeZone => _zone;

    public void SetLocalTimeZone(TimeZoneInfo zone) => _zone = zone;

    public void SetUtcNow(DateTimeOffset value) { lock (_gate) _now = value.ToUniversalTime(); }

    public void Advance(TimeSpan delta) { lock (_gate) _now += delta; }
}
