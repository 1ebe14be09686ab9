using Microsoft.Extensions.Options;
using NCrontab;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// Timer schedules are app settings (the trigger attribute says <c>%DeadlineWatch:Schedule%</c>), so an operator can
/// change them without a build. The Functions host resolves them from its app settings; standalone we resolve them
/// from configuration, with the defaults below when a setting is absent. Six-field NCRONTAB with seconds, the
/// host's dialect (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions).
/// </summary>
public static class TimerSchedules
{
    /// <summary>Defaults in code; the Bicep and local.settings.sample.json set the same values.</summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["DeadlineWatch:Schedule"] = "0 */5 * * * *",
        ["NoticeSweep:Schedule"] = "0 */5 * * * *",
        ["WebhookRepair:Schedule"] = "0 */2 * * * *",
        ["SendQueuedNotices:Schedule"] = "*/10 * * * * *",
        ["RecipientRetention:Schedule"] = "0 0 3 * * *",
    };

    /// <summary>The setting a schedule refers to (<c>%Name%</c>), or null for a literal expression.</summary>
    public static string? SettingName(string schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.Length > 2 && schedule[0] == '%' && schedule[^1] == '%' ? schedule[1..^1] : null;
    }

    /// <summary>The expression to run on: the setting's value, else the default, else the literal text.</summary>
    public static string Resolve(string schedule, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var setting = SettingName(schedule);
        if (setting is null) return schedule;
        var value = configuration[setting];
        if (!string.IsNullOrWhiteSpace(value)) return value.Trim();
        return Defaults.TryGetValue(setting, out var fallback)
            ? fallback
            : throw new InvalidOperationException($"Timer schedule setting {setting} is not set and has no default.");
    }

    public static CrontabSchedule Parse(string expression)
        => CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });

    /// <summary>Every timer's schedule, named by setting, that does not parse (checked at start-up in both modes).</summary>
    public static IReadOnlyList<string> Problems(FunctionIndex index, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(index);
        var problems = new List<string>();
        foreach (var timer in index.Timers.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var setting = SettingName(timer.Schedule) ?? timer.Name;
            try
            {
                if (CrontabSchedule.TryParse(Resolve(timer.Schedule, configuration), new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is null)
                    problems.Add($"{setting} must be a six-field NCRONTAB expression with seconds, e.g. \"0 */5 * * * *\" (every five minutes).");
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(ex.Message);
            }
        }
        return problems;
    }
}

/// <summary>Marker validated at start-up: runs <see cref="TimerSchedules.Problems"/>.</summary>
public sealed class TimerSchedulesCheck;

internal sealed class TimerSchedulesValidator(FunctionIndex index, IConfiguration configuration) : IValidateOptions<TimerSchedulesCheck>
{
    public ValidateOptionsResult Validate(string? name, TimerSchedulesCheck options)
    {
        var problems = TimerSchedules.Problems(index, configuration);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
