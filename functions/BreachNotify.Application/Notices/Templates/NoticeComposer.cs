using BreachNotify.Application.Common;
using BreachNotify.Application.Organisation;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BreachNotify.Application.Notices.Authorities;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Notices.Templates;

/// <summary>What a notice is about: the incident, what people wrote, the kind, language and phase, and who reads it.</summary>
/// <param name="ReasonsForDelay">Given with a late authority notice (Art 33(1)).</param>
public sealed record NoticeRequest(IncidentState Incident, NoticeContent Content, NoticeKind Kind, NoticeLanguage Language, NoticePhase Phase, string? ReasonsForDelay)
{
    /// <summary>Who reads this rendering (default: everyone the kind goes to).</summary>
    public NoticeAudience Audience { get; init; } = NoticeAudience.Everyone;

    /// <summary>The notice goes out after its deadline: a controller notice then does not claim "without undue delay".</summary>
    public bool Late { get; init; }
}

/// <summary>
/// One controller-customer's part of a breach (we as processor). When the breach touches several controllers, each
/// notice names only its own controller and gives that controller's own figures: <paramref name="DataSubjects"/> is the
/// number of uploaded data subjects that belong to it (null: none uploaded, so not known).
/// </summary>
public sealed record ControllerShare(string Name, bool Several, long? DataSubjects)
{
    /// <summary>The other controllers the breach touches: none of them may be named in this controller's notice.</summary>
    public IReadOnlyList<string> Others { get; init; } = [];
}

/// <summary>
/// Which readers a rendering is for, when a kind needs more than one: Dutch readers in Belgium (who get "gegevenslek",
/// the Belgian authority's word) and, for controller notices, each controller-customer (<see cref="ControllerShare"/>).
/// <see cref="Key"/> tells renderings of one notification apart ("" for the default one).
/// </summary>
public sealed record NoticeAudience(string? Country = null, ControllerShare? Controller = null)
{
    public static readonly NoticeAudience Everyone = new();

    public string Key => KeyOf(Country, Controller is { Several: true } c ? c.Name : null);

    /// <summary>The key of the rendering for readers in <paramref name="country"/> (a variant country or null) of the
    /// controller <paramref name="severalController"/> (null unless the breach touches several).</summary>
    public static string KeyOf(string? country, string? severalController)
        => string.Join(".", new[] { country, severalController is null ? null : ControllerKey(severalController) }.Where(p => p is not null));

    /// <summary>A controller's part of <see cref="Key"/>: a hash, since a name may hold characters a table key may not.</summary>
    public static string ControllerKey(string name) => "c" + Ids.Sha256Hex(name)[..16];
}

/// <summary>
/// Renders notices from the incident's facts and assessment, the people-written texts and the organisation settings.
/// Pure apart from the options it is given: the same inputs always give the same bytes (and hash).
/// </summary>
public sealed partial class NoticeComposer(OrganisationOptions organisation, SupervisoryAuthorityRegistry authorities, NoticeTemplateCatalog templates)
{
    /// <summary>Per-recipient substitution tokens; chosen so that neither is a substring of the other.</summary>
    public const string SalutationToken = "-bnsalutation-";
    public const string SalutationHtmlToken = "-bnsalutationhtml-";

    private static readonly string[] FactKeys = ["breachTypes", "dataCategories", "dataSubjects", "records", "people"];
    private static readonly string[] StructuredNeeds = ["summary", "consequences", "measures", "breachTypes", "risk"];
    private static readonly JsonSerializerOptions StructuredJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public RenderedNotice Render(NoticeRequest request)
    {
        var template = templates.Get(request.Kind, request.Language);
        var model = BuildModel(request);
        var (subject, text, html) = template.Render(model, request.Language.ToWire());
        return new RenderedNotice(request.Kind, request.Language, request.Phase, template.Version, subject, text, html, RenderedNotice.Fingerprint(subject, text, html))
        {
            Variant = request.Audience.Key,
            Controller = request.Audience.Controller?.Name,
        };
    }

    /// <summary>The lead authority from <c>Organisation:LeadAuthority</c>, if configured and known.</summary>
    public SupervisoryAuthority? LeadAuthority => authorities.Find(organisation.LeadAuthority);

    /// <summary>
    /// Whether the authority notice goes to the authority itself: <c>Organisation:AuthorityNoticeEmail</c> is the e-mail
    /// channel the registry lists for the lead authority. Otherwise it goes to our own mailbox, for entry in the portal.
    /// </summary>
    public bool AuthorityTakesTheEmail => LeadAuthority?.TakesEmailAt(organisation.AuthorityNoticeEmail) == true;

    /// <summary>The lead authority's name in a notice of <paramref name="language"/>.</summary>
    public string? AuthorityName(NoticeLanguage language)
        => string.IsNullOrWhiteSpace(organisation.LeadAuthorityName) ? LeadAuthority?.NameIn(language) : organisation.LeadAuthorityName.Trim();

    public NoticeModel BuildModel(NoticeRequest r)
    {
        var s = r.Incident;
        var lex = NoticeLexicon.For(r.Language);
        var professional = r.Kind is NoticeKind.Authority or NoticeKind.Controllers;
        organisation.TryResolveTimeZone(out var zone);
        var m = new NoticeModel();
        m.Set("org", organisation.Name, "Organisation:Name");
        m.Set("contactTitle", organisation.Dpo.Title.GetValueOrDefault(r.Language.ToWire()) ?? lex.ContactTitle);
        m.Set("dpoName", organisation.Dpo.Name, "Organisation:Dpo:Name");
        m.Set("dpoEmail", organisation.Dpo.Email, "Organisation:Dpo:Email");
        m.Set("dpoPhone", organisation.Dpo.Phone);
        m.Set("reference", s.Id);
        m.Set("phase", lex.Phases[r.Phase]);
        if (r.Phase != NoticePhase.Initial) m.Set("notInitial", "yes");
        m.Set("reasonsForDelay", r.ReasonsForDelay);
        var lead = LeadAuthority;
        m.Set("authority", AuthorityName(r.Language), "Organisation:LeadAuthority");
        if (s.Countries.Count > 0) m.Set("countries", string.Join(", ", s.Countries));

        // The everyday word for the breach, where the language has one per country (Dutch): the authority notice and the
        // public one follow the lead authority's country, individual notices their readers' country.
        var wordCountry = r.Kind is NoticeKind.Authority or NoticeKind.Public ? lead?.Country : r.Audience.Country;
        if (lex.BreachWordFor(wordCountry) is { } word)
        {
            m.Set("lek", word);
            m.Set("Lek", char.ToUpperInvariant(word[0]) + word[1..]);
        }

        var share = r.Audience.Controller;
        m.Set("controllerCustomer", share?.Name ?? s.ControllerCustomer, "controllerCustomer");
        if (!r.Late) m.Set("inTime", "yes");

        SetTexts(r, m, professional);

        m.Set("detectedAt", lex.Instant(s.DetectedAt, zone));
        m.Set("awareAt", s.AwareAt is { } aware ? lex.Instant(aware, zone) : null, "awareAt");
        m.Set("awareOn", s.AwareAt is { } awareDay ? lex.Date(awareDay, zone) : null, "awareAt");
        m.Set("occurredAt", s.OccurredAt is { } occurred ? lex.Instant(occurred, zone) : null);
        m.Set("occurredOn", s.OccurredAt is { } occurredDay ? lex.Date(occurredDay, zone) : null);

        var facts = s.Facts;
        if (facts is null)
        {
            foreach (var key in FactKeys) m.Missing[key] = "facts." + key;
        }
        else
        {
            m.SetList("breachTypes", facts.BreachTypes.Select(t => lex.BreachTypes[t]).ToList());
            m.SetList("dataCategories", facts.DataCategories.Select(c => professional ? lex.CategoryWithLaw(c) : lex.DataCategories[c]).ToList());
            if (share is { Several: true })
            {
                // Several controllers: each one learns its own figures only, never the breach's totals.
                m.Set("dataSubjects", share.DataSubjects is { } own ? lex.Number(own) : lex.NotYetKnown);
                m.Set("records", lex.NotYetKnown);
            }
            else
            {
                m.Set("dataSubjects", lex.Number(facts.DataSubjects));
                m.Set("records", facts.Records is { } records ? lex.Number(records) : lex.NotYetKnown);
                // Art 33(4) allows the number of records to follow, but not beyond the final notice.
                if (professional && facts.Records is null && r.Phase == NoticePhase.Final) m.Required.Add("facts.records");
            }
            m.Set("people", lex.People(facts.DataSubjects));
            if (facts.VulnerableSubjects) m.Set("vulnerable", "yes");
        }
        if (s.Assessment is { } a)
        {
            m.Set("risk", lex.RiskLevels[a.Risk]);
            m.Set("severity", lex.Severity(a.Severity));
        }
        else
        {
            m.Missing["risk"] = "facts";
            m.Missing["severity"] = "facts";
        }
        SetDecision(s, lex, m);
        if (!m.Values.ContainsKey("alsoIndividually") && !m.Values.ContainsKey("publicInstead")) m.Set("neutralPublic", "yes");

        if (r.Kind == NoticeKind.Authority)
        {
            if (!AuthorityTakesTheEmail)
            {
                m.Set("portalCopy", "yes");
                m.Set("sentTo", organisation.AuthorityNoticeEmail);
                m.Set("portalUrl", lead?.PortalUrl ?? lead?.Website);
            }
            if (r.Phase != NoticePhase.Initial)
            {
                m.Set("authorityReference", r.Content.AuthorityReference);
                // A follow-up names the authority's case, which its portal gave the first submission. (When the notice is
                // e-mailed to the authority itself, its case number may arrive by mail: then it is not required.)
                if (r.Content.AuthorityReference is null && !AuthorityTakesTheEmail) m.Required.Add("authoritySubmission.reference");
            }
        }

        m.Tokens["salutation"] = (SalutationToken, SalutationHtmlToken);
        if (r.Kind == NoticeKind.Authority)
        {
            var lacking = StructuredNeeds.Where(m.Missing.ContainsKey).Select(k => m.Missing[k]).FirstOrDefault();
            if (lacking is null) m.Set("structured", StructuredCopy(r, lead));
            else m.Missing["structured"] = lacking;
        }
        return m;
    }

    /// <summary>
    /// The people-written texts: the third-person ones for the authority and controllers, the "you" ones for the people
    /// concerned. A data-subject notice says it holds no links, so a text with one cannot go into it.
    /// </summary>
    private static void SetTexts(NoticeRequest r, NoticeModel m, bool professional)
    {
        var language = r.Language.ToWire();
        var people = r.Content.People.GetValueOrDefault(language);
        if (professional)
        {
            var texts = r.Content.Authority.GetValueOrDefault(language);
            var prefix = "noticeContent." + language + ".authority.";
            m.Set("summary", texts?.Summary, prefix + "summary");
            m.Set("consequences", texts?.Consequences, prefix + "consequences");
            m.Set("measures", texts?.Measures, prefix + "measures");
            m.Set("advice", people?.Advice); // controllers see the advice we give the data subjects, as written for them
            // These texts go to every controller-customer: one that names another would tell it who else is affected.
            if (r.Audience.Controller is { Several: true } share)
            {
                foreach (var (key, value) in new[] { ("summary", texts?.Summary), ("consequences", texts?.Consequences), ("measures", texts?.Measures) })
                {
                    // As written (case and whole words): a name is a proper noun, and "bank" in a sentence is not "Bank".
                    if (value is not null && share.Others.Any(o => Regex.IsMatch(value, @"(?<!\w)" + Regex.Escape(o) + @"(?!\w)", RegexOptions.None, TimeSpan.FromSeconds(1))))
                        m.Invalid[prefix + key] = "Names a controller-customer: these texts go to each controller the breach touches, and none may learn who the others are.";
                }
            }
            return;
        }
        var peoplePrefix = "noticeContent." + language + ".";
        foreach (var (key, value) in new[] { ("summary", people?.Summary), ("consequences", people?.Consequences), ("measures", people?.Measures), ("advice", people?.Advice) })
        {
            m.Set(key, value, peoplePrefix + key);
            if (r.Kind == NoticeKind.DataSubjects && value is not null && LinkPattern().IsMatch(value))
                m.Invalid[peoplePrefix + key] = "Contains a web link: data-subject notices say that they contain no links (so that they cannot be mistaken for phishing). Name the page in words instead.";
        }
    }

    /// <summary>What the decision says about informing the data subjects (Art 34), for the authority's section on it.</summary>
    private static void SetDecision(IncidentState s, NoticeLexicon lex, NoticeModel m)
    {
        var d = s.Decision;
        if (d is null) { m.Set("undecided", "yes"); return; }
        if (d.NotifyDataSubjects)
        {
            m.Set("informSubjects", "yes");
            if (d.PublicCommunication) m.Set("informPublic", "yes");
            m.Set("alsoIndividually", "yes");
            return;
        }
        if (d.PublicCommunication)
        {
            m.Set("publicInstead", lex.Exemptions[Art34Exemptions.DisproportionateEffort]);
            return;
        }
        if (d.BasedOnRisk != RiskLevel.High) { m.Set("noHighRisk", "yes"); return; }
        // A high risk without individual notices: name the exemption the decision relied on, or the reasons it recorded.
        var exemptions = (s.Assessment?.Exemptions ?? []).Where(lex.Exemptions.ContainsKey).Select(e => lex.Exemptions[e]).ToList();
        if (exemptions.Count > 0) m.SetList("exemptions", exemptions);
        else m.Set("decisionRationale", d.Rationale);
    }

    /// <summary>http(s) and www. links, which mail programs turn into clickable links.</summary>
    [GeneratedRegex(@"(?i)\bhttps?://|\bwww\.[a-z0-9-]")]
    private static partial Regex LinkPattern();

    /// <summary>
    /// The authority notice as structured data for portal entry. Field names follow Art 33(3) and, where practical, the
    /// EDPB's draft common notification template (consultation version; not checked against a final text).
    /// </summary>
    public string StructuredCopy(NoticeRequest r, SupervisoryAuthority? lead)
    {
        var s = r.Incident;
        var f = s.Facts!;
        var texts = r.Content.Authority[r.Language.ToWire()];
        var node = new JsonObject
        {
            ["notificationType"] = r.Phase.ToWire(),
            ["reference"] = s.Id,
            ["authorityCaseReference"] = r.Phase == NoticePhase.Initial ? null : r.Content.AuthorityReference,
            ["language"] = r.Language.ToWire(),
            ["leadSupervisoryAuthority"] = lead is null ? null : new JsonObject { ["country"] = lead.Country, ["name"] = AuthorityName(r.Language) },
            ["controller"] = new JsonObject
            {
                ["name"] = organisation.Name,
                ["role"] = s.Role == ProcessingRole.Processor ? "processor" : "controller",
                ["controllerCustomer"] = s.ControllerCustomer,
                ["contactPoint"] = new JsonObject
                {
                    ["title"] = organisation.Dpo.Title.GetValueOrDefault(r.Language.ToWire()) ?? NoticeLexicon.For(r.Language).ContactTitle,
                    ["name"] = organisation.Dpo.Name, ["email"] = organisation.Dpo.Email, ["phone"] = organisation.Dpo.Phone,
                },
            },
            ["timeline"] = new JsonObject
            {
                ["occurredAt"] = Incident.Format(s.OccurredAt),
                ["detectedAt"] = Incident.Format(s.DetectedAt),
                ["awareAt"] = Incident.Format(s.AwareAt),
            },
            ["breach"] = new JsonObject
            {
                ["description"] = texts.Summary,
                ["confidentiality"] = f.BreachTypes.Contains(BreachType.Confidentiality),
                ["integrity"] = f.BreachTypes.Contains(BreachType.Integrity),
                ["availability"] = f.BreachTypes.Contains(BreachType.Availability),
                ["crossBorder"] = s.Countries.Count > 1,
                ["countries"] = new JsonArray(s.Countries.Select(c => (JsonNode)c).ToArray()),
            },
            ["dataSubjects"] = new JsonObject { ["approximateNumber"] = f.DataSubjects, ["vulnerable"] = f.VulnerableSubjects },
            ["records"] = new JsonObject { ["approximateNumber"] = f.Records },
            ["dataCategories"] = new JsonArray(f.DataCategories.Select(c => (JsonNode)JsonNamingPolicy.KebabCaseLower.ConvertName(c.ToString())).ToArray()),
            ["specialCategories"] = f.DataCategories.Any(c => c is DataCategory.Health or DataCategory.SpecialCategory or DataCategory.Criminal),
            ["protection"] = JsonNamingPolicy.KebabCaseLower.ConvertName(f.Protection.ToString()),
            ["likelyConsequences"] = texts.Consequences,
            ["riskAssessment"] = s.Assessment is { } a ? new JsonObject
            {
                ["riskToRightsAndFreedoms"] = a.Risk switch
                {
                    RiskLevel.Unlikely => "unlikely",
                    RiskLevel.Risk => "likely",
                    _ => "likely-high",
                },
                ["enisaSeverity"] = a.Severity.Score,
                ["enisaLevel"] = JsonNamingPolicy.KebabCaseLower.ConvertName(a.Severity.Level.ToString()),
                ["art34Exemptions"] = new JsonArray(a.Exemptions.Select(e => (JsonNode)e).ToArray()),
                ["engineVersion"] = a.EngineVersion,
            } : null,
            ["measures"] = texts.Measures,
            ["dataSubjectsInformed"] = s.Decision?.NotifyDataSubjects,
            ["publicCommunication"] = s.Decision?.PublicCommunication,
            ["reasonsForDelay"] = r.ReasonsForDelay,
        };
        return node.ToJsonString(StructuredJson);
    }
}
