using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Application.Notices;

/// <summary>
/// The people-written parts of an incident's notices, per language: the texts for the people concerned and, separately,
/// the third-person texts for the authority and controllers. Each change is a timeline entry (<c>notice-content-set</c>)
/// whose details hold the texts, so what a notice was based on stays on the Art 33(5) record and the change is atomic
/// with it; the current texts are the latest entry per language and audience.
/// </summary>
public sealed class NoticeContentService(IncidentService incidents)
{
    public const string Action = "notice-content-set";
    private const string AuthorityAudience = "authority";

    /// <param name="Audience">Null for the texts for the people concerned (entries written before the authority texts
    /// existed have none); <c>authority</c> for the third-person texts.</param>
    private sealed record Snapshot(string Language, string? Summary, string? Consequences, string? Measures, string? Advice, string? Audience = null);

    private sealed record Submission(string? Reference);

    public async Task<NoticeContent> GetAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var people = new Dictionary<string, NoticeTexts>(StringComparer.Ordinal);
        var authority = new Dictionary<string, AuthorityTexts>(StringComparer.Ordinal);
        string? reference = null;
        foreach (var entry in await incidents.GetTimelineAsync(incidentId, cancellationToken))
        {
            if (entry.Details is null) continue;
            if (entry.Action == AuthoritySubmissionService.Action)
            {
                reference ??= StoredJson.Deserialize<Submission>(entry.Details).Reference; // the first submission's
                continue;
            }
            if (entry.Action != Action) continue;
            var snap = StoredJson.Deserialize<Snapshot>(entry.Details);
            // Later entries win.
            if (snap.Audience == AuthorityAudience) authority[snap.Language] = new AuthorityTexts(snap.Summary, snap.Consequences, snap.Measures);
            else people[snap.Language] = new NoticeTexts(snap.Summary, snap.Consequences, snap.Measures, snap.Advice);
        }
        return new NoticeContent(people, authority, reference);
    }

    /// <summary>Sets the texts for the people concerned in <paramref name="language"/> (all four fields; absent ones are cleared).</summary>
    public async Task<NoticeTexts> SetAsync(string incidentId, string language, NoticeTexts texts, string? ifMatch, Actor actor, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        NoticeVocabulary.ParseLanguage(language, "language", errors);
        var clean = new NoticeTexts(Clean(texts.Summary, "summary", errors), Clean(texts.Consequences, "consequences", errors), Clean(texts.Measures, "measures", errors), Clean(texts.Advice, "advice", errors));
        errors.ThrowIfAny();
        var current = (await GetAsync(incidentId, cancellationToken)).People.GetValueOrDefault(language);
        await RecordAsync(incidentId, ifMatch, actor, clean == current, $"noticeContent.{language}.",
            [("summary", current?.Summary, clean.Summary), ("consequences", current?.Consequences, clean.Consequences), ("measures", current?.Measures, clean.Measures), ("advice", current?.Advice, clean.Advice)],
            new Snapshot(language, clean.Summary, clean.Consequences, clean.Measures, clean.Advice), cancellationToken);
        return clean;
    }

    /// <summary>Sets the third-person texts for the authority and controllers in <paramref name="language"/> (absent fields are cleared).</summary>
    public async Task<AuthorityTexts> SetAuthorityAsync(string incidentId, string language, AuthorityTexts texts, string? ifMatch, Actor actor, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        NoticeVocabulary.ParseLanguage(language, "language", errors);
        var clean = new AuthorityTexts(Clean(texts.Summary, "summary", errors), Clean(texts.Consequences, "consequences", errors), Clean(texts.Measures, "measures", errors));
        errors.ThrowIfAny();
        var current = (await GetAsync(incidentId, cancellationToken)).Authority.GetValueOrDefault(language);
        await RecordAsync(incidentId, ifMatch, actor, clean == current, $"noticeContent.{language}.authority.",
            [("summary", current?.Summary, clean.Summary), ("consequences", current?.Consequences, clean.Consequences), ("measures", current?.Measures, clean.Measures)],
            new Snapshot(language, clean.Summary, clean.Consequences, clean.Measures, null, AuthorityAudience), cancellationToken);
        return clean;
    }

    private Task RecordAsync(string incidentId, string? ifMatch, Actor actor, bool unchanged, string fieldPrefix,
        IReadOnlyList<(string Field, string? Old, string? New)> fields, Snapshot snapshot, CancellationToken cancellationToken)
        => incidents.ChangeAsync(incidentId, ifMatch, (incident, now) =>
        {
            if (!incident.Status.IsOpen()) throw new InvalidStateException($"A {incident.Status.ToWire()} incident cannot change its notice texts.");
            if (unchanged) return; // same texts: nothing to record
            var changes = fields.Where(f => f.Old != f.New)
                .Select(f => new FieldChange(fieldPrefix + f.Field, f.Old is null ? null : "(text)", f.New is null ? null : "(text)")).ToList();
            incident.Record(Action, changes, null, StoredJson.Serialize(snapshot), actor, now);
        }, cancellationToken);

    private static string? Clean(string? value, string field, FieldErrors errors)
    {
        var v = value?.Trim().Replace("\r\n", "\n", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(v)) return null;
        if (v.Length > NoticeTexts.MaxLength) errors.Add(field, $"At most {NoticeTexts.MaxLength} characters.");
        if (v.Any(c => char.IsControl(c) && c is not '\n' and not '\t')) errors.Add(field, "Contains a control character.");
        return v;
    }
}
