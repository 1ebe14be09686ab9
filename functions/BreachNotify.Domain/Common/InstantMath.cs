namespace BreachNotify.Domain.Common;

/// <summary>
/// Instant arithmetic that cannot throw: results beyond <see cref="DateTimeOffset.MinValue"/> or
/// <see cref="DateTimeOffset.MaxValue"/> stop there. For computations over stored data, which may predate validation.
/// </summary>
public static class InstantMath
{
    /// <summary><paramref name="instant"/> + <paramref name="span"/> in UTC, saturated at the ends of the calendar.</summary>
    public static DateTimeOffset Add(DateTimeOffset instant, TimeSpan span)
    {
        var ticks = instant.UtcTicks; // 0 (MinValue) … MaxValue.UtcTicks: the differences below cannot overflow
        if (span.Ticks > DateTimeOffset.MaxValue.UtcTicks - ticks) return DateTimeOffset.MaxValue;
        if (span.Ticks < DateTimeOffset.MinValue.UtcTicks - ticks) return DateTimeOffset.MinValue;
        return new DateTimeOffset(ticks + span.Ticks, TimeSpan.Zero);
    }

    /// <summary><paramref name="instant"/> − <paramref name="span"/> in UTC, saturated at the ends of the calendar.</summary>
    public static DateTimeOffset Subtract(DateTimeOffset instant, TimeSpan span)
        => span == TimeSpan.MinValue ? DateTimeOffset.MaxValue : Add(instant, -span); // −MinValue exceeds the calendar anyway

    /// <summary>The instant in <paramref name="zone"/>, or null when its local time would fall outside the calendar (within a day of its ends).</summary>
    public static DateTimeOffset? InZone(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return instant.UtcTicks < TimeSpan.TicksPerDay || instant.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerDay
            ? null
            : TimeZoneInfo.ConvertTime(instant, zone);
    }
}
