using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Application.Notices;

/// <summary>
/// The people-written parts of an incident's notices, per language. Each change is a timeline entry
/// (<c>notice-content-set</c>) whose details hold the texts, so what a notice was based on stays on the Art 33(5)
/// record and the change is atomic with it; the current texts are the latest entry per language.
/// </summary>
public sealed class NoticeContentService(IncidentService incidents)
{
    public const string Action = "notice-content-set";

    private sealed record Snapshot(string Language, string? Summary, string? Consequences, string? Measures, string? Advice);

    public async Task<IReadOnlyDictionary<string, NoticeTexts>> GetAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, NoticeTexts>(StringComparer.Ordinal);
        foreach (var entry in await incidents.GetTimelineAsync(incidentId, cancellationToken))
        {
            if (entry.Action != Action || entry.Details is null) continue;
            var snap = StoredJson.Deserialize<Snapshot>(entry.Details);
            result[snap.Language] = new NoticeTexts(snap.Summary, snap.Consequences, snap.Measures, snap.Advice); // later entries win
        }
        return result;
    }

    public async Task<NoticeTexts> SetAsync(string incidentId, string language, NoticeTexts texts, string? ifMatch, Actor actor, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        NoticeVocabulary.ParseLanguage(language, "language", errors);
        var clean = new NoticeTexts(Clean(texts.Summary, "summary", errors), Clean(texts.Consequences, "consequences", errors), Clean(texts.Measures, "measures", errors), Clean(texts.Advice, "advice", errors));
        errors.ThrowIfAny();
        var current = (await GetAsync(incidentId, cancellationToken)).GetValueOrDefault(language);
        await incidents.ChangeAsync(incidentId, ifMatch, (incident, now) =>
        {
            if (!incident.Status.IsOpen()) throw new InvalidStateException($"A {incident.Status.ToWire()} incident cannot change its notice texts.");
            if (clean == current) return; // same texts: nothing to record
            var changes = new List<FieldChange>();
            void Track(string field, string? old, string? @new) { if (old != @new) changes.Add(new FieldChange($"noticeContent.{language}.{field}", old is null ? null : "(text)", @new is null ? null : "(text)")); }
            Track("summary", current?.Summary, clean.Summary);
            Track("consequences", current?.Consequences, clean.Consequences);
            Track("measures", current?.Measures, clean.Measures);
            Track("advice", current?.Advice, clean.Advice);
            incident.Record(Action, changes, null, StoredJson.Serialize(new Snapshot(language, clean.Summary, clean.Consequences, clean.Measures, clean.Advice)), actor, now);
        }, cancellationToken);
        return clean;
    }

    private static string? Clean(string? value, string field, FieldErrors errors)
    {
        var v = value?.Trim().Replace("\r\n", "\n", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(v)) return null;
        if (v.Length > NoticeTexts.MaxLength) errors.Add(field, $"At most {NoticeTexts.MaxLength} characters.");
        if (v.Any(c => char.IsControl(c) && c is not '\n' and not '\t')) errors.Add(field, "Contains a control character.");
        return v;
    }
}
