using System.Security.Cryptography;
using System.Text;
using BreachNotify.Domain.Common;

namespace BreachNotify.Application.Notices.Templates;

/// <summary>
/// The values a template is rendered with. A value is text or a list of texts. A fact the notice needs but the incident
/// or the settings lack is recorded in <see cref="Missing"/> with the name the caller must fill in (e.g.
/// <c>Organisation:Dpo:Email</c>, <c>noticeContent.nl.measures</c>); rendering a template that uses it fails naming it.
/// </summary>
public sealed class NoticeModel
{
    public Dictionary<string, object> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Placeholder → fact name to report when the placeholder is used but has no value.</summary>
    public Dictionary<string, string> Missing { get; } = new(StringComparer.Ordinal);

    /// <summary>Per-recipient substitution tokens: placeholder → (token in text, token in HTML). Inserted verbatim.</summary>
    public Dictionary<string, (string Text, string Html)> Tokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Facts required whatever the template uses (e.g. the number of records in a final authority notice).</summary>
    public List<string> Required { get; } = [];

    /// <summary>Values that are present but cannot go into this notice (field → why), e.g. a link in a notice that promises none.</summary>
    public Dictionary<string, string> Invalid { get; } = new(StringComparer.Ordinal);

    public void Set(string key, string? value, string? factIfMissing = null)
    {
        if (!string.IsNullOrWhiteSpace(value)) { Values[key] = value.Trim(); Missing.Remove(key); }
        else if (factIfMissing is not null) Missing[key] = factIfMissing;
    }

    public void SetList(string key, IReadOnlyList<string> items) { if (items.Count > 0) Values[key] = items; }
}

/// <summary>A rendered notice: what is sent (before per-recipient substitution) and its fingerprint.</summary>
/// <param name="TemplateVersion">E.g. <c>authority.en.v1</c>.</param>
/// <param name="BodySha256">SHA-256 (hex) over subject, text and HTML as rendered (UTF-8, separated by NUL).</param>
public sealed record RenderedNotice(NoticeKind Kind, NoticeLanguage Language, NoticePhase Phase, string TemplateVersion, string Subject, string Text, string Html, string BodySha256)
{
    /// <summary>Which rendering of a notification this is, when one language needs several (<see cref="NoticeAudience.Key"/>; "" otherwise).</summary>
    public string Variant { get; init; } = "";

    /// <summary>The controller-customer this rendering is for (controller notices of a breach that touches several).</summary>
    public string? Controller { get; init; }

    public static string Fingerprint(string subject, string text, string html)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject + "\0" + text + "\0" + html)));
}

/// <summary>
/// A versioned notice template. Format: a <c>subject:</c> line, a <c>---</c> line, then the body: <c># </c> headings,
/// <c>- </c> bullets, blank-line separated paragraphs; <c>{{key}}</c> inserts a value (HTML-escaped in the HTML part),
/// <c>{{*key}}</c> in a bullet repeats the bullet for each item of a list, <c>{{@key}}</c> inserts a per-recipient
/// substitution token, and <c>{{?key}}</c> … <c>{{/key}}</c> (or <c>{{^key}}</c> … <c>{{/key}}</c>) keep their content only
/// when the value is present (absent): on lines of their own around whole lines, or within one line (the subject).
/// Plain text and HTML come from the same source, so they say the same.
/// </summary>
public sealed class NoticeTemplate
{
    private readonly string _subject;
    private readonly string[] _body;

    public NoticeTemplate(string version, string source)
    {
        Version = version;
        var text = source.Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = text.IndexOf("\n---\n", StringComparison.Ordinal);
        if (!text.StartsWith("subject:", StringComparison.Ordinal) || split < 0)
            throw new FormatException($"Template {version} must start with 'subject:' and separate the body with '---'.");
        _subject = text[8..split].Trim();
        _body = text[(split + 5)..].TrimEnd('\n').Split('\n');
    }

    /// <summary>E.g. <c>data-subjects.nl.v1</c>.</summary>
    public string Version { get; }

    /// <summary>Renders subject, text and HTML. Throws <see cref="DomainValidationException"/> naming every missing fact.</summary>
    public (string Subject, string Text, string Html) Render(NoticeModel model, string language)
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var lines = ResolveBlocks(model);
        var subject = Inline(_subject, model, html: false, missing);
        var text = new StringBuilder();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(language).Append("\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(Inline(_subject, model, html: true, missing)).Append("</title>\n</head>\n")
            .Append("<body style=\"font-family:Arial,Helvetica,sans-serif;line-height:1.5;max-width:42em;color:#1a1a1a\">\n");

        var paragraph = new List<string>();
        var bullets = new List<string>();
        void FlushParagraph()
        {
            if (paragraph.Count == 0) return;
            text.Append(string.Join("\n", paragraph.Select(l => Inline(l, model, false, missing)))).Append("\n\n");
            html.Append("<p>").Append(string.Join("<br>\n", paragraph.Select(l => Inline(l, model, true, missing)))).Append("</p>\n");
            paragraph.Clear();
        }
        void FlushBullets()
        {
            if (bullets.Count == 0) return;
            html.Append("<ul>\n");
            foreach (var b in bullets)
            {
                foreach (var item in ExpandBullet(b, model, missing))
                {
                    text.Append("- ").Append(Inline(item, model, false, missing)).Append('\n');
                    html.Append("<li>").Append(Inline(item, model, true, missing)).Append("</li>\n");
                }
            }
            text.Append('\n');
            html.Append("</ul>\n");
            bullets.Clear();
        }

        foreach (var line in lines)
        {
            if (line.Length == 0) { FlushParagraph(); FlushBullets(); continue; }
            if (line.StartsWith("{{#", StringComparison.Ordinal) && line.EndsWith("}}", StringComparison.Ordinal))
            {
                // Preformatted value (the authority notice's structured JSON copy).
                FlushParagraph(); FlushBullets();
                var key = line[3..^2];
                if (!model.Values.TryGetValue(key, out var pre)) { missing.Add(Fact(model, key)); continue; }
                text.Append(pre).Append("\n\n");
                html.Append("<pre style=\"font-size:0.85em;white-space:pre-wrap\">").Append(Html.Escape(pre.ToString() ?? "")).Append("</pre>\n");
                continue;
            }
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                FlushParagraph(); FlushBullets();
                var heading = Inline(line[2..], model, false, missing);
                text.Append(heading).Append('\n').Append(new string('-', heading.Length)).Append("\n\n");
                html.Append("<h2 style=\"font-size:1.15em\">").Append(Inline(line[2..], model, true, missing)).Append("</h2>\n");
                continue;
            }
            if (line.StartsWith("- ", StringComparison.Ordinal)) { FlushParagraph(); bullets.Add(line[2..]); continue; }
            FlushBullets();
            paragraph.Add(line);
        }
        FlushParagraph(); FlushBullets();
        html.Append("</body>\n</html>\n");

        foreach (var fact in model.Required) missing.Add(fact);
        if (missing.Count > 0 || model.Invalid.Count > 0)
            throw new DomainValidationException(missing.Where(f => !model.Invalid.ContainsKey(f))
                .Select(f => new FieldError(f, $"The {Version} notice needs this fact; it is missing."))
                .Concat(model.Invalid.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => new FieldError(i.Key, i.Value))).ToList());
        return (subject, text.ToString().TrimEnd('\n') + "\n", html.ToString());
    }

    /// <summary>Keeps the lines of blocks whose condition holds.</summary>
    private List<string> ResolveBlocks(NoticeModel model)
    {
        var result = new List<string>();
        var stack = new Stack<(string Key, bool Keep)>();
        foreach (var raw in _body)
        {
            var line = raw.TrimEnd();
            if (IsBlockLine(line) && line[2] is '?' or '^')
            {
                var key = line[3..^2];
                var present = model.Values.ContainsKey(key);
                var parentKeeps = stack.Count == 0 || stack.Peek().Keep;
                stack.Push((key, parentKeeps && (line[2] == '?' ? present : !present)));
                continue;
            }
            if (IsBlockLine(line) && line[2] == '/')
            {
                if (stack.Count == 0 || stack.Peek().Key != line[3..^2]) throw new FormatException($"Template {Version}: unbalanced {line}.");
                stack.Pop();
                continue;
            }
            if (stack.Count == 0 || stack.Peek().Keep) result.Add(line);
        }
        if (stack.Count > 0) throw new FormatException($"Template {Version}: block {{{{?{stack.Peek().Key}}}}} is not closed.");
        // Collapse blank lines left behind by removed blocks.
        var collapsed = new List<string>();
        foreach (var l in result)
        {
            if (l.Length == 0 && (collapsed.Count == 0 || collapsed[^1].Length == 0)) continue;
            collapsed.Add(l);
        }
        return collapsed;
    }

    /// <summary>A line that is only <c>{{?key}}</c>, <c>{{^key}}</c> or <c>{{/key}}</c>: a block around whole lines.</summary>
    private static bool IsBlockLine(string line)
        => line.Length > 5 && line.StartsWith("{{", StringComparison.Ordinal) && line.EndsWith("}}", StringComparison.Ordinal)
           && line[2] is '?' or '^' or '/' && line.IndexOf("}}", StringComparison.Ordinal) == line.Length - 2;

    private IEnumerable<string> ExpandBullet(string bullet, NoticeModel model, ISet<string> missing)
    {
        var start = bullet.IndexOf("{{*", StringComparison.Ordinal);
        if (start < 0) { yield return bullet; yield break; }
        var end = bullet.IndexOf("}}", start, StringComparison.Ordinal);
        var key = bullet[(start + 3)..end];
        if (!model.Values.TryGetValue(key, out var value)) { missing.Add(Fact(model, key)); yield break; }
        var items = value as IReadOnlyList<string> ?? [value.ToString()!];
        foreach (var item in items)
            yield return bullet[..start] + "{{=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(item)) + "}}" + bullet[(end + 2)..];
    }

    private string Inline(string line, NoticeModel model, bool html, ISet<string> missing)
    {
        var sb = new StringBuilder(line.Length + 32);
        var i = 0;
        while (i < line.Length)
        {
            var open = line.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0) { Literal(line[i..]); break; }
            Literal(line[i..open]);
            var close = line.IndexOf("}}", open, StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"Template {Version}: unclosed placeholder.");
            var inner = line[(open + 2)..close];
            i = close + 2;
            if (inner.StartsWith('=')) { Value(Encoding.UTF8.GetString(Convert.FromBase64String(inner[1..]))); continue; }
            if (inner.Length > 1 && inner[0] is '?' or '^')
            {
                // An inline block: its content up to the matching {{/key}} counts only when the condition holds.
                var end = "{{/" + inner[1..] + "}}";
                var endAt = line.IndexOf(end, i, StringComparison.Ordinal);
                if (endAt < 0) throw new FormatException($"Template {Version}: {{{{{inner}}}}} is not closed on its line.");
                var present = model.Values.ContainsKey(inner[1..]);
                if (present == (inner[0] == '?')) sb.Append(Inline(line[i..endAt], model, html, missing));
                i = endAt + end.Length;
                continue;
            }
            if (inner.StartsWith('@'))
            {
                if (!model.Tokens.TryGetValue(inner[1..], out var token)) { missing.Add(Fact(model, inner[1..])); continue; }
                sb.Append(html ? token.Html : token.Text);
                continue;
            }
            if (!model.Values.TryGetValue(inner, out var value)) { missing.Add(Fact(model, inner)); continue; }
            Value(value is IReadOnlyList<string> list ? string.Join(", ", list) : value.ToString()!);
        }
        return sb.ToString();

        void Literal(string s) => sb.Append(html ? Html.Escape(s) : s);

        void Value(string v)
        {
            if (!html) { sb.Append(v); return; }
            // Every substituted value is escaped: incident texts and names must not become markup.
            sb.Append(Html.Escape(v).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "<br>\n", StringComparison.Ordinal));
        }
    }

    private string Fact(NoticeModel model, string key)
        => model.Missing.TryGetValue(key, out var fact) ? fact : throw new InvalidOperationException($"Template {Version} uses '{key}', which the notice model never sets.");
}
