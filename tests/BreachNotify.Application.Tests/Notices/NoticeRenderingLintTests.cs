using System.Text.RegularExpressions;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;
using static BreachNotify.Application.Tests.Notices.NoticeFixtures;

namespace BreachNotify.Application.Tests.Notices;

/// <summary>
/// Renders every kind × language × phase, in several situations (decided or not, exemptions, counts of 0 and 1, several
/// controllers, Dutch for Belgium…), and reads each notice as a reviewer would: no raw enum token, no empty section, dates
/// and numbers in the language's own form, French spacing, no placeholder left, no repeated word, subjects that mark
/// updates and never start with "Important".
/// </summary>
public sealed partial class NoticeRenderingLintTests
{
    public static TheoryData<NoticeKind, NoticeLanguage, NoticePhase> Everything()
    {
        var data = new TheoryData<NoticeKind, NoticeLanguage, NoticePhase>();
        foreach (var k in NoticeVocabulary.Kinds)
            foreach (var l in NoticeVocabulary.Languages)
                foreach (var p in NoticeVocabulary.Phases) data.Add(k, l, p);
        return data;
    }

    /// <summary>The situations each kind × language × phase is rendered in.</summary>
    private static IEnumerable<(string Name, NoticeRequest Request)> Situations(NoticeKind kind, NoticeLanguage language, NoticePhase phase)
    {
        var incident = Incident();
        var decision = incident.Decision!;
        NoticeRequest R(IncidentState state, NoticeAudience? audience = null, bool late = false, string? reasons = null)
            => new(state, AllTexts(), kind, language, phase, reasons) { Audience = audience ?? NoticeAudience.Everyone, Late = late };

        yield return ("complete", R(incident));
        yield return ("late, with reasons", R(incident, late: true, reasons: "The forensic report came in on day four."));
        yield return ("undecided", R(incident with { Decision = null }));
        yield return ("no high risk", R(incident with { Decision = decision with { NotifyDataSubjects = false, BasedOnRisk = RiskLevel.Risk } }));
        yield return ("public instead", R(incident with { Decision = decision with { NotifyDataSubjects = false, PublicCommunication = true } }));
        yield return ("public as well", R(incident with { Decision = decision with { PublicCommunication = true } }));
        yield return ("exemption a", R(incident with
        {
            Decision = decision with { NotifyDataSubjects = false },
            Assessment = incident.Assessment! with { Exemptions = [Art34Exemptions.Unintelligible, Art34Exemptions.SubsequentMeasures] },
        }));
        yield return ("high risk, no exemption", R(incident with { Decision = decision with { NotifyDataSubjects = false, Rationale = "The customers were told by phone." } }));
        yield return ("one person, very high", R(incident with
        {
            Facts = Facts() with { DataSubjects = 1, Records = 1 },
            Assessment = incident.Assessment! with { Severity = new SeverityScore(4.25m, SeverityLevel.VeryHigh, 3, 1, 1.25m) },
        }));
        yield return ("nobody counted yet", R(incident with { Facts = Facts() with { DataSubjects = 0 }, OccurredAt = null }));
        if (phase != NoticePhase.Final) yield return ("records not yet known", R(incident with { Facts = Facts(records: null) }));
        yield return ("special categories", R(incident with { Facts = Facts() with { DataCategories = [DataCategory.Health, DataCategory.SpecialCategory, DataCategory.Criminal, DataCategory.OfficialId, DataCategory.PaymentCard] } }));
        if (kind is NoticeKind.DataSubjects or NoticeKind.Controllers) yield return ("Belgium", R(incident, new NoticeAudience("BE")));
        if (kind == NoticeKind.Controllers)
        {
            yield return ("several controllers", R(incident, new NoticeAudience(null, new ControllerShare("Alpha Retail", true, 40) { Others = ["Beta Bank"] })));
            yield return ("several controllers, none counted", R(incident, new NoticeAudience(null, new ControllerShare("Alpha Retail", true, null) { Others = ["Beta Bank"] })));
        }
    }

    [Theory]
    [MemberData(nameof(Everything))]
    public void Every_rendering_reads_as_a_finished_notice(NoticeKind kind, NoticeLanguage language, NoticePhase phase)
    {
        var composer = Composer();
        var problems = new List<string>();
        var renderedAny = false;
        foreach (var (name, request) in Situations(kind, language, phase))
        {
            var notice = composer.Render(request);
            renderedAny = true;
            problems.AddRange(Lint(notice, request).Select(p => $"[{name}] {p}"));
        }
        Assert.True(renderedAny);
        Assert.True(problems.Count == 0, $"{kind.ToWire()}.{language.ToWire()} {phase.ToWire()}:\n" + string.Join("\n", problems));
    }

    /// <summary>The lint is only worth something if it fails: each check, fed the fault it looks for, reports it.</summary>
    [Theory]
    [InlineData(NoticeLanguage.En, "Important: a security incident – Acme", "", "starts like an alarm")]
    [InlineData(NoticeLanguage.De, "", "Schweregrad: 2.5 (medium).", "English word 'medium'")]
    [InlineData(NoticeLanguage.De, "", "Schweregrad: 2.5 (mittel).", "decimal point '2.5'")]
    [InlineData(NoticeLanguage.En, "", "ENISA severity: 2.5 (veryhigh).", "raw token 'veryhigh'")]
    [InlineData(NoticeLanguage.En, "", "The breach is likely to result in a risk risk to people.", "repeated word 'risk risk'")]
    [InlineData(NoticeLanguage.En, "", "Categories: unknown-recipients.", "raw token 'unknown-recipients'")]
    [InlineData(NoticeLanguage.Fr, "", "Nous en avons eu connaissance le 1 décembre 2026.", "date not in the fr form")]
    [InlineData(NoticeLanguage.De, "", "Wir haben am 1 Dezember 2026 davon Kenntnis erlangt.", "date not in the de form")]
    [InlineData(NoticeLanguage.Fr, "", "Contact : Dana.", "without a narrow no-break space")]
    [InlineData(NoticeLanguage.Nl, "", "Het gaat om ongeveer 1,200 personen.", "English digit grouping")]
    [InlineData(NoticeLanguage.En, "", "About 1200 people are affected.", "ungrouped number '1200'")]
    [InlineData(NoticeLanguage.En, "", "We became aware of it on 27 March 2026, 10:15 (Europe/Amsterdam, UTC+01:00).", "time zone id")]
    [InlineData(NoticeLanguage.En, "", "- health data (Art 9 GDPR)", "article number")]
    [InlineData(NoticeLanguage.En, "", "Dear {0},", "placeholder remains '{0}'")]
    [InlineData(NoticeLanguage.En, "", "What happened\n-------------\n\nWhat you can do\n---------------\n\nBe careful.", "section 'What happened' is empty")]
    public void The_lint_reports_each_fault_it_looks_for(NoticeLanguage language, string subject, string body, string expected)
    {
        var request = new NoticeRequest(Incident(), AllTexts(), NoticeKind.DataSubjects, language, NoticePhase.Initial, null);
        var text = NoticeComposer.SalutationToken + "\n\n" + body.Replace("\\n", "\n", StringComparison.Ordinal) + "\n";
        var notice = new RenderedNotice(NoticeKind.DataSubjects, language, NoticePhase.Initial, "data-subjects.x.v0", subject.Length > 0 ? subject : "Security incident – Acme", text,
            "<body>" + NoticeComposer.SalutationHtmlToken + "</body>", "0");
        var problems = Lint(notice, request);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>The checks of one rendered notice; each problem as a line a reviewer understands.</summary>
    internal static List<string> Lint(RenderedNotice notice, NoticeRequest request)
    {
        var problems = new List<string>();
        var language = notice.Language;
        var consumer = notice.Kind is NoticeKind.DataSubjects or NoticeKind.Public;

        // Placeholders and tokens.
        foreach (var (part, value) in new[] { ("subject", notice.Subject), ("text", notice.Text), ("html", notice.Html) })
        {
            foreach (var leftover in new[] { "{{", "}}", "{0}", "{1}" })
                if (value.Contains(leftover, StringComparison.Ordinal)) problems.Add($"{part} holds the placeholder remains '{leftover}'");
        }
        var personal = notice.Kind is NoticeKind.DataSubjects or NoticeKind.Controllers;
        if (personal != notice.Text.StartsWith(NoticeComposer.SalutationToken + "\n", StringComparison.Ordinal))
            problems.Add(personal ? "the salutation token does not open the text" : "a notice to a configured address carries a salutation token");
        if (Count(notice.Text, NoticeComposer.SalutationToken) != (personal ? 1 : 0) || Count(notice.Html, NoticeComposer.SalutationHtmlToken) != (personal ? 1 : 0))
            problems.Add("the salutation token appears elsewhere than once at the start");
        if (notice.Subject.Contains("-bn", StringComparison.Ordinal)) problems.Add("a per-recipient token in the subject");

        // Subjects.
        if (SubjectAlarm().IsMatch(notice.Subject)) problems.Add($"the subject starts like an alarm: {notice.Subject}");
        if (notice.Phase != NoticePhase.Initial && consumer && !UpdateMarker[language].IsMatch(notice.Subject))
            problems.Add($"a {notice.Phase.ToWire()} subject does not say it is an update: {notice.Subject}");

        var human = HumanText(notice, request);

        // Raw tokens: enum names and wire values, and English level words in other languages.
        foreach (var token in RawTokens)
        {
            if (language == NoticeLanguage.En && EnglishWords.Contains(token)) continue;
            if (Regex.Match(human, @"(?<![\w-])" + Regex.Escape(token) + @"(?![\w-])", RegexOptions.IgnoreCase) is { Success: true } raw) problems.Add($"raw token '{raw.Value}'");
        }
        if (language != NoticeLanguage.En)
        {
            foreach (var word in new[] { "low", "medium", "high", "very high", "unlikely", "risk" })
                if (Regex.IsMatch(human, $@"\({word}\)|\b{word}\b(?! ?[A-Z])")) problems.Add($"the English word '{word}' in a {language.ToWire()} notice");
        }

        // No word twice in a row ("risk risk").
        foreach (Match m in RepeatedWord().Matches(human)) problems.Add($"repeated word '{m.Value}'");

        // Empty sections, in text and HTML.
        var lines = notice.Text.Split('\n');
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!IsUnderline(lines[i + 1], lines[i])) continue;
            var next = i + 2;
            while (next < lines.Length && lines[next].Length == 0) next++;
            if (next >= lines.Length || (next + 1 < lines.Length && IsUnderline(lines[next + 1], lines[next]))) problems.Add($"the section '{lines[i]}' is empty");
        }
        if (EmptyHtml().Match(notice.Html) is { Success: true } empty) problems.Add($"empty HTML element: {empty.Value}");
        if (Regex.IsMatch(notice.Text, @"^[^\n]+:[ \u202F]*$", RegexOptions.Multiline) && TrailingLabel().Match(notice.Text) is { Success: true } label)
            problems.Add($"a label with nothing after it: '{label.Value.Trim()}'");

        // Dates, times and numbers in the language's own form.
        problems.AddRange(Dates(human, language, consumer));
        problems.AddRange(Numbers(human, language));
        if (consumer)
        {
            if (human.Contains("Europe/", StringComparison.Ordinal) || human.Contains("UTC", StringComparison.Ordinal)) problems.Add("a time zone id or UTC offset in a notice to consumers");
            if (ArticleOfCategory().IsMatch(human)) problems.Add("an article number in the consumer's list of data categories");
        }

        // French spacing: a narrow no-break space before : ; ? ! (and nothing else there).
        if (language == NoticeLanguage.Fr)
        {
            foreach (Match m in FrenchPunctuation().Matches(Strip(human + "\n" + notice.Subject)))
                problems.Add($"French punctuation without a narrow no-break space before it: '…{m.Value}'");
        }
        return problems;
    }

    /// <summary>What the template and the lexicon wrote: the people-written texts, settings and the structured JSON copy taken out.</summary>
    private static string HumanText(RenderedNotice notice, NoticeRequest request)
    {
        var text = notice.Subject + "\n" + notice.Text;
        var json = text.IndexOf("\n{\n", StringComparison.Ordinal);
        if (json >= 0) text = text[..json] + text[(text.IndexOf("\n}\n", json, StringComparison.Ordinal) + 3)..];
        var language = notice.Language.ToWire();
        var written = new List<string?> { request.ReasonsForDelay, request.Incident.Decision?.Rationale, "+31 20 123 4567", request.Incident.Id, "Acme B.V.", "Dana Privacy", "dpo@acme.example" };
        if (request.Content.People.TryGetValue(language, out var p)) written.AddRange([p.Summary, p.Consequences, p.Measures, p.Advice]);
        if (request.Content.Authority.TryGetValue(language, out var a)) written.AddRange([a.Summary, a.Consequences, a.Measures]);
        written.Add(request.Content.AuthorityReference);
        foreach (var w in written.Where(w => !string.IsNullOrEmpty(w)).OrderByDescending(w => w!.Length)) text = text.Replace(w!, "X", StringComparison.Ordinal);
        return text;
    }

    private static IEnumerable<string> Dates(string human, NoticeLanguage language, bool consumer)
    {
        var lex = NoticeLexicon.For(language);
        if (IsoDate().IsMatch(human)) yield return "an ISO date in the text";
        var months = string.Join("|", lex.Months);
        var day = language switch
        {
            NoticeLanguage.Fr => @"(?:1er|[2-9]|[12]\d|3[01])",
            NoticeLanguage.De => @"(?:[1-9]|[12]\d|3[01])\.",
            _ => @"(?:[1-9]|[12]\d|3[01])",
        };
        var time = language switch
        {
            NoticeLanguage.Fr => @" à (?:1?\d|2[0-3])\u00A0h\u00A0[0-5]\d",
            NoticeLanguage.Nl => @", [0-2]\d\.[0-5]\d\u00A0uur",
            NoticeLanguage.De => @", [0-2]\d:[0-5]\d\u00A0Uhr",
            _ => @", [0-2]\d:[0-5]\d",
        };
        var dateOnly = new Regex($@"(?<![\w.]){day} (?:{months}) \d{{4}}(?!\d)");
        var instant = new Regex($@"(?<![\w.]){day} (?:{months}) \d{{4}}{time} \([A-Za-z_]+/[A-Za-z_]+, UTC[+-]\d\d:\d\d\)");
        // Take out every date in the right form; a month name left over is a date in another form.
        var rest = dateOnly.Replace(consumer ? human : instant.Replace(human, ""), "");
        foreach (Match m in new Regex($@"(?<!\w)(?:{months})(?!\w)").Matches(rest))
            yield return $"a date not in the {language.ToWire()} form: '…{rest[Math.Max(0, m.Index - 15)..Math.Min(rest.Length, m.Index + 30)]}…'";
        if (consumer && Regex.IsMatch(rest, @"(?<![\d.,\u202F])\d{1,2}[:.]\d\d(?![\d.])|\u00A0h\u00A0\d|\buur\b|\bUhr\b")) yield return "a time of day in a notice to consumers (they get dates)";
        if (language == NoticeLanguage.Fr && Regex.IsMatch(Regex.Replace(human, @"UTC[+-]\d\d:\d\d", ""), @"\d:\d\d")) yield return "a time written h:mm in French";
    }

    private static IEnumerable<string> Numbers(string human, NoticeLanguage language)
    {
        var text = Regex.Replace(human, @"UTC[+-]\d\d:\d\d|\b\d{2}\.\d{2}\u00A0uur|Art(?:ikel|\.|icle)? ?\d+|\d+\(\d\)", "");
        if (language != NoticeLanguage.En && Regex.Match(text, @"\d,\d{3}(?!\d)") is { Success: true } comma) yield return $"English digit grouping '{comma.Value}' in a {language.ToWire()} notice";
        if (language is NoticeLanguage.En or NoticeLanguage.Fr && Regex.Match(text, @"\d\.\d{3}(?!\d)") is { Success: true } dot) yield return $"'{dot.Value}' grouped with a point";
        if (language == NoticeLanguage.Fr && Regex.Match(text, @"\d[ \u00A0]\d{3}(?!\d)") is { Success: true } space) yield return $"'{space.Value}' grouped with a plain space, not a narrow no-break space";
        if (language != NoticeLanguage.En && Regex.Match(text, @"\d\.\d{1,2}(?!\d)") is { Success: true } point) yield return $"a decimal point '{point.Value}' in a {language.ToWire()} notice";
        if (language == NoticeLanguage.En && Regex.Match(text, @"\d,\d{1,2}(?!\d)") is { Success: true } decimalComma) yield return $"a decimal comma '{decimalComma.Value}' in English";
        if (Regex.Match(text, @"(?<![\d.,\u202F])\d{4,}(?![\d])") is { Success: true } ungrouped && !Regex.IsMatch(ungrouped.Value, @"^(19|20)\d\d$")) yield return $"an ungrouped number '{ungrouped.Value}'";
    }

    private static string Strip(string text) => Regex.Replace(text, @"https?://\S+|UTC[+-]\d\d:\d\d", "");

    private static bool IsUnderline(string line, string heading) => line.Length > 0 && line.Length == heading.Length && line.All(c => c == '-');

    private static int Count(string text, string token) => (text.Length - text.Replace(token, "", StringComparison.Ordinal).Length) / token.Length;

    private static readonly Dictionary<NoticeLanguage, Regex> UpdateMarker = new()
    {
        [NoticeLanguage.En] = new Regex("^Update: "),
        [NoticeLanguage.Nl] = new Regex("^Aanvulling: "),
        [NoticeLanguage.Fr] = new Regex("^Mise à jour\u202F: "),
        [NoticeLanguage.De] = new Regex("^Aktualisierung: "),
    };

    /// <summary>English tokens that are also plain English words, allowed in English notices.</summary>
    private static readonly HashSet<string> EnglishWords = new(StringComparer.OrdinalIgnoreCase) { "follow-up" };

    /// <summary>Names no reader should see: multi-word enum members as written in code, lower-cased or kebab-cased, and wire values.</summary>
    private static readonly IReadOnlyList<string> RawTokens = BuildRawTokens();

    private static List<string> BuildRawTokens()
    {
        var types = new[]
        {
            typeof(BreachType), typeof(DataCategory), typeof(Protection), typeof(Exposure), typeof(Exfiltration), typeof(AvailabilityImpact),
            typeof(IntegrityImpact), typeof(RiskLevel), typeof(SeverityLevel), typeof(NoticeKind), typeof(NoticePhase), typeof(RecipientKind),
            typeof(ProcessingRole), typeof(IncidentStatus),
        };
        var tokens = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in types)
        {
            foreach (var name in Enum.GetNames(type))
            {
                var humps = Regex.Split(name, "(?<!^)(?=[A-Z])");
                if (humps.Length < 2) continue;
                tokens.Add(name);
                tokens.Add(string.Join("-", humps).ToLowerInvariant());
            }
        }
        foreach (var wire in NoticeKinds.All.Concat(NoticePhases.All).Concat(RecipientKinds.All).Where(w => w.Contains('-', StringComparison.Ordinal))) tokens.Add(wire);
        tokens.UnionWith([Art34Exemptions.Unintelligible, Art34Exemptions.SubsequentMeasures, Art34Exemptions.DisproportionateEffort, "veryhigh", "Europe_"]);
        return [.. tokens];
    }

    [GeneratedRegex(@"^(?i:important|belangrijk|wichtig|urgent)\b")]
    private static partial Regex SubjectAlarm();

    [GeneratedRegex(@"(?<![\w-])(\p{L}{2,})\s+\1(?![\w-])")]
    private static partial Regex RepeatedWord();

    [GeneratedRegex(@"<h2[^>]*>[^<]*</h2>\s*(?=<h2|</body>)|<p>\s*</p>|<li>\s*</li>|<ul>\s*</ul>")]
    private static partial Regex EmptyHtml();

    [GeneratedRegex(@"^(?!- )[^\n{]*\S:[ \u202F]*$(?!\n(?:- |\n- |\n\S))", RegexOptions.Multiline)]
    private static partial Regex TrailingLabel();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"(?i)\b(?:art(?:\.|icle|ikel)?)\s*(?:9|10)\b")]
    private static partial Regex ArticleOfCategory();

    [GeneratedRegex(@"\S{0,12}(?:[^\u202F][:;?!])")]
    private static partial Regex FrenchPunctuation();
}
