namespace BreachNotify.Domain.Incidents;

/// <summary>
/// Lifecycle: suspected (a signal, not yet a personal data breach) → confirmed (aware: the 72 h clock runs)
/// → notified → closed; or dismissed (not a personal data breach). Closed and dismissed incidents stay on
/// record forever: Art 33(5) requires documenting every breach.
/// </summary>
public enum IncidentStatus
{
    Suspected,
    Confirmed,
    Notified,
    Closed,
    Dismissed,
}

/// <summary>Our role for the affected processing (GDPR Art 4(7)/(8)).</summary>
public enum ProcessingRole
{
    Controller,
    Processor,
}

public static class IncidentStatusExtensions
{
    public static bool IsOpen(this IncidentStatus status) => status is IncidentStatus.Suspected or IncidentStatus.Confirmed or IncidentStatus.Notified;

    public static string ToWire(this IncidentStatus status) => status switch
    {
        IncidentStatus.Suspected => "suspected",
        IncidentStatus.Confirmed => "confirmed",
        IncidentStatus.Notified => "notified",
        IncidentStatus.Closed => "closed",
        IncidentStatus.Dismissed => "dismissed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? value, out IncidentStatus status)
    {
        foreach (var s in Enum.GetValues<IncidentStatus>())
        {
            if (string.Equals(s.ToWire(), value, StringComparison.Ordinal)) { status = s; return true; }
        }
        status = default;
        return false;
    }
}
