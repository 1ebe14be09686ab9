using System.Text.Json;
using System.Text.Json.Serialization;

namespace BreachNotify.Application.Notices.Authorities;

/// <summary>One supervisory authority and how it takes breach notifications.</summary>
/// <param name="Name">How the registry lists it (bilingual where the authority has several official names).</param>
/// <param name="Confirmed">The channel was checked against the sources in docs/notices.md; false means check it yourself.</param>
/// <param name="Names">Its name per notice language where it has one (a letter in French names the Belgian authority in
/// French only); notices of other languages use the English one, else <paramref name="Name"/>.</param>
public sealed record SupervisoryAuthority(
    string Country,
    string Name,
    IReadOnlyList<string> Languages,
    string? Website,
    string? PortalUrl,
    string? Email,
    string? Phone,
    string Notes,
    bool Confirmed,
    IReadOnlyDictionary<string, string>? Names = null)
{
    /// <summary>The name a notice in <paramref name="language"/> uses.</summary>
    public string NameIn(NoticeLanguage language)
        => Names is null ? Name : Names.GetValueOrDefault(language.ToWire()) ?? Names.GetValueOrDefault(NoticeLanguages.English) ?? Name;

    /// <summary>Whether <paramref name="address"/> is the authority's own e-mail channel for breach notifications.</summary>
    public bool TakesEmailAt(string? address)
        => Email is not null && address is not null && string.Equals(Email, address.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The first of the authority's languages we have notice templates for, else English.</summary>
    public NoticeLanguage NoticeLanguage
        => Languages.Select(l => NoticeVocabulary.TryParseLanguage(l, out var language) ? language : (NoticeLanguage?)null).FirstOrDefault(l => l is not null) ?? NoticeLanguage.En;
}

/// <summary>EU/EEA authorities plus the UK's ICO and Switzerland's FDPIC, from the embedded data file.</summary>
public sealed class SupervisoryAuthorityRegistry
{
    public const string ResourceName = "BreachNotify.Application.Notices.Authorities.supervisory-authorities.json";

    private readonly Dictionary<string, SupervisoryAuthority> _byCountry;

    public SupervisoryAuthorityRegistry(IEnumerable<SupervisoryAuthority> authorities)
        => _byCountry = authorities.ToDictionary(a => a.Country, StringComparer.Ordinal);

    public static SupervisoryAuthorityRegistry Default { get; } = Load();

    public IReadOnlyCollection<SupervisoryAuthority> All => _byCountry.Values;

    public bool Contains(string country) => _byCountry.ContainsKey(country);

    public SupervisoryAuthority? Find(string? country) => country is not null && _byCountry.TryGetValue(country.Trim().ToUpperInvariant(), out var a) ? a : null;

    private sealed record FileShape([property: JsonPropertyName("authorities")] List<SupervisoryAuthority> Authorities);

    public static SupervisoryAuthorityRegistry Load()
    {
        using var stream = typeof(SupervisoryAuthorityRegistry).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        var file = JsonSerializer.Deserialize<FileShape>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("The supervisory authority file is empty.");
        return new SupervisoryAuthorityRegistry(file.Authorities);
    }
}
