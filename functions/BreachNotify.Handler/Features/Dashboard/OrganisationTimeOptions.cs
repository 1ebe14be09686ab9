using Microsoft.Extensions.Options;

namespace BreachNotify.Handler.Features.Dashboard;

/// <summary>Organisation:TimeZone: the IANA zone people read times in (deadlines, the dashboard). Instants stay UTC.</summary>
public sealed class OrganisationTimeOptions
{
    public const string SectionName = "Organisation";
    public const string DefaultTimeZone = "Europe/Amsterdam";

    public string TimeZone { get; set; } = DefaultTimeZone;
}

public sealed class OrganisationTimeOptionsValidator : IValidateOptions<OrganisationTimeOptions>
{
    public ValidateOptionsResult Validate(string? name, OrganisationTimeOptions options)
        => !string.IsNullOrWhiteSpace(options.TimeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out var zone) && zone.HasIanaId
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Organisation:TimeZone '{options.TimeZone}' is not an IANA time zone id (e.g. Europe/Amsterdam).");
}
