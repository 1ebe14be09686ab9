namespace BreachNotify.Application.Deadlines;

/// <summary>Settings under <c>Escalation</c>: who else hears when a deadline passes.</summary>
public sealed class EscalationOptions
{
    public const string SectionName = "Escalation";

    /// <summary>E-mail addresses that receive escalations (overdue deadlines), besides the owner and the DPO.</summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>Send threshold reminders to the escalation list too (default: escalations only).</summary>
    public bool IncludeReminders { get; set; }
}
