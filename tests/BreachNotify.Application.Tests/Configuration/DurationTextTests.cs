using System.ComponentModel;
using BreachNotify.Application.Configuration;

namespace BreachNotify.Application.Tests.Configuration;

/// <summary>Durations in settings mean what they say: unambiguous forms are read, .NET's day-shaped traps are refused with the right spelling.</summary>
public sealed class DurationTextTests
{
    [Theory]
    [InlineData("1.00:00:00", 24 * 3600)]
    [InlineData("3.00:00:00", 72 * 3600)]
    [InlineData("00:05:00", 300)]
    [InlineData("23:59:59", 24 * 3600 - 1)]
    [InlineData("01:30", 90 * 60)]
    [InlineData("0.23:00:00", 23 * 3600)]
    [InlineData("24h", 24 * 3600)]
    [InlineData("30m", 30 * 60)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("90s", 90)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData("1d12h", 36 * 3600)]
    [InlineData("1.5h", 90 * 60)]
    [InlineData(" 24h ", 24 * 3600)]
    [InlineData("PT24H", 24 * 3600)]
    [InlineData("P1D", 86400)]
    [InlineData("P1DT12H", 36 * 3600)]
    [InlineData("P2W", 14 * 86400)]
    [InlineData("PT1H30M", 90 * 60)]
    [InlineData("PT90S", 90)]
    [InlineData("pt5m", 300)]
    [InlineData("PT1,5H", 90 * 60)]
    [InlineData("-00:05:00", -300)]
    [InlineData("-5m", -300)]
    [InlineData("-PT5M", -300)]
    public void Reads_unambiguous_forms(string text, long seconds)
    {
        Assert.True(DurationText.TryParse(text, out var value, out var problem), problem);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("00:00:00.5", 5_000_000)]
    [InlineData("00:00:00.0000001", 1)]
    [InlineData("500ms", 5_000_000)]
    [InlineData("PT0.5S", 5_000_000)]
    [InlineData("0.0000001s", 1)]
    public void Reads_fractions_to_the_tick(string text, long ticks)
    {
        Assert.True(DurationText.TryParse(text, out var value, out var problem), problem);
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("24:00:00", "1.00:00:00", "24h")]
    [InlineData("48:00:00", "2.00:00:00", "48h")]
    [InlineData("72:00:00", "3.00:00:00", "72h")]
    [InlineData("36:30:00", "1.12:30:00", "1d12h30m")]
    [InlineData("24:00", "1.00:00:00", "24h")]
    public void Refuses_an_hour_part_of_24_or_more_and_gives_the_spelling(string text, string clock, string compact)
    {
        // .NET itself reads these as days: the trap behind the rule.
        if (text.EndsWith(":00:00", StringComparison.Ordinal)) Assert.Equal(TimeSpan.FromDays(int.Parse(text[..2], System.Globalization.CultureInfo.InvariantCulture)), TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(DurationText.TryParse(text, out _, out var problem));
        Assert.Contains("days", problem, StringComparison.Ordinal);
        Assert.Contains(clock, problem, StringComparison.Ordinal);
        Assert.Contains(compact, problem, StringComparison.Ordinal);
        Assert.Contains($"{text[..2]}d", problem, StringComparison.Ordinal); // and how to write days when days were meant
    }

    [Theory]
    [InlineData("", "No duration")]
    [InlineData("   ", "No duration")]
    [InlineData(null, "No duration")]
    [InlineData("30", "no unit")]
    [InlineData("1.5", "no unit")]
    [InlineData("1.24:00:00", "0-23")]
    [InlineData("00:60:00", "0-59")]
    [InlineData("00:00:60", "0-59")]
    [InlineData("1:00:00:00", "not a duration")]
    [InlineData("P1M", "months")]
    [InlineData("P1Y", "months")]
    [InlineData("P1Y2DT3H", "months")]
    [InlineData("P", "empty")]
    [InlineData("PT", "empty")]
    [InlineData("P1DT", "empty")]
    [InlineData("1h1h", "twice")]
    [InlineData("24 hours", "not a duration")]
    [InlineData("24H", "not a duration")]
    [InlineData("1w", "not a duration")]
    [InlineData("99999999999999999999999999999999999d", "too long")]
    [InlineData("20000000d", "too long")]
    [InlineData("P20000000D", "too long")]
    [InlineData("99999999999.00:00:00", "too long")]
    [InlineData("0.00000001s", "100 ns")]
    public void Refuses_what_is_not_a_duration_or_could_be_misread(string? text, string expected)
    {
        Assert.False(DurationText.TryParse(text, out var value, out var problem));
        Assert.Equal(TimeSpan.Zero, value);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => DurationText.Parse(text));
    }

    public static TheoryData<TimeSpan> Spans => new()
    {
        TimeSpan.FromHours(24), TimeSpan.FromHours(72), TimeSpan.FromHours(169), TimeSpan.FromMinutes(90), TimeSpan.FromSeconds(1),
        TimeSpan.FromMilliseconds(1500), new TimeSpan(3, 4, 5, 6, 7), TimeSpan.FromMinutes(-5), TimeSpan.Zero, TimeSpan.FromDays(3650),
    };

    [Theory]
    [MemberData(nameof(Spans))]
    public void Its_own_spellings_read_back_exactly(TimeSpan span)
    {
        Assert.Equal(span, DurationText.Parse(DurationText.Compact(span)));
        Assert.Equal(span, DurationText.Parse(DurationText.Iso8601(span)));
        Assert.Equal(span, DurationText.Parse(span.ToString("c", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Compact_prefers_hours_up_to_a_week()
    {
        Assert.Equal("24h", DurationText.Compact(TimeSpan.FromHours(24)));
        Assert.Equal("168h", DurationText.Compact(TimeSpan.FromDays(7)));
        Assert.Equal("8d", DurationText.Compact(TimeSpan.FromDays(8)));
        Assert.Equal("1h30m", DurationText.Compact(TimeSpan.FromMinutes(90)));
        Assert.Equal("-5m", DurationText.Compact(TimeSpan.FromMinutes(-5)));
        Assert.Equal("0s", DurationText.Compact(TimeSpan.Zero));
    }

    [Fact]
    public void Registered_converter_is_what_TypeDescriptor_hands_out_for_TimeSpan()
    {
        DurationSettings.Register();
        DurationSettings.Register(); // idempotent
        Assert.True(DurationSettings.IsRegistered);
        var converter = TypeDescriptor.GetConverter(typeof(TimeSpan));
        Assert.Equal(TimeSpan.FromHours(24), converter.ConvertFromInvariantString("24h"));
        Assert.Equal(TimeSpan.FromHours(24), converter.ConvertFromInvariantString("PT24H"));
        var ex = Assert.Throws<FormatException>(() => converter.ConvertFromInvariantString("24:00:00"));
        Assert.Contains("1.00:00:00", ex.Message, StringComparison.Ordinal);
        // Writing stays .NET's unambiguous constant format.
        Assert.Equal("1.00:00:00", converter.ConvertToInvariantString(TimeSpan.FromHours(24)));
    }
}
