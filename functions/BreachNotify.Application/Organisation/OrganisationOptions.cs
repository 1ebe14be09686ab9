namespace BreachNotify.Application.Organisation;

/// <summary>Settings under <c>Organisation</c>: who we are. Other features (notices) may add to this section.</summary>
public sealed class OrganisationOptions
{
    public const string SectionName = "Organisation";

    /// <summary>IANA (or Windows) time zone id: local times and calendar months are shown and counted in it.</summary>
    public string TimeZone { get; set; } = "Europe/Amsterdam";

    public DpoOptions Dpo { get; set; } = new();

    /// <summary>Resolves <see cref="TimeZone"/>; IANA ids work on Linux and, with ICU, on Windows.</summary>
    public TimeZoneInfo ResolveTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public bool TryResolveTimeZone(out TimeZoneInfo zone)
    {
        try { zone = ResolveTimeZone(); return true; }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}

public sealed class DpoOptions
{
    /// <summary>The data protection officer's mailbox: receives deadline reminders and escalations.</summary>
    public string? Email { get; set; }

    public string? Name { get; set; }
}
