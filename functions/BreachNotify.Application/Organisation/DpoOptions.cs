namespace BreachNotify.Application.Organisation;

/// <summary>
/// The contact point notices name (GDPR Art 33(3)(b) and 34(2): "the data protection officer or other contact point"):
/// usually the DPO, otherwise e.g. a privacy team. Its title is a setting per language.
/// </summary>
public sealed class DpoOptions
{
    /// <summary>The data protection officer's mailbox: receives deadline reminders and escalations.</summary>
    public string? Email { get; set; }

    public string? Name { get; set; }

    /// <summary>Optional phone number shown with the DPO's contact details in notices (Art 33(3)(b)).</summary>
    public string? Phone { get; set; }

    /// <summary>
    /// The contact point's title per notice language (<c>Organisation:Dpo:Title:en</c> = "Privacy team", …), shown as a
    /// label before the name. A language without one uses its word for data protection officer.
    /// </summary>
    public Dictionary<string, string> Title { get; set; } = new(StringComparer.Ordinal);
}
