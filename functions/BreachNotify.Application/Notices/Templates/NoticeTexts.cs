namespace BreachNotify.Application.Notices.Templates;

/// <summary>
/// The parts of a notice only people can write, per language: what happened in plain words (Art 34(2) "clear and
/// plain language"), the likely consequences (Art 33(3)(c)), the measures taken or proposed (Art 33(3)(d)) and what
/// recipients can do themselves. Set with <c>PUT /api/incidents/{id}/notice-content/{language}</c>.
/// </summary>
public sealed record NoticeTexts(string? Summary, string? Consequences, string? Measures, string? Advice)
{
    public const int MaxLength = 5000;
}
