namespace BreachNotify.Application.Notices.Templates;

/// <summary>
/// The parts of a notice only people can write, per language, addressed to the people concerned: what happened in plain
/// words (Art 34(2) "clear and plain language"), what it may mean for them, what we did and what they can do themselves.
/// Used by the data-subject and public notices. Set with <c>PUT /api/incidents/{id}/notice-content/{language}</c>.
/// </summary>
public sealed record NoticeTexts(string? Summary, string? Consequences, string? Measures, string? Advice)
{
    public const int MaxLength = 5000;
}

/// <summary>
/// The people-written parts of the notices to professionals, per language, in the third person: the nature of the
/// breach (Art 33(3)(a)), its likely consequences (Art 33(3)(c)) and the measures taken or proposed (Art 33(3)(d)).
/// Used by the authority notice and the notices to our controller-customers (Art 33(2)), never the "your data" texts.
/// Set with <c>PUT /api/incidents/{id}/notice-content/{language}/authority</c>.
/// </summary>
public sealed record AuthorityTexts(string? Summary, string? Consequences, string? Measures);

/// <summary>What people wrote for an incident's notices, by language, and the authority's reference of the first submission.</summary>
/// <param name="AuthorityReference">The reference the authority's portal gave the first submission
/// (<c>POST /authority-submissions</c>); follow-ups to the authority carry it.</param>
public sealed record NoticeContent(
    IReadOnlyDictionary<string, NoticeTexts> People,
    IReadOnlyDictionary<string, AuthorityTexts> Authority,
    string? AuthorityReference = null)
{
    public static readonly NoticeContent Empty = new(new Dictionary<string, NoticeTexts>(), new Dictionary<string, AuthorityTexts>());
}
