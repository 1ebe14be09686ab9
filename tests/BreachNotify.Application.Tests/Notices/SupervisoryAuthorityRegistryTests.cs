using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Authorities;

namespace BreachNotify.Application.Tests.Notices;

public sealed class SupervisoryAuthorityRegistryTests
{
    private static readonly string[] EuEea =
    [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
        "IS", "LI", "NO",
    ];

    [Fact]
    public void Covers_the_EU_and_EEA_plus_the_UK_and_Switzerland()
    {
        var countries = SupervisoryAuthorityRegistry.Default.All.Select(a => a.Country).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(EuEea.Append("GB").Append("CH").Order(StringComparer.Ordinal), countries);
    }

    [Fact]
    public void Only_the_sourced_channels_are_confirmed()
    {
        var confirmed = SupervisoryAuthorityRegistry.Default.All.Where(a => a.Confirmed).Select(a => a.Country).Order(StringComparer.Ordinal);
        Assert.Equal(["BE", "CH", "GB", "NL"], confirmed);
    }

    [Fact]
    public void The_Dutch_and_Belgian_channels_are_portals_not_e_mail()
    {
        var nl = SupervisoryAuthorityRegistry.Default.Find("nl")!;
        Assert.Equal("Autoriteit Persoonsgegevens", nl.Name);
        Assert.Null(nl.Email);
        Assert.Contains("only", nl.Notes);
        Assert.StartsWith("https://www.autoriteitpersoonsgegevens.nl/", nl.PortalUrl);
        var be = SupervisoryAuthorityRegistry.Default.Find("BE")!;
        Assert.Contains("e-mailed forms are not processed", be.Notes);
        Assert.Equal(["nl", "fr", "de"], be.Languages);
    }

    [Theory]
    [InlineData("NL", "nl")]
    [InlineData("BE", "nl")]
    [InlineData("FR", "fr")]
    [InlineData("AT", "de")]
    [InlineData("LU", "fr")]
    [InlineData("IE", "en")]
    [InlineData("PL", "en")]
    public void The_notice_language_is_the_first_of_the_authority_languages_we_have(string country, string language)
        => Assert.Equal(language, SupervisoryAuthorityRegistry.Default.Find(country)!.NoticeLanguage.ToWire());

    [Fact]
    public void Every_entry_is_complete()
    {
        foreach (var a in SupervisoryAuthorityRegistry.Default.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(a.Name), a.Country);
            Assert.NotEmpty(a.Languages);
            Assert.True(a.Website is null || a.Website.StartsWith("https://", StringComparison.Ordinal), a.Country);
            Assert.True(a.PortalUrl is null || a.PortalUrl.StartsWith("https://", StringComparison.Ordinal), a.Country);
        }
    }
}
