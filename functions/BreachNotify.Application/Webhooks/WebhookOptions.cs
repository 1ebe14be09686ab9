using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Webhooks;

/// <summary>
/// Monitor webhook settings, bound from the configuration section <see cref="SectionName"/> ("Webhooks").
/// Keys (":" in JSON/appsettings, "__" in environment variables and app settings):
/// <code>
/// Webhooks:ReplayWindow                          "00:05:00" (default 5 minutes)
/// Webhooks:MaxBodyBytes                          1048576    (default 1 MiB)
/// Webhooks:FailedAttemptsLoggedPerMinute         20         (failed verifications recorded per source and minute)
/// Webhooks:RepairAfter                           "00:02:00" (an alert still unmapped this long is retried by the sweep)
/// Webhooks:{source}:Secrets:0                    HMAC secret (a second one, :1, during rotation)
/// Webhooks:{source}:Tokens:0                     bearer token (a second one, :1, during rotation)
/// Webhooks:{source}:SignatureHeader              signature header name (grafana only; default X-Grafana-Alerting-Signature)
/// Webhooks:{source}:TimestampHeader              timestamp header name (grafana only; see GrafanaVerifier)
/// </code>
/// {source} is one of <see cref="WebhookSourceNames.All"/>. The key is matched ignoring case, '-' and '_', so
/// "azure-monitor" may be written "AzureMonitor" or "azure_monitor" where a hyphen is not allowed (Linux app settings).
/// Every child of the section that is not one of <see cref="SettingNames"/> is a source: the host binds the settings
/// with the configuration binder and puts each other child into <see cref="Sources"/> (a typo fails validation).
/// </summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>How far a signed timestamp may be from now, in either direction (generic and grafana with a timestamp).</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest body accepted. The endpoint should stop reading past this (413); parsing refuses it too.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Failed verifications recorded in the delivery log per source and minute (per instance); further failures in
    /// that minute are only counted. Unauthenticated requests must not be able to fill the store.
    /// </summary>
    public int FailedAttemptsLoggedPerMinute { get; set; } = 20;

    /// <summary>An alert stored but still not mapped onto an incident after this long is mapped again by the repair sweep.</summary>
    public TimeSpan RepairAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The keys of the section that are settings; every other key is a source.</summary>
    public static IReadOnlyList<string> SettingNames { get; } =
        [nameof(ReplayWindow), nameof(MaxBodyBytes), nameof(FailedAttemptsLoggedPerMinute), nameof(RepairAfter)];

    /// <summary>
    /// Settings per source, keyed by the configuration key (<c>Webhooks:{source}</c>). Not settable, so that the
    /// configuration binder never takes it for a key of its own ("Webhooks:Sources"): the host fills it.
    /// </summary>
    public Dictionary<string, WebhookSourceOptions> Sources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The settings of a source, matching its configuration key ignoring case, '-' and '_'; null when absent.</summary>
    public WebhookSourceOptions? GetSource(string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        if (Sources.TryGetValue(sourceName, out var exact))
        {
            return exact;
        }

        var wanted = WebhookSourceNames.NormalizeKey(sourceName);
        foreach (var (key, value) in Sources)
        {
            if (WebhookSourceNames.NormalizeKey(key) == wanted)
            {
                return value;
            }
        }

        return null;
    }
}
