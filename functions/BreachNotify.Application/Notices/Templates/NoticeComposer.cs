using BreachNotify.Application.Organisation;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BreachNotify.Application.Notices.Authorities;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;

namespace BreachNotify.Application.Notices.Templates;

/// <summary>What a notice is about: the incident, the people-written texts per language and the phase.</summary>
public sealed record NoticeRequest(IncidentState Incident, IReadOnlyDictionary<string, NoticeTexts> Texts, NoticeKind Kind, NoticeLanguage Language, NoticePhase Phase, string? ReasonsForDelay);

/// <summary>
/// Renders notices from the incident's facts and assessment, the people-written texts and the organisation settings.
/// Pure apart from the options it is given: the same inputs always give the same bytes (and hash).
/// </summary>
public sealed class NoticeComposer(OrganisationOptions organisation, SupervisoryAuthorityRegistry authorities, NoticeTemplateCatalog templates)
{
    /// <summary>Per-recipient substitution tokens; chosen so that neither is a substring of the other.</summary>
    public const string SalutationToken = "-bnsalutation-";
    public const string SalutationHtmlToken = "-bnsalutationhtml-";

    private static readonly string[] FactKeys = ["breachTypes", "dataCategories", "dataSubjects", "records"];
    private static readonly string[] StructuredNeeds = ["summary", "consequences", "measures", "breachTypes", "risk"];
    private static readonly JsonSerializerOptions StructuredJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public RenderedNotice Render(NoticeRequest request)
    {
        var template = templates.Get(request.Kind, request.Language);
        var model = BuildModel(request);
        var (subject, text, html) = template.Render(model, request.Language.ToWire());
        return new RenderedNotice(request.Kind, request.Language, request.Phase, template.Version, subject, text, html, RenderedNotice.Fingerprint(subject, text, html));
    }

    /// <summary>The lead authority from <c>Organisation:LeadAuthority</c>, if configured and known.</summary>
    public SupervisoryAuthority? LeadAuthority => authorities.Find(organisation.LeadAuthority);

    public NoticeModel BuildModel(NoticeRequest r)
    {
        var s = r.Incident;
        var lex = NoticeLexicon.For(r.Language.ToWire());
        organisation.TryResolveTimeZone(out var zone);
        var m = new NoticeModel();
        m.Set("org", organisation.Name, "Organisation:Name");
        m.Set("dpoName", organisation.Dpo.Name, "Organisation:Dpo:Name");
        m.Set("dpoEmail", organisation.Dpo.Email, "Organisation:Dpo:Email");
        m.Set("dpoPhone", organisation.Dpo.Phone);
        m.Set("reference", s.Id);
        m.Set("phase", lex.Phases[r.Phase.ToWire()]);
        if (r.Phase != NoticePhase.Initial) m.Set("notInitial", "yes");
        m.Set("reasonsForDelay", r.ReasonsForDelay);
        var lead = LeadAuthority;
        m.Set("authority", lead?.Name, "Organisation:LeadAuthority");
        m.Set("controllerCustomer", s.ControllerCustomer, "controllerCustomer");
        if (s.Countries.Count > 0) m.Set("countries", string.Join(", ", s.Countries));

        r.Texts.TryGetValue(r.Language.ToWire(), out var texts);
        var prefix = "noticeContent." + r.Language.ToWire() + ".";
        m.Set("summary", texts?.Summary, prefix + "summary");
        m.Set("consequences", texts?.Consequences, prefix + "consequences");
        m.Set("measures", texts?.Measures, prefix + "measures");
        m.Set("advice", texts?.Advice, prefix + "advice");

        m.Set("detectedAt", lex.Instant(s.DetectedAt, zone));
        m.Set("awareAt", s.AwareAt is { } aware ? lex.Instant(aware, zone) : null, "awareAt");
        m.Set("occurredAt", s.OccurredAt is { } occurred ? lex.Instant(occurred, zone) : null);

        var facts = s.Facts;
        if (facts is null)
        {
            foreach (var key in FactKeys) m.Missing[key] = "facts." + key;
        }
        else
        {
            m.SetList("breachTypes", facts.BreachTypes.Select(t => lex.BreachTypes[t]).ToList());
            m.SetList("dataCategories", facts.DataCategories.Select(c => lex.DataCategories[c]).ToList());
            m.Set("dataSubjects", lex.Number(facts.DataSubjects));
            m.Set("records", facts.Records is { } records ? lex.Number(records) : lex.NotYetKnown);
            // Art 33(4) allows the number of records to follow, but not beyond the final notice.
            if (facts.Records is null && r.Phase == NoticePhase.Final) m.Required.Add("facts.records");
            if (facts.VulnerableSubjects) m.Set("vulnerable", "yes");
        }
        if (s.Assessment is { } a)
        {
            m.Set("risk", lex.RiskLevels[a.Risk]);
            m.Set("severity", a.Severity.Score.ToString("0.##", CultureInfo.InvariantCulture) + " (" + a.Severity.Level.ToString().ToLowerInvariant() + ")");
        }
        else
        {
            m.Missing["risk"] = "facts";
            m.Missing["severity"] = "facts";
        }
        var decision = s.Decision;
        if (decision is { NotifyDataSubjects: true }) m.Set("informSubjects", "yes");
        if (decision is { PublicCommunication: true }) m.Set("informPublic", "yes");
        if (decision is { NotifyDataSubjects: false, PublicCommunication: false }) m.Set("informNone", "yes");

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
    /// The authority notice as structured data for portal entry. Field names follow Art 33(3) and, where practical, the
    /// EDPB's draft common notification template (consultation version; not checked against a final text).
    /// </summary>
    public string StructuredCopy(NoticeRequest r, SupervisoryAuthority? lead)
    {
        var s = r.Incident;
        var f = s.Facts!;
        var texts = r.Texts[r.Language.ToWire()];
        var node = new JsonObject
        {
            ["notificationType"] = r.Phase.ToWire(),
            ["reference"] = s.Id,
            ["language"] = r.Language.ToWire(),
            ["leadSupervisoryAuthority"] = lead is null ? null : new JsonObject { ["country"] = lead.Country, ["name"] = lead.Name },
            ["controller"] = new JsonObject
            {
                ["name"] = organisation.Name,
                ["role"] = s.Role == ProcessingRole.Processor ? "processor" : "controller",
                ["controllerCustomer"] = s.ControllerCustomer,
                ["contactPoint"] = new JsonObject { ["dpoName"] = organisation.Dpo.Name, ["email"] = organisation.Dpo.Email, ["phone"] = organisation.Dpo.Phone },
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
                ["risk"] = a.Risk.ToString().ToLowerInvariant(),
                ["enisaSeverity"] = a.Severity.Score,
                ["enisaLevel"] = JsonNamingPolicy.KebabCaseLower.ConvertName(a.Severity.Level.ToString()),
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
