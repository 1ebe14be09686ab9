namespace BreachNotify.Adapters.Outbox;

/// <summary>Options for <see cref="OutboxEmailSender"/>.</summary>
public sealed class OutboxEmailSenderOptions
{
    /// <summary>Folder for the .eml files (created when missing). Relative paths resolve against the current directory.</summary>
    public string Directory { get; set; } = ".outbox";

    /// <summary>Right-hand side of generated Message-IDs (RFC 5322 §3.6.4). Default uses the reserved <c>.invalid</c> TLD.</summary>
    public string MessageIdDomain { get; set; } = "outbox.breachnotify.invalid";
}
