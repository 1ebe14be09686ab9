namespace BreachNotify.Adapters.Outbox;

/// <summary>Options for <see cref="OutboxEmailSender"/>.</summary>
public sealed class OutboxEmailSenderOptions
{
    /// <summary>Folder for the .eml files (created when missing). Relative paths resolve against the current directory.</summary>
    public string Directory { get; set; } = ".outbox";

    /// <summary>Right-hand side of generated Message-IDs (RFC 5322 §3.6.4). Default uses the reserved <c>.invalid</c> TLD.</summary>
    public string MessageIdDomain { get; set; } = "outbox.breachnotify.invalid";

    /// <summary>Files written per send call, 1 to 1000: the unit recorded on the job before the next (see <see cref="OutboxEmailSender.RecipientsPerSend"/>).</summary>
    public int RecipientsPerBatch { get; set; } = 100;
}
