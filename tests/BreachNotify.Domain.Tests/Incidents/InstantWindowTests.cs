using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Domain.Tests.Incidents;

/// <summary>Instants a client sends: from 2000-01-01 up to now plus the clock-skew allowance, at the exact boundaries.</summary>
public sealed class InstantWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset LastTickOf1999 = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1);
    private static readonly Actor Reporter = new("sam", "reporter");

    private static Incident Report(DateTimeOffset? detected = null, DateTimeOffset? aware = null, DateTimeOffset? occurred = null, TimeSpan skew = default)
        => Incident.Report("inc-1", new IncidentDraft { Title = "Odd logins on CRM", DetectedAt = detected, AwareAt = aware, OccurredAt = occurred }, Reporter, Now, skew);

    private static string[] Fields(Action action) => Assert.Throws<DomainValidationException>(action).Errors.Select(e => e.Field).ToArray();

    [Fact]
    public void Earliest_is_the_first_instant_of_2000_in_UTC()
    {
        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), InstantWindow.Earliest);
        Assert.Equal(TimeSpan.FromMinutes(5), InstantWindow.DefaultClockSkew);
        var window = new InstantWindow(Now, Skew);
        Assert.True(window.Contains(InstantWindow.Earliest));
        Assert.False(window.Contains(LastTickOf1999));
        Assert.True(window.Contains(Now + Skew));
        Assert.False(window.Contains(Now + Skew + TimeSpan.FromTicks(1)));
        // The same instant written with another offset is the same instant.
        Assert.True(window.Contains(new DateTimeOffset(2000, 1, 1, 1, 0, 0, TimeSpan.FromHours(1))));
        Assert.False(window.Contains(new DateTimeOffset(2000, 1, 1, 0, 59, 59, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void Latest_saturates_instead_of_overflowing()
        => Assert.Equal(DateTimeOffset.MaxValue, new InstantWindow(DateTimeOffset.MaxValue.AddMinutes(-1), Skew).Latest);

    [Theory]
    [InlineData("awareAt")]
    [InlineData("detectedAt")]
    [InlineData("occurredAt")]
    public void Report_refuses_the_last_tick_of_1999_and_accepts_the_first_of_2000(string field)
    {
        Incident Make(DateTimeOffset t) => field switch
        {
            "awareAt" => Report(aware: t), // detectedAt defaults to it
            "detectedAt" => Report(detected: t),
            _ => Report(detected: Now.AddHours(-1), occurred: t),
        };
        Assert.Equal([field], Fields(() => Make(LastTickOf1999)));
        var ok = Make(InstantWindow.Earliest);
        Assert.Equal(InstantWindow.Earliest, field switch { "awareAt" => ok.State.AwareAt, "detectedAt" => ok.State.DetectedAt, _ => ok.State.OccurredAt });
    }

    [Fact]
    public void Report_refuses_year_one_and_names_the_field()
    {
        var ex = Assert.Throws<DomainValidationException>(() => Report(aware: DateTimeOffset.MinValue));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("awareAt", error.Field);
        Assert.Equal("Must not be before 2000-01-01T00:00:00Z.", error.Message);
    }

    [Theory]
    [InlineData("awareAt")]
    [InlineData("detectedAt")]
    [InlineData("occurredAt")]
    public void Report_accepts_now_plus_skew_and_refuses_one_tick_more(string field)
    {
        Incident Make(DateTimeOffset t) => field switch
        {
            "awareAt" => Report(aware: t, skew: Skew),
            "detectedAt" => Report(detected: t, skew: Skew),
            _ => Report(detected: t, occurred: t, skew: Skew),
        };
        Make(Now + Skew);
        var fields = Fields(() => Make(Now + Skew + TimeSpan.FromTicks(1)));
        Assert.Contains(field, fields);
        Assert.Contains("more than 300 s ahead of the server's clock, which reads 2026-03-27T12:00:00Z", Assert.Throws<DomainValidationException>(() => Make(Now + Skew + TimeSpan.FromTicks(1))).Errors[0].Message);
    }

    [Fact]
    public void Without_a_skew_the_future_starts_one_tick_after_now()
    {
        Report(aware: Now);
        Assert.Equal(["awareAt"], Fields(() => Report(aware: Now.AddTicks(1))));
    }

    [Theory]
    [InlineData("detectedAt")]
    [InlineData("occurredAt")]
    [InlineData("awareAt")]
    public void Update_checks_the_instants_it_is_sent(string field)
    {
        var i = Report(aware: Now.AddHours(-1));
        IncidentChanges Change(DateTimeOffset t) => field switch
        {
            "detectedAt" => new() { DetectedAt = Optional<DateTimeOffset>.Of(t) },
            "occurredAt" => new() { OccurredAt = Optional<DateTimeOffset?>.Of(t) },
            _ => new() { AwareAt = Optional<DateTimeOffset>.Of(t), AwareAtChangeReason = "Log review" },
        };
        Assert.Contains(field, Fields(() => i.Update(Change(LastTickOf1999), Reporter, Now, Skew)));
        Assert.Contains(field, Fields(() => i.Update(Change(Now + Skew + TimeSpan.FromTicks(1)), Reporter, Now, Skew)));
        Assert.Single(i.NewEntries); // nothing changed
        if (field == "occurredAt") i.Update(Change(InstantWindow.Earliest), Reporter, Now, Skew);
        Assert.Equal(Now.AddHours(-1), i.State.AwareAt);
    }

    [Fact]
    public void Update_of_another_field_is_not_blocked_by_a_stored_instant_from_before_the_window()
    {
        // Stored before instants were checked.
        var legacy = Report(aware: Now.AddHours(-1)).State with { DetectedAt = DateTimeOffset.MinValue, AwareAt = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        var i = Incident.Load(legacy);
        i.Update(new IncidentChanges { Title = Optional<string>.Of("Odd logins on CRM and HR") }, Reporter, Now, Skew);
        Assert.Equal("Odd logins on CRM and HR", i.State.Title);
        // Correcting it goes through the window like any other change.
        i.Update(new IncidentChanges { DetectedAt = Optional<DateTimeOffset>.Of(Now.AddHours(-2)), AwareAt = Optional<DateTimeOffset>.Of(Now.AddHours(-1)), AwareAtChangeReason = "Year 1 was a typo" }, Reporter, Now, Skew);
        Assert.Equal(Now.AddHours(-1), i.State.AwareAt);
    }

    [Fact]
    public void Confirm_checks_awareAt_at_both_ends()
    {
        var early = Report(detected: InstantWindow.Earliest);
        Assert.Equal(["awareAt"], Fields(() => early.Confirm(LastTickOf1999, null, Reporter, Now, Skew)).Distinct().ToArray());
        Assert.Equal(["awareAt"], Fields(() => early.Confirm(DateTimeOffset.MinValue, null, Reporter, Now, Skew)).Distinct().ToArray());
        Assert.Equal(["awareAt"], Fields(() => early.Confirm(Now + Skew + TimeSpan.FromTicks(1), null, Reporter, Now, Skew)));
        Assert.Equal(IncidentStatus.Suspected, early.Status);
        early.Confirm(InstantWindow.Earliest, null, Reporter, Now, Skew);
        Assert.Equal(InstantWindow.Earliest, early.State.AwareAt);

        var late = Report(detected: Now);
        late.Confirm(Now + Skew, null, Reporter, Now, Skew);
        Assert.Equal(Now + Skew, late.State.AwareAt);
    }
}
