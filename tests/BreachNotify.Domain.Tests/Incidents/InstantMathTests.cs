using BreachNotify.Domain.Common;

namespace BreachNotify.Domain.Tests.Incidents;

public sealed class InstantMathTests
{
    private static readonly DateTimeOffset Instant = new(2026, 3, 27, 12, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public void Adds_in_UTC_and_saturates_at_the_ends_of_the_calendar()
    {
        var sum = InstantMath.Add(Instant, TimeSpan.FromHours(72));
        Assert.Equal(Instant.AddHours(72), sum);
        Assert.Equal(TimeSpan.Zero, sum.Offset);
        Assert.Equal(DateTimeOffset.MaxValue, InstantMath.Add(DateTimeOffset.MaxValue, TimeSpan.FromTicks(1)));
        Assert.Equal(DateTimeOffset.MaxValue, InstantMath.Add(DateTimeOffset.MaxValue.AddTicks(-1), TimeSpan.FromTicks(1)));
        Assert.Equal(DateTimeOffset.MaxValue.AddTicks(-1), InstantMath.Add(DateTimeOffset.MaxValue.AddTicks(-2), TimeSpan.FromTicks(1)));
        Assert.Equal(DateTimeOffset.MaxValue, InstantMath.Add(DateTimeOffset.MinValue, TimeSpan.MaxValue));
        Assert.Equal(DateTimeOffset.MinValue, InstantMath.Add(DateTimeOffset.MinValue, TimeSpan.FromTicks(-1)));
        Assert.Equal(DateTimeOffset.MinValue, InstantMath.Add(DateTimeOffset.MinValue.AddTicks(1), TimeSpan.FromTicks(-1)));
        Assert.Equal(DateTimeOffset.MinValue.AddTicks(1), InstantMath.Add(DateTimeOffset.MinValue.AddTicks(2), TimeSpan.FromTicks(-1)));
        Assert.Equal(DateTimeOffset.MinValue, InstantMath.Add(DateTimeOffset.MaxValue, TimeSpan.MinValue));
        Assert.Equal(DateTimeOffset.MinValue, InstantMath.Add(DateTimeOffset.MinValue, TimeSpan.Zero));
    }

    [Fact]
    public void Subtracts_with_the_same_saturation()
    {
        Assert.Equal(Instant.AddHours(-24), InstantMath.Subtract(Instant, TimeSpan.FromHours(24)));
        Assert.Equal(DateTimeOffset.MinValue, InstantMath.Subtract(DateTimeOffset.MinValue.AddHours(1), TimeSpan.FromHours(2)));
        Assert.Equal(DateTimeOffset.MinValue, InstantMath.Subtract(DateTimeOffset.MaxValue, TimeSpan.MaxValue));
        Assert.Equal(DateTimeOffset.MaxValue, InstantMath.Subtract(DateTimeOffset.MinValue, TimeSpan.MinValue));
        Assert.Equal(DateTimeOffset.MaxValue, InstantMath.Subtract(DateTimeOffset.MaxValue.AddHours(-1), TimeSpan.FromHours(-2)));
    }

    [Fact]
    public void Converts_to_a_zone_except_within_a_day_of_the_calendars_ends()
    {
        var kiritimati = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati"); // UTC+14
        var pagoPago = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Pago_Pago"); // UTC−11
        Assert.Equal(TimeSpan.FromHours(14), InstantMath.InZone(Instant, kiritimati)!.Value.Offset);
        Assert.Null(InstantMath.InZone(DateTimeOffset.MaxValue, kiritimati));
        Assert.Null(InstantMath.InZone(DateTimeOffset.MinValue, pagoPago));
        Assert.Null(InstantMath.InZone(DateTimeOffset.MinValue.AddDays(1).AddTicks(-1), pagoPago));
        Assert.NotNull(InstantMath.InZone(DateTimeOffset.MinValue.AddDays(1), pagoPago));
        Assert.NotNull(InstantMath.InZone(DateTimeOffset.MaxValue.AddDays(-1), kiritimati));
        Assert.Null(InstantMath.InZone(DateTimeOffset.MaxValue.AddDays(-1).AddTicks(1), kiritimati));
    }
}
