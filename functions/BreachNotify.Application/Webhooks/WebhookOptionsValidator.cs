using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Webhooks;

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
