using System.Collections.Frozen;

namespace BreachNotify.Application.Notices.Templates;

/// <summary>
/// The current template of every kind × language, embedded in the assembly as <c>{kind}.{language}.v{n}.txt</c>.
/// A changed text gets a new version file; the version is stored with every notice sent, so old notices stay explained.
/// </summary>
public sealed class NoticeTemplateCatalog
{
    private const string Prefix = "BreachNotify.Application.Notices.Templates.";
    private readonly FrozenDictionary<(NoticeKind Kind, NoticeLanguage Language), NoticeTemplate> _current;

    private NoticeTemplateCatalog(FrozenDictionary<(NoticeKind, NoticeLanguage), NoticeTemplate> current) => _current = current;

    public static NoticeTemplateCatalog Default { get; } = Load();

    public NoticeTemplate Get(NoticeKind kind, NoticeLanguage language)
        => _current.TryGetValue((kind, language), out var t) ? t : throw new InvalidOperationException($"No template for {kind.ToWire()}.{language.ToWire()}.");

    public IEnumerable<NoticeTemplate> All => _current.Values;

    private static NoticeTemplateCatalog Load()
    {
        var assembly = typeof(NoticeTemplateCatalog).Assembly;
        var latest = new Dictionary<(NoticeKind, NoticeLanguage), (int Version, NoticeTemplate Template)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".txt", StringComparison.Ordinal)))
        {
            var version = name[Prefix.Length..^4]; // e.g. data-subjects.nl.v1
            var parts = version.Split('.');
            if (parts.Length != 3 || !NoticeVocabulary.TryParseKind(parts[0], out var kind) || !NoticeVocabulary.TryParseLanguage(parts[1], out var language)
                || !parts[2].StartsWith('v') || !int.TryParse(parts[2][1..], out var n))
                throw new InvalidOperationException($"Template resource '{name}' is not named {{kind}}.{{language}}.v{{n}}.txt.");
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var template = new NoticeTemplate(version, reader.ReadToEnd());
            if (!latest.TryGetValue((kind, language), out var have) || have.Version < n) latest[(kind, language)] = (n, template);
        }
        foreach (var kind in NoticeVocabulary.Kinds)
            foreach (var language in NoticeVocabulary.Languages)
                if (!latest.ContainsKey((kind, language))) throw new InvalidOperationException($"Template {kind.ToWire()}.{language.ToWire()} is missing.");
        return new NoticeTemplateCatalog(latest.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Template));
    }
}
