namespace BreachNotify.Application.Email;

public sealed class EmailOutboxOptions
{
    /// <summary>Folder for .eml files; relative to the content root.</summary>
    public string Directory { get; set; } = ".outbox";

    /// <summary>Files written per send call (1 to 1000); each batch is recorded on its job before the next is written, so
    /// a crash rewrites at most one batch per job in flight.</summary>
    public int RecipientsPerBatch { get; set; } = 100;
}
