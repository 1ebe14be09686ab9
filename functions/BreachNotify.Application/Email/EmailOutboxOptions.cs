namespace BreachNotify.Application.Email;

public sealed class EmailOutboxOptions
{
    /// <summary>Folder for .eml files; relative to the content root.</summary>
    public string Directory { get; set; } = ".outbox";
}
