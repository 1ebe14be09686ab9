namespace BreachNotify.Application.Webhooks;

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
