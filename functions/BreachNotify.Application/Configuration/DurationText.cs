using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BreachNotify.Application.Configuration;

/// <summary>
/// Durations as settings are written, read without .NET's silent surprises. <see cref="TimeSpan.Parse(string)"/>
/// reads <c>24:00:00</c> as 24 <em>days</em> (an hour part above 23 turns the first part into days) and a bare
/// <c>30</c> as 30 days; both are refused here with the spelling that says what was meant. Accepted:
/// <list type="bullet">
/// <item><c>[d.]hh:mm[:ss[.fffffff]]</c> with hours 0–23, minutes and seconds 0–59 (<c>1.00:00:00</c>, <c>00:05:00</c>);</item>
/// <item>a number and a unit, <c>d</c>, <c>h</c>, <c>m</c> (minutes), <c>s</c>, <c>ms</c>, also combined (<c>24h</c>, <c>7d</c>, <c>1h30m</c>, <c>1.5h</c>);</item>
/// <item>ISO 8601 durations in weeks, days, hours, minutes, seconds (<c>PT24H</c>, <c>P1D</c>, <c>P1DT12H</c>); years and
/// months have no fixed length and are refused.</item>
/// </list>
/// A leading <c>-</c> makes any form negative; whether a negative duration makes sense is each setting's own check.
/// </summary>
public static partial class DurationText
{
    /// <summary>The accepted forms, for error messages and docs.</summary>
    public const string Forms = "d.hh:mm:ss (1.00:00:00, 00:05:00), a number with a unit d/h/m/s/ms (24h, 30m, 7d, 90s, 1h30m) or ISO 8601 (PT24H, P1D)";

    [GeneratedRegex(@"^(?<neg>-)?(?:(?<d>[0-9]+)\.)?(?<h>[0-9]+):(?<m>[0-9]+)(?::(?<s>[0-9]+)(?:\.(?<f>[0-9]{1,7}))?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Clock();

    [GeneratedRegex(@"^(?<neg>-)?(?:(?<n>[0-9]+(?:\.[0-9]+)?)(?<u>ms|d|h|m|s))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Units();

    [GeneratedRegex(@"^(?<neg>-)?P(?:(?<w>[0-9]+(?:[.,][0-9]+)?)W)?(?:(?<d>[0-9]+(?:[.,][0-9]+)?)D)?(?<t>T(?:(?<h>[0-9]+(?:[.,][0-9]+)?)H)?(?:(?<m>[0-9]+(?:[.,][0-9]+)?)M)?(?:(?<s>[0-9]+(?:[.,][0-9]+)?)S)?)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Iso();

    [GeneratedRegex(@"^-?P[^T]*[YM]", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex IsoCalendar();

    [GeneratedRegex(@"^-?[0-9]+(?:\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex BareNumber();

    public static TimeSpan Parse(string? text)
        => TryParse(text, out var value, out var problem) ? value : throw new FormatException(problem);

    /// <param name="problem">When false: what is wrong and how to write it, naming the accepted forms.</param>
    public static bool TryParse(string? text, out TimeSpan value, [NotNullWhen(false)] out string? problem)
    {
        try
        {
            return TryParseCore(text, out value, out problem);
        }
        catch (OverflowException)
        {
            value = default;
            problem = $"'{text?.Trim()}' is too long for a duration.";
            return false;
        }
    }

    private static bool TryParseCore(string? text, out TimeSpan value, [NotNullWhen(false)] out string? problem)
    {
        value = default;
        problem = null;
        var t = text?.Trim() ?? "";
        if (t.Length == 0) return Fail(out problem, $"No duration given. Use {Forms}.");

        if (Clock().Match(t) is { Success: true } clock)
        {
            var days = Number(clock.Groups["d"]);
            var hours = Number(clock.Groups["h"]);
            var minutes = Number(clock.Groups["m"]);
            var seconds = Number(clock.Groups["s"]);
            if (hours >= 24)
            {
                if (clock.Groups["d"].Success) return Fail(out problem, $"'{t}': the hour part must be 0-23 after the days. Use {Forms}.");
                // The case behind the rule: .NET would read this as days. Say what was probably meant, in the safe spellings.
                var meant = TimeSpan.FromHours((double)hours) + TimeSpan.FromMinutes((double)minutes) + TimeSpan.FromSeconds((double)seconds);
                return Fail(out problem,
                    $"'{t}' is ambiguous: .NET reads an hour part of 24 or more as days (24:00:00 is 24 days, not 24 hours). " +
                    $"For {Compact(meant)} write {meant.ToString("c", CultureInfo.InvariantCulture)}, {Compact(meant)} or {Iso8601(meant)}; for {hours} days write {hours}d.");
            }
            if (minutes >= 60 || seconds >= 60) return Fail(out problem, $"'{t}': minutes and seconds must be 0-59. Use {Forms}.");
            var ticks = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * TimeSpan.TicksPerSecond;
            if (clock.Groups["f"].Success) ticks += decimal.Parse(clock.Groups["f"].Value.PadRight(7, '0'), CultureInfo.InvariantCulture);
            return Build(t, clock.Groups["neg"].Success, ticks, out value, out problem);
        }

        if (Units().Match(t) is { Success: true } units)
        {
            decimal ticks = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < units.Groups["u"].Captures.Count; i++)
            {
                var unit = units.Groups["u"].Captures[i].Value;
                if (!seen.Add(unit)) return Fail(out problem, $"'{t}' gives '{unit}' twice. Use {Forms}.");
                var n = decimal.Parse(units.Groups["n"].Captures[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                if (n > TimeSpan.MaxValue.Ticks) return Fail(out problem, $"'{t}' is too long for a duration.");
                ticks += n * unit switch
                {
                    "d" => TimeSpan.TicksPerDay,
                    "h" => TimeSpan.TicksPerHour,
                    "m" => TimeSpan.TicksPerMinute,
                    "s" => TimeSpan.TicksPerSecond,
                    _ => TimeSpan.TicksPerMillisecond,
                };
            }
            return Build(t, units.Groups["neg"].Success, ticks, out value, out problem);
        }

        if (IsoCalendar().IsMatch(t))
            return Fail(out problem, $"'{t}': years and months have no fixed length. Give days or hours (P30D, PT72H); a deadline in calendar months is configured with WithinMonths.");
        if (Iso().Match(t) is { Success: true } iso)
        {
            var hasTime = iso.Groups["h"].Success || iso.Groups["m"].Success || iso.Groups["s"].Success;
            if ((!hasTime && !iso.Groups["w"].Success && !iso.Groups["d"].Success) || (iso.Groups["t"].Success && !hasTime))
                return Fail(out problem, $"'{t}' is an empty ISO 8601 duration. Use {Forms}.");
            decimal ticks = IsoPart(iso, "w", TimeSpan.TicksPerDay * 7) + IsoPart(iso, "d", TimeSpan.TicksPerDay) + IsoPart(iso, "h", TimeSpan.TicksPerHour)
                + IsoPart(iso, "m", TimeSpan.TicksPerMinute) + IsoPart(iso, "s", TimeSpan.TicksPerSecond);
            return Build(t, iso.Groups["neg"].Success, ticks, out value, out problem);
        }

        if (BareNumber().IsMatch(t))
            return Fail(out problem, $"'{t}' has no unit (.NET would read it as {t} days). Write {t}s, {t}m, {t}h or {t}d.");
        return Fail(out problem, $"'{t}' is not a duration. Use {Forms}.");
    }

    /// <summary>The shortest unit form (<c>24h</c>, <c>90s</c>, <c>1d12h</c>), as accepted by <see cref="TryParse"/>.</summary>
    public static string Compact(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        var sign = value < TimeSpan.Zero ? "-" : "";
        var v = value.Duration();
        // A whole number of hours reads best as hours up to a few days (72h, not 3d).
        if (v.Ticks % TimeSpan.TicksPerHour == 0 && v.TotalHours <= 168) return string.Create(CultureInfo.InvariantCulture, $"{sign}{(long)v.TotalHours}h");
        var text = new System.Text.StringBuilder(sign);
        void Add(long n, string unit) { if (n != 0) text.Append(n.ToString(CultureInfo.InvariantCulture)).Append(unit); }
        Add(v.Days, "d");
        Add(v.Hours, "h");
        Add(v.Minutes, "m");
        Add(v.Seconds, "s");
        Add(v.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMillisecond, "ms");
        return text.ToString();
    }

    /// <summary>ISO 8601 in days and time (<c>PT24H</c>, <c>P3DT1H</c>).</summary>
    public static string Iso8601(TimeSpan value) => System.Xml.XmlConvert.ToString(value);

    private static decimal Number(Group g) => g.Success ? decimal.Parse(g.Value, CultureInfo.InvariantCulture) : 0;

    private static decimal IsoPart(Match m, string group, long unitTicks)
        => m.Groups[group].Success ? decimal.Parse(m.Groups[group].Value.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * unitTicks : 0;

    private static bool Build(string text, bool negative, decimal ticks, out TimeSpan value, [NotNullWhen(false)] out string? problem)
    {
        value = default;
        problem = null;
        if (ticks > TimeSpan.MaxValue.Ticks) return Fail(out problem, $"'{text}' is too long for a duration.");
        if (ticks != decimal.Truncate(ticks)) return Fail(out problem, $"'{text}' is finer than 100 ns.");
        value = TimeSpan.FromTicks(negative ? -(long)ticks : (long)ticks);
        return true;
    }

    private static bool Fail(out string problem, string message)
    {
        problem = message;
        return false;
    }
}
