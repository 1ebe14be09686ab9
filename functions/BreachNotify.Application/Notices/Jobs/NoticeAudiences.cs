using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Templates;

namespace BreachNotify.Application.Notices.Jobs;

/// <summary>One rendering a notification needs: a language and the readers it is for.</summary>
public sealed record NoticeRendering(NoticeLanguage Language, NoticeAudience Audience);

/// <summary>
/// Which renderings a notice to uploaded recipients needs, and which one each recipient gets: one per language, plus
/// Dutch for readers in Belgium ("gegevenslek"); for controller notices of a breach that touches several
/// controller-customers, one per controller (and language), each with that controller's own figures.
/// </summary>
public static class NoticeAudiences
{
    /// <summary>Data-subject renderings from the counters: per language, the default one (when any reader needs it) and each regional variant.</summary>
    public static IReadOnlyList<NoticeRendering> ForDataSubjects(RecipientCounts counts)
    {
        var list = new List<NoticeRendering>();
        foreach (var language in NoticeVocabulary.Languages)
        {
            var total = counts.Of(RecipientKind.DataSubject, language);
            if (total == 0) continue;
            var regional = 0L;
            foreach (var country in NoticeVocabulary.VariantCountries)
            {
                if (NoticeVocabulary.VariantCountry(language, country) is null) continue;
                var n = counts.Regional(RecipientKind.DataSubject, language, country);
                if (n == 0) continue;
                regional += n;
                list.Add(new NoticeRendering(language, new NoticeAudience(country)));
            }
            if (total > regional) list.Add(new NoticeRendering(language, NoticeAudience.Everyone));
        }
        return list;
    }

    /// <summary>
    /// Reads the incident's recipients once: the controller recipients (kept, they are few) and the number of data
    /// subjects uploaded for each controller. <paramref name="incidentController"/> (the incident's controllerCustomer)
    /// names the controller of rows that name none.
    /// </summary>
    public static async Task<ControllerPlan> ScanControllersAsync(RecipientRepository recipients, string incidentId, string? incidentController, CancellationToken cancellationToken)
    {
        var rows = new List<RecipientSummary>();
        var subjects = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var r in recipients.ReadSummariesAsync(incidentId, cancellationToken))
        {
            if (r.Kind == RecipientKind.Controller) rows.Add(r);
            else if ((r.Controller ?? incidentController) is { } owner) subjects[owner] = subjects.GetValueOrDefault(owner) + 1;
        }
        return new ControllerPlan(rows, subjects, incidentController);
    }

    /// <summary>The rendering a recipient gets: its own, else its language's default, else any of its language.</summary>
    public static RenderedNotice? Pick(IReadOnlyList<RenderedNotice> rendered, NoticeLanguage language, string variant)
        => rendered.FirstOrDefault(n => n.Language == language && n.Variant == variant)
           ?? rendered.FirstOrDefault(n => n.Language == language && n.Variant.Length == 0)
           ?? rendered.FirstOrDefault(n => n.Language == language);

    /// <summary>The rendering key of a data-subject recipient.</summary>
    public static string VariantOf(RecipientSummary r) => NoticeAudience.KeyOf(NoticeVocabulary.VariantCountry(r.Language, r.Country), null);
}

/// <summary>The controller recipients of an incident and each controller's share of the breach.</summary>
public sealed class ControllerPlan(IReadOnlyList<RecipientSummary> rows, IReadOnlyDictionary<string, long> subjects, string? incidentController)
{
    /// <summary>The controller recipients, in the store's (deterministic) order.</summary>
    public IReadOnlyList<RecipientSummary> Rows { get; } = rows;

    /// <summary>Every controller-customer named by a recipient (or by the incident): several means per-controller notices.</summary>
    public IReadOnlyList<string> Controllers { get; } = rows.Select(r => r.Controller ?? incidentController).Concat(subjects.Keys).Append(incidentController)
        .Where(n => n is not null).Select(n => n!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public bool Several => Controllers.Count > 1;

    public string? ControllerOf(RecipientSummary r) => r.Controller ?? incidentController;

    /// <summary>The share of <paramref name="controller"/>: with several controllers its own figures and the others' names.</summary>
    public ControllerShare? ShareOf(string? controller)
    {
        if (controller is null) return null;
        if (!Several) return new ControllerShare(controller, false, null);
        return new ControllerShare(controller, true, subjects.TryGetValue(controller, out var n) ? n : null)
        {
            Others = Controllers.Where(c => c != controller).ToList(),
        };
    }

    /// <summary>The rendering key of a controller recipient.</summary>
    public string VariantOf(RecipientSummary r)
        => NoticeAudience.KeyOf(NoticeVocabulary.VariantCountry(r.Language, r.Country), Several ? ControllerOf(r) : null);

    /// <summary>One rendering per controller, language and regional variant that the recipients need.</summary>
    public IReadOnlyList<NoticeRendering> Renderings()
        => Rows.Select(r => (r.Language, Country: NoticeVocabulary.VariantCountry(r.Language, r.Country), Controller: ControllerOf(r)))
            .Distinct()
            .OrderBy(x => x.Controller, StringComparer.Ordinal).ThenBy(x => x.Language).ThenBy(x => x.Country, StringComparer.Ordinal)
            .Select(x => new NoticeRendering(x.Language, new NoticeAudience(x.Country, ShareOf(x.Controller))))
            .ToList();
}
