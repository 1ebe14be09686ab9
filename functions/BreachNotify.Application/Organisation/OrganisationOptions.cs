namespace BreachNotify.Application.Organisation;

/// <summary>Settings under <c>Organisation</c>: who we are. Other features (notices) may add to this section.</summary>
public sealed class OrganisationOptions
{
    public const string SectionName = "Organisation";

    /// <summary>IANA (or Windows) time zone id: local times and calendar months are shown and counted in it.</summary>
    public string TimeZone { get; set; } = "Europe/Amsterdam";

    public DpoOptions Dpo { get; set; } = new();

    /// <summary>The organisation named in every notice.</summary>
    public string? Name { get; set; }

    /// <summary>Country code of the lead supervisory authority (Art 56), e.g. NL; see GET /api/authorities.</summary>
    public string? LeadAuthority { get; set; }

    /// <summary>Where the authority notice is e-mailed: the authority's own address, or the DPO's mailbox when the authority takes portal submissions only.</summary>
    public string? AuthorityNoticeEmail { get; set; }

    /// <summary>Where the public communication (Art 34(3)(c)) is e-mailed for publication; defaults to the DPO's address.</summary>
    public string? PublicNoticeEmail { get; set; }

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
