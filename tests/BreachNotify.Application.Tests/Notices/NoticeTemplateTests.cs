using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Domain.Common;
using static BreachNotify.Application.Tests.Notices.NoticeFixtures;

namespace BreachNotify.Application.Tests.Notices;

public sealed class NoticeTemplateTests
{
    public static TheoryData<NoticeKind, NoticeLanguage> KindsAndLanguages()
    {
        var data = new TheoryData<NoticeKind, NoticeLanguage>();
        foreach (var k in NoticeVocabulary.Kinds) foreach (var l in NoticeVocabulary.Languages) data.Add(k, l);
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void Every_kind_and_language_renders_a_complete_incident(NoticeKind kindValue, NoticeLanguage languageValue)
    {
        var (kind, language) = (kindValue.ToWire(), languageValue.ToWire());
        var notice = Composer().Render(new NoticeRequest(Incident(), AllTexts(), kindValue, languageValue, NoticePhase.Initial, null));

        Assert.Equal($"{kind}.{language}.v2", notice.TemplateVersion);
        foreach (var part in new[] { notice.Subject, notice.Text, notice.Html })
        {
            Assert.DoesNotContain("{{", part);
            Assert.DoesNotContain("}}", part);
        }
        Assert.Contains("Acme B.V.", notice.Subject + notice.Text);
        // The people-written texts come in the notice's own language, and for its readers: the third-person ones for
        // professionals, never the "your data" ones.
        var measures = kindValue is NoticeKind.Authority or NoticeKind.Controllers ? $"[{language}] The theft was reported to the police" : $"[{language}] We reported the theft";
        Assert.Contains(measures, notice.Text);
        Assert.Contains(measures, notice.Html);
        if (kindValue is NoticeKind.Authority) Assert.DoesNotContain($"[{language}] We reported the theft", notice.Text);
        Assert.Contains("dpo@acme.example", notice.Text);
        Assert.StartsWith("<!DOCTYPE html>", notice.Html);
        Assert.Contains($"lang=\"{language}\"", notice.Html);
        Assert.Equal(RenderedNotice.Fingerprint(notice.Subject, notice.Text, notice.Html), notice.BodySha256);
        if (kindValue is NoticeKind.DataSubjects or NoticeKind.Controllers)
        {
            Assert.Contains(NoticeComposer.SalutationToken, notice.Text);
            Assert.Contains(NoticeComposer.SalutationHtmlToken, notice.Html);
        }
    }

    [Fact]
    public void The_catalog_has_sixteen_templates()
        => Assert.Equal(16, NoticeTemplateCatalog.Default.All.Count());

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void A_missing_fact_is_named(NoticeKind kind, NoticeLanguage languageValue)
    {
        var language = languageValue.ToWire();
        var organisation = Org();
        organisation.Dpo.Email = null;
        var professional = kind is NoticeKind.Authority or NoticeKind.Controllers;
        var texts = professional ? WithAuthority(language, t => t with { Measures = null }) : WithPeople(language, t => t with { Measures = null });

        var ex = Assert.Throws<DomainValidationException>(() => Composer(organisation).Render(new NoticeRequest(Incident(), texts, kind, languageValue, NoticePhase.Initial, null)));

        var fields = ex.Errors.Select(e => e.Field).ToList();
        Assert.Contains("Organisation:Dpo:Email", fields);
        Assert.Contains(professional ? $"noticeContent.{language}.authority.measures" : $"noticeContent.{language}.measures", fields);
    }

    [Fact]
    public void Without_facts_the_notice_names_them()
    {
        var state = Incident() with { Facts = null, Assessment = null };
        var ex = Assert.Throws<DomainValidationException>(() => Composer().Render(new NoticeRequest(state, AllTexts(), NoticeKind.Authority, NoticeLanguage.En, NoticePhase.Initial, null)));
        Assert.Contains("facts.dataCategories", ex.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Advice_is_required_for_data_subjects_but_not_for_the_authority()
    {
        var texts = WithPeople("en", t => t with { Advice = null });
        var composer = Composer();
        _ = composer.Render(new NoticeRequest(Incident(), texts, NoticeKind.Authority, NoticeLanguage.En, NoticePhase.Initial, null));
        var ex = Assert.Throws<DomainValidationException>(() => composer.Render(new NoticeRequest(Incident(), texts, NoticeKind.DataSubjects, NoticeLanguage.En, NoticePhase.Initial, null)));
        Assert.Equal("noticeContent.en.advice", Assert.Single(ex.Errors).Field);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("nl")]
    [InlineData("fr")]
    [InlineData("de")]
    public void The_authority_notice_holds_every_Art_33_3_item(string language)
    {
        var lexicon = NoticeLexicon.For(language);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        var text = Composer().Render(new NoticeRequest(Incident(), AllTexts(), NoticeKind.Authority, Enum.Parse<NoticeLanguage>(language, ignoreCase: true), NoticePhase.Initial, null)).Text;

        // (a) nature, categories and approximate numbers of data subjects and records
        Assert.Contains($"[{language}] A laptop holding an export", text);
        Assert.Contains(lexicon.BreachTypes[Domain.Risk.BreachType.Confidentiality], text);
        Assert.Contains(lexicon.DataCategories[Domain.Risk.DataCategory.Contact], text);
        Assert.Contains(lexicon.DataCategories[Domain.Risk.DataCategory.Identity], text);
        Assert.Contains(lexicon.Number(1200), text);
        Assert.Contains(lexicon.Number(5000), text);
        // (b) DPO name and contact details
        Assert.Contains("Dana Privacy", text);
        Assert.Contains("dpo@acme.example", text);
        Assert.Contains("+31 20 123 4567", text);
        // (c) likely consequences, (d) measures
        Assert.Contains($"[{language}] The customers may receive phishing", text);
        Assert.Contains($"[{language}] The theft was reported", text);
        // Art 33(4) phase, the 72-hour start and the structured copy for the portal
        Assert.Contains(lexicon.Phases[NoticePhase.Initial], text);
        Assert.Contains(lexicon.Instant(Aware, zone), text);
        Assert.Contains("\"notificationType\": \"initial\"", text);
        Assert.Contains("Autoriteit Persoonsgegevens", text);
    }

    [Fact]
    public void Reasons_for_delay_appear_only_when_given()
    {
        var composer = Composer();
        var without = composer.Render(new NoticeRequest(Incident(), AllTexts(), NoticeKind.Authority, NoticeLanguage.En, NoticePhase.Initial, null)).Text;
        var with = composer.Render(new NoticeRequest(Incident(), AllTexts(), NoticeKind.Authority, NoticeLanguage.En, NoticePhase.Initial, "The forensic report arrived late.")).Text;
        Assert.DoesNotContain("Reasons for the delay", without);
        Assert.Contains("Reasons for the delay (Art 33(1))", with);
        Assert.Contains("The forensic report arrived late.", with);
        Assert.Contains("\"reasonsForDelay\": \"The forensic report arrived late.\"", with);
    }

    [Fact]
    public void Unknown_records_may_follow_but_not_in_the_final_notice()
    {
        var state = Incident(Facts(records: null));
        var composer = Composer();
        var initial = composer.Render(new NoticeRequest(state, AllTexts(), NoticeKind.Authority, NoticeLanguage.En, NoticePhase.Initial, null)).Text;
        Assert.Contains("records concerned: not yet known", initial);
        var ex = Assert.Throws<DomainValidationException>(() => composer.Render(new NoticeRequest(state, AllTexts(), NoticeKind.Authority, NoticeLanguage.En, NoticePhase.Final, null)));
        Assert.Equal("facts.records", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void Every_substituted_value_is_html_escaped()
    {
        var texts = WithPeople("en", t => t with { Summary = "<script>alert('x')</script> & more\nsecond line" });
        var organisation = Org();
        organisation.Name = "Acme <b>Bold</b>";
        var notice = Composer(organisation).Render(new NoticeRequest(Incident(), texts, NoticeKind.DataSubjects, NoticeLanguage.En, NoticePhase.Initial, null));

        Assert.DoesNotContain("<script>", notice.Html);
        Assert.DoesNotContain("<b>Bold</b>", notice.Html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more<br>\nsecond line", notice.Html);
        Assert.Contains("Acme &lt;b&gt;Bold&lt;/b&gt;", notice.Html);
        Assert.Contains("<script>alert('x')</script> & more\nsecond line", notice.Text); // plain text stays as written
    }

    [Fact]
    public void Rendering_is_deterministic_and_the_hash_tracks_the_content()
    {
        var composer = Composer();
        var a = composer.Render(new NoticeRequest(Incident(), AllTexts(), NoticeKind.DataSubjects, NoticeLanguage.Nl, NoticePhase.Initial, null));
        var b = composer.Render(new NoticeRequest(Incident(), AllTexts(), NoticeKind.DataSubjects, NoticeLanguage.Nl, NoticePhase.Initial, null));
        var texts = WithPeople("nl", t => t with { Measures = "Iets anders." });
        var c = composer.Render(new NoticeRequest(Incident(), texts, NoticeKind.DataSubjects, NoticeLanguage.Nl, NoticePhase.Initial, null));
        Assert.Equal(a, b);
        Assert.NotEqual(a.BodySha256, c.BodySha256);
    }

    [Fact]
    public void A_follow_up_says_it_updates_the_earlier_message()
    {
        var composer = Composer();
        var initial = composer.Render(new NoticeRequest(Incident(), AllTexts(), NoticeKind.DataSubjects, NoticeLanguage.De, NoticePhase.Initial, null)).Text;
        var followUp = composer.Render(new NoticeRequest(Incident(), AllTexts(), NoticeKind.DataSubjects, NoticeLanguage.De, NoticePhase.FollowUp, null)).Text;
        Assert.DoesNotContain("ergänzt unsere frühere Nachricht", initial);
        Assert.Contains("ergänzt unsere frühere Nachricht", followUp);
    }

    [Fact]
    public void Numbers_and_dates_use_the_language_and_the_organisation_time_zone()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        Assert.Equal("1.234.567", NoticeLexicon.Dutch.Number(1_234_567));
        Assert.Equal("1,234,567", NoticeLexicon.English.Number(1_234_567));
        Assert.Equal("1\u202F234\u202F567", NoticeLexicon.French.Number(1_234_567));
        Assert.Equal("12", NoticeLexicon.German.Number(12));
        // 09:15 UTC is 10:15 in Amsterdam in March (before the DST change on 29 March 2026).
        Assert.Equal("27 maart 2026, 10.15\u00A0uur (Europe/Amsterdam, UTC+01:00)", NoticeLexicon.Dutch.Instant(Aware, zone));
        Assert.Equal("27 March 2026, 10:15 (Europe/Amsterdam, UTC+01:00)", NoticeLexicon.English.Instant(Aware, zone));
        // After the change to summer time the same UTC hour is an hour later locally.
        Assert.Equal("30. März 2026, 11:15\u00A0Uhr (Europe/Amsterdam, UTC+02:00)", NoticeLexicon.German.Instant(new DateTimeOffset(2026, 3, 30, 9, 15, 0, TimeSpan.Zero), zone));
        // The examples: the first of the month in French, hours without a leading zero; German with "Uhr".
        var first = new DateTimeOffset(2026, 12, 1, 8, 5, 0, TimeSpan.Zero); // 09:05 in Amsterdam (winter time)
        Assert.Equal("1er décembre 2026 à 9\u00A0h\u00A005 (Europe/Amsterdam, UTC+01:00)", NoticeLexicon.French.Instant(first, zone));
        Assert.Equal("1. Dezember 2026, 09:05\u00A0Uhr (Europe/Amsterdam, UTC+01:00)", NoticeLexicon.German.Instant(first, zone));
        Assert.Equal("1er décembre 2026", NoticeLexicon.French.Date(first, zone));
        Assert.Equal("1 December 2026", NoticeLexicon.English.Date(first, zone));
        // ENISA levels in words with the local decimal separator.
        Assert.Equal("2,5 (mittel)", NoticeLexicon.German.Severity(Severity));
        Assert.Equal("2.5 (medium)", NoticeLexicon.English.Severity(Severity));
        Assert.Equal("2,5 (moyenne)", NoticeLexicon.French.Severity(Severity));
        Assert.Equal("4,25 (zeer hoog)", NoticeLexicon.Dutch.Severity(new Domain.Risk.SeverityScore(4.25m, Domain.Risk.SeverityLevel.VeryHigh, 3, 1, 1.25m)));
    }
}
