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

/// <summary>The credentials of one source. Lists so that two may be active during rotation.</summary>
public sealed class WebhookSourceOptions
{
    /// <summary>HMAC-SHA256 secrets (UTF-8 bytes of the string are the key). Blank entries are ignored.</summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>Bearer tokens accepted in <c>Authorization: Bearer &lt;token&gt;</c>. Blank entries are ignored.</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>Header carrying the signature, where the sender lets it be chosen (grafana).</summary>
    public string? SignatureHeader { get; set; }

    /// <summary>Header carrying the signed Unix timestamp, where the sender lets it be chosen (grafana).</summary>
    public string? TimestampHeader { get; set; }

    internal IReadOnlyList<string> ActiveSecrets => Secrets.Where(s => !string.IsNullOrWhiteSpace(s)).ToList();

    internal IReadOnlyList<string> ActiveTokens => Tokens.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
}

/// <summary>Rejects a window or size that is not positive, and a source key that names no known source (a typo).</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ReplayWindow <= TimeSpan.Zero)
        {
            failures.Add("Webhooks:ReplayWindow must be positive.");
        }

        if (options.MaxBodyBytes <= 0)
        {
            failures.Add("Webhooks:MaxBodyBytes must be positive.");
        }

        if (options.FailedAttemptsLoggedPerMinute < 0)
        {
            failures.Add("Webhooks:FailedAttemptsLoggedPerMinute must not be negative.");
        }

        if (options.RepairAfter <= TimeSpan.Zero)
        {
            failures.Add("Webhooks:RepairAfter must be positive.");
        }

        foreach (var key in options.Sources.Keys)
        {
            if (string.Equals(key, "Sources", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add("Webhooks:Sources:{source} is the old layout: write Webhooks:{source}:Secrets / Webhooks:{source}:Tokens.");
            }
            else if (WebhookSourceNames.Find(key) is null)
            {
                failures.Add($"Webhooks:{key} is neither a setting ({string.Join(", ", WebhookOptions.SettingNames)}) nor a known source ({string.Join(", ", WebhookSourceNames.All)}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
