namespace BreachNotify.Application.Webhooks;

/// <summary>The sources a webhook can come from; each name is the route segment and the configuration key.</summary>
public static class WebhookSourceNames
{
    public const string PagerDuty = "pagerduty";
    public const string Grafana = "grafana";
    public const string Alertmanager = "alertmanager";
    public const string AzureMonitor = "azure-monitor";
    public const string GitHub = "github";
    public const string Sentinel = "sentinel";
    public const string Generic = "generic";

    public static IReadOnlyList<string> All { get; } =
        [PagerDuty, Grafana, Alertmanager, AzureMonitor, GitHub, Sentinel, Generic];

    /// <summary>The canonical name matching <paramref name="name"/> ignoring case, '-' and '_'; null when none does.</summary>
    public static string? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wanted = NormalizeKey(name);
        return All.FirstOrDefault(n => NormalizeKey(n) == wanted);
    }

    internal static string NormalizeKey(string key) =>
        key.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
