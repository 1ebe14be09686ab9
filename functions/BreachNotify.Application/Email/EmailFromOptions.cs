namespace BreachNotify.Application.Email;

public sealed class EmailFromOptions
{
    public string Address { get; set; } = "breachnotify@example.invalid";
    /// <summary>
    /// Display name of the sender. Leave it empty to let each message say who writes: notices show
    /// <c>Organisation:Name</c> (the people notified should see the organisation, not a tool), internal mail "BreachNotify".
    /// Set it only to override that on purpose.
    /// </summary>
    public string? Name { get; set; }
}
