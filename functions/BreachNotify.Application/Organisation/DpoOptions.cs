namespace BreachNotify.Application.Organisation;

public sealed class DpoOptions
{
    /// <summary>The data protection officer's mailbox: receives deadline reminders and escalations.</summary>
    public string? Email { get; set; }

    public string? Name { get; set; }

    /// <summary>Optional phone number shown with the DPO's contact details in notices (Art 33(3)(b)).</summary>
    public string? Phone { get; set; }
}
