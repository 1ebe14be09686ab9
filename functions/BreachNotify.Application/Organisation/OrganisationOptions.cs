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

    /// <summary>
    /// The lead authority's name as notices give it, when the registry's is not specific enough (Germany: the registry
    /// says "the data protection authority of the competent Land"; set e.g. "Berliner Beauftragte für Datenschutz und
    /// Informationsfreiheit"). Used in every language.
    /// </summary>
    public string? LeadAuthorityName { get; set; }

    /// <summary>Where the authority notice is e-mailed: the authority's own address, or the DPO's mailbox when the authority takes portal submissions only.</summary>
    public string? AuthorityNoticeEmail { get; set; }

    /// <summary>Where the public communication (Art 34(3)(c)) is e-mailed for publication; defaults to the DPO's address.</summary>
    public string? PublicNoticeEmail { get; set; }

    public const string DefaultDashboardUrl = "http://localhost:7071/api/ui/";

    /// <summary>
    /// The dashboard as people open it in a browser (ending in <c>/api/ui/</c>, behind whatever host name or proxy they
    /// use): reminder e-mails link to the incident's page there. The default is the standalone app on this machine.
    /// </summary>
    public string DashboardUrl { get; set; } = DefaultDashboardUrl;

    /// <summary>An absolute http(s) URL without query or fragment (the page's route is the fragment); a missing final '/'
    /// is added, since the dashboard's relative URLs need it.</summary>
    public bool TryResolveDashboardUrl(out Uri dashboard)
    {
        dashboard = null!;
        var text = DashboardUrl?.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || !string.IsNullOrEmpty(uri.UserInfo))
            return false;
        dashboard = uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
        return true;
    }

    /// <summary>The incident's page in the dashboard (its hash route), for links in e-mails.</summary>
    public string IncidentPageUrl(string incidentId)
    {
        if (!TryResolveDashboardUrl(out var dashboard))
            throw new InvalidOperationException("Organisation:DashboardUrl is not an absolute http(s) URL (checked at start-up).");
        return dashboard.AbsoluteUri + "#/incident/" + Uri.EscapeDataString(incidentId);
    }

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
