using BreachNotify.Application.Configuration;
using BreachNotify.Application.Deadlines;
using Microsoft.Extensions.Configuration;
using BreachNotify.FunctionApp.Tests.Deployment;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Tests.Configuration;

/// <summary>
/// Every duration setting of the app (found by reflection over the options classes, so new ones are covered too)
/// refuses .NET's day-shaped <c>24:00:00</c> at start-up, naming the setting and the right spelling, and reads the
/// unambiguous forms.
/// </summary>
public sealed class DurationSettingsTests
{
    /// <summary>Each TimeSpan setting as a concrete key: list indexes 0, dictionary keys "custom".</summary>
    public static IReadOnlyList<string> Keys() => SettingsCatalogTests.OptionsSettings().Where(s => s.Type == typeof(TimeSpan))
        .Select(s => Concrete(s.Key)).Distinct().Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> DurationKeys() => new(Keys());

    private static string Concrete(string key) => System.Text.RegularExpressions.Regex.Replace(key.Replace("{n}", "0", StringComparison.Ordinal), @"\{[^}]*\}", "custom");

    [Fact]
    public void Reflection_finds_the_duration_settings_of_every_layer()
    {
        var keys = Keys();
        Assert.Contains("Deadlines:DueSoon", keys);
        Assert.Contains("Deadlines:ReminderThresholds:0", keys);
        Assert.Contains("Deadlines:Regimes:custom:Obligations:0:Within", keys);
        Assert.Contains("Webhooks:ReplayWindow", keys);
        Assert.Contains("Notices:SendLease", keys);
        Assert.Contains("Queue:Embedded:VisibilityTimeout", keys);
        Assert.Contains("Storage:Sqlite:BusyTimeout", keys);
    }

    [Theory]
    [MemberData(nameof(DurationKeys))]
    public void A_bare_24_hours_is_refused_at_start_up_naming_the_setting_and_the_spelling(string key)
    {
        using var factory = new BreachNotifyFactory();
        factory.Settings[key] = "24:00:00";
        var ex = Assert.IsAssignableFrom<Exception>(factory.StartupFailure());
        var text = ex.ToString();
        Assert.Contains(key, text, StringComparison.Ordinal);
        Assert.Contains("1.00:00:00", text, StringComparison.Ordinal);
        Assert.Contains("24h", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unambiguous_forms_are_read_as_written()
    {
        using var factory = new BreachNotifyFactory();
        factory.Settings["Deadlines:DueSoon"] = "1.00:00:00";
        factory.Settings["Deadlines:ProcessorNotifyController"] = "24h";
        factory.Settings["Deadlines:SuspectedReminderAfter"] = "PT36H";
        factory.Settings["Deadlines:ReminderThresholds:0"] = "P2D";
        factory.Settings["Deadlines:ReminderThresholds:1"] = "90m";
        factory.Settings["Deadlines:ClaimLease"] = "00:10:00";
        var o = factory.Services.GetRequiredService<IOptions<DeadlineOptions>>().Value;
        Assert.Equal(TimeSpan.FromHours(24), o.DueSoon);
        Assert.Equal(TimeSpan.FromHours(24), o.ProcessorNotifyController);
        Assert.Equal(TimeSpan.FromHours(36), o.SuspectedReminderAfter);
        Assert.Equal([TimeSpan.FromHours(48), TimeSpan.FromMinutes(90)], o.ReminderThresholds);
        Assert.Equal(TimeSpan.FromMinutes(10), o.ClaimLease);
    }

    [Fact]
    public void A_list_element_the_binder_would_silently_drop_is_reported_with_its_path()
    {
        DurationSettings.Register();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Deadlines:ReminderThresholds:0"] = "24h",
            ["Deadlines:ReminderThresholds:1"] = "48:00:00",
            ["Deadlines:Regimes:dora:Obligations:0:Id"] = "initial",
            ["Deadlines:Regimes:dora:Obligations:0:Within"] = "24:00:00",
            ["Deadlines:UndueDelayTarget"] = "",
            ["Deadlines:ReminderThresholds:2"] = "",
        }).Build();
        // Why the check exists: the binder drops a list element (or a whole obligation) it cannot convert, without a word.
        var bound = config.GetSection(DeadlineOptions.SectionName).Get<DeadlineOptions>()!;
        Assert.Equal([TimeSpan.FromHours(24)], bound.ReminderThresholds);
        Assert.Empty(bound.Regimes["dora"].Obligations);

        var problems = DurationSettings.Problems(config, [typeof(DeadlineOptions)]);
        Assert.Equal(3, problems.Count);
        Assert.StartsWith("Deadlines:ReminderThresholds:2 (Deadlines__ReminderThresholds__2): No duration given", problems[2], StringComparison.Ordinal);
        Assert.StartsWith("Deadlines:ReminderThresholds:1 (Deadlines__ReminderThresholds__1): '48:00:00' is ambiguous", problems[1], StringComparison.Ordinal);
        Assert.Contains("2.00:00:00", problems[1], StringComparison.Ordinal);
        Assert.StartsWith("Deadlines:Regimes:dora:Obligations:0:Within (Deadlines__Regimes__dora__Obligations__0__Within): '24:00:00' is ambiguous", problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_duration_clears_an_optional_one_and_is_refused_for_a_required_one()
    {
        using (var factory = new BreachNotifyFactory())
        {
            factory.Settings["Deadlines:UndueDelayTarget"] = "";
            Assert.Null(factory.Services.GetRequiredService<IOptions<DeadlineOptions>>().Value.UndueDelayTarget);
        }
        using (var factory = new BreachNotifyFactory())
        {
            factory.Settings["Deadlines:DueSoon"] = "";
            var ex = Assert.IsAssignableFrom<Exception>(factory.StartupFailure());
            Assert.Contains("Deadlines:DueSoon", ex.ToString(), StringComparison.Ordinal);
            Assert.Contains("No duration given", ex.ToString(), StringComparison.Ordinal);
        }
    }
}
