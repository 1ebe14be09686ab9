using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Risk;
using static BreachNotify.Application.Tests.Notices.NoticeFixtures;

namespace BreachNotify.Application.Tests.Notices;

/// <summary>What the notices say, point by point (issue 14, "notices a DPO would sign").</summary>
public sealed class NoticeWordingTests
{
    private static RenderedNotice Render(NoticeKind kind, NoticeLanguage language, Domain.Incidents.IncidentState? incident = null, NoticePhase phase = NoticePhase.Initial,
        NoticeContent? content = null, NoticeAudience? audience = null, bool late = false, Application.Organisation.OrganisationOptions? organisation = null)
        => Composer(organisation).Render(new NoticeRequest(incident ?? Incident(), content ?? AllTexts(), kind, language, phase, null) { Audience = audience ?? NoticeAudience.Everyone, Late = late });

    // --- Honest addressing -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(NoticeLanguage.Nl, "toezichthouder voor gegevensbescherming van de bevoegde Duitse deelstaat")]
    [InlineData(NoticeLanguage.Fr, "autorité de protection des données du Land allemand compétent")]
    [InlineData(NoticeLanguage.De, "Datenschutzaufsichtsbehörde des zuständigen Landes")]
    [InlineData(NoticeLanguage.En, "data protection authority of the competent German Land")]
    public void Germany_is_named_in_the_language_of_the_letter(NoticeLanguage language, string name)
    {
        var org = Org();
        org.LeadAuthority = "DE";
        foreach (var kind in new[] { NoticeKind.Authority, NoticeKind.DataSubjects })
        {
            var text = Render(kind, language, organisation: org).Text;
            Assert.Contains(name, text);
            Assert.DoesNotContain("16 Land authorities", text);
            Assert.DoesNotContain("Der Bundesbeauftragte", text);
        }
    }

    [Theory]
    [InlineData(NoticeLanguage.Nl, "Gegevensbeschermingsautoriteit", "Autorité de protection des données")]
    [InlineData(NoticeLanguage.Fr, "Autorité de protection des données", "Gegevensbeschermingsautoriteit")]
    public void Belgium_is_named_only_in_the_language_of_the_letter(NoticeLanguage language, string name, string other)
    {
        var org = Org();
        org.LeadAuthority = "BE";
        var text = Render(NoticeKind.DataSubjects, language, organisation: org).Text;
        Assert.Contains(name, text);
        Assert.DoesNotContain(other, text);
    }

    [Fact]
    public void A_configured_authority_name_wins_in_every_language()
    {
        var org = Org();
        org.LeadAuthority = "DE";
        org.LeadAuthorityName = "Berliner Beauftragte für Datenschutz und Informationsfreiheit";
        foreach (var language in NoticeVocabulary.Languages)
            Assert.Contains("Berliner Beauftragte für Datenschutz und Informationsfreiheit", Render(NoticeKind.Authority, language, organisation: org).Text);
    }

    [Fact]
    public void The_authority_notice_says_when_it_goes_to_our_own_mailbox_for_portal_entry()
    {
        // NL takes portal notifications only: the copy goes to the address configured, which the notice says.
        var text = Render(NoticeKind.Authority, NoticeLanguage.En).Text;
        Assert.StartsWith("This copy goes to dpo@acme.example for entry in the notification channel of the Autoriteit Persoonsgegevens (https://www.autoriteitpersoonsgegevens.nl/", text);
        Assert.Contains("it has not been sent to the authority itself", text);
    }

    [Theory]
    [InlineData(NoticeLanguage.En, "in particular in the country where you live or work or where the breach took place. The supervisory authority responsible for us is the Autoriteit Persoonsgegevens.")]
    [InlineData(NoticeLanguage.Nl, "in het bijzonder in het land waar u woont of werkt of waar het datalek plaatsvond. De toezichthouder die op ons toeziet, is de Autoriteit Persoonsgegevens.")]
    [InlineData(NoticeLanguage.Fr, "notamment dans le pays où vous résidez ou travaillez ou dans celui où l'incident s'est produit. L'autorité de contrôle dont nous relevons est\u202F: Autoriteit Persoonsgegevens.")]
    [InlineData(NoticeLanguage.De, "insbesondere in dem Land, in dem Sie wohnen oder arbeiten oder in dem sich der Vorfall ereignet hat. Für uns zuständig ist: Autoriteit Persoonsgegevens.")]
    public void People_learn_they_may_complain_where_they_live_or_work(NoticeLanguage language, string sentence)
    {
        Assert.Contains(sentence, Render(NoticeKind.DataSubjects, language).Text);
        Assert.Contains(sentence, Render(NoticeKind.Public, language).Text);
    }

    [Fact]
    public void The_contact_point_title_is_a_setting()
    {
        var org = Org();
        org.Dpo.Title["en"] = "Privacy team";
        var text = Render(NoticeKind.DataSubjects, NoticeLanguage.En, organisation: org).Text;
        Assert.Contains("Privacy team: Dana Privacy", text);
        Assert.DoesNotContain("Data protection officer", text);
        Assert.Contains("Privacy team: Dana Privacy", Render(NoticeKind.Authority, NoticeLanguage.En, organisation: org).Text);
        // Other languages keep their word for data protection officer.
        Assert.Contains("Functionaris voor gegevensbescherming: Dana Privacy", Render(NoticeKind.DataSubjects, NoticeLanguage.Nl, organisation: org).Text);
        Assert.Contains("Organisation:Dpo:Title:es", string.Join(" ", OrganisationNoticeSettings.Validate(new() { Dpo = { Title = { ["es"] = "Equipo" } } })));
    }

    // --- Not mistaken for phishing -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(NoticeLanguage.En, "This message contains no links and no attachments, and we will never ask you for your password, PIN or bank details.", "look up our contact details yourself")]
    [InlineData(NoticeLanguage.Nl, "Dit bericht bevat geen links en geen bijlagen, en wij vragen u nooit om uw wachtwoord, pincode of bankgegevens.", "zoek zelf onze contactgegevens op")]
    [InlineData(NoticeLanguage.Fr, "Ce message ne contient aucun lien ni aucune pièce jointe, et nous ne vous demanderons jamais votre mot de passe, votre code PIN ou vos coordonnées bancaires.", "recherchez vous-même nos coordonnées")]
    [InlineData(NoticeLanguage.De, "Diese Nachricht enthält keine Links und keine Anhänge, und wir fragen Sie niemals nach Ihrem Passwort, Ihrer PIN oder Ihren Bankdaten.", "Suchen Sie unsere Kontaktdaten selbst heraus")]
    public void A_data_subject_notice_says_how_to_tell_it_from_phishing(NoticeLanguage language, string noLinks, string check)
    {
        var notice = Render(NoticeKind.DataSubjects, language);
        Assert.Contains(noLinks, notice.Text);
        Assert.Contains(check, notice.Text);
        Assert.DoesNotContain("<a ", notice.Html);
    }

    [Fact]
    public void A_link_in_the_texts_cannot_go_into_a_notice_that_promises_none()
    {
        var content = WithPeople("en", t => t with { Advice = "Reset your password at https://acme.example/reset." });
        var ex = Assert.Throws<DomainValidationException>(() => Render(NoticeKind.DataSubjects, NoticeLanguage.En, content: content));
        Assert.Equal("noticeContent.en.advice", Assert.Single(ex.Errors).Field);
        Assert.Contains("no links", ex.Errors[0].Message);
        // The public notice makes no such promise.
        _ = Render(NoticeKind.Public, NoticeLanguage.En, content: content);
    }

    [Theory]
    [InlineData(NoticeLanguage.En, "Security incident involving your personal data – Acme B.V.", "Update: security incident involving your personal data – Acme B.V. (ref. inc-0123456789abcdef)")]
    [InlineData(NoticeLanguage.Nl, "Datalek bij Acme B.V. met uw persoonsgegevens", "Aanvulling: datalek bij Acme B.V. met uw persoonsgegevens (kenmerk inc-0123456789abcdef)")]
    [InlineData(NoticeLanguage.Fr, "Incident de sécurité concernant vos données personnelles – Acme B.V.", "Mise à jour\u202F: incident de sécurité concernant vos données personnelles – Acme B.V. (réf. inc-0123456789abcdef)")]
    [InlineData(NoticeLanguage.De, "Sicherheitsvorfall mit Ihren personenbezogenen Daten – Acme B.V.", "Aktualisierung: Sicherheitsvorfall mit Ihren personenbezogenen Daten – Acme B.V. (Az. inc-0123456789abcdef)")]
    public void Follow_ups_are_marked_as_updates_and_no_subject_starts_with_Important(NoticeLanguage language, string initial, string update)
    {
        Assert.Equal(initial, Render(NoticeKind.DataSubjects, language).Subject);
        Assert.Equal(update, Render(NoticeKind.DataSubjects, language, phase: NoticePhase.FollowUp).Subject);
        Assert.Equal(update, Render(NoticeKind.DataSubjects, language, phase: NoticePhase.Final).Subject);
    }

    // --- The authority notice ----------------------------------------------------------------------------------------

    [Fact]
    public void The_authority_notice_needs_its_own_third_person_texts()
    {
        var content = AllTexts() with { Authority = new Dictionary<string, AuthorityTexts>() };
        var ex = Assert.Throws<DomainValidationException>(() => Render(NoticeKind.Authority, NoticeLanguage.En, content: content));
        Assert.Equal(["noticeContent.en.authority.consequences", "noticeContent.en.authority.measures", "noticeContent.en.authority.summary"],
            ex.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_authority_notice_names_the_exemption_the_decision_relied_on()
    {
        var incident = Incident();
        var exempted = incident with
        {
            Decision = incident.Decision! with { NotifyDataSubjects = false, BasedOnRisk = RiskLevel.High },
            Assessment = incident.Assessment! with { Risk = RiskLevel.High, Exemptions = [Art34Exemptions.Unintelligible] },
        };
        var text = Render(NoticeKind.Authority, NoticeLanguage.En, exempted).Text;
        Assert.Contains("We are not informing the data subjects individually, although the risk is high:\n\n- Article 34(3)(a) applies: the personal data affected were unintelligible", text);
        Assert.DoesNotContain("or an exemption", text);

        var notHigh = incident with { Decision = incident.Decision! with { NotifyDataSubjects = false, BasedOnRisk = RiskLevel.Risk } };
        Assert.Contains("in our assessment the breach is not likely to result in a high risk to their rights and freedoms (Article 34(1))", Render(NoticeKind.Authority, NoticeLanguage.En, notHigh).Text);

        var publicInstead = incident with { Decision = incident.Decision! with { NotifyDataSubjects = false, PublicCommunication = true } };
        Assert.Contains("Artikel 34 Absatz 3 Buchstabe c DSGVO greift", Render(NoticeKind.Authority, NoticeLanguage.De, publicInstead).Text);
    }

    [Fact]
    public void An_undecided_communication_is_said_so_instead_of_an_empty_section()
    {
        var text = Render(NoticeKind.Authority, NoticeLanguage.Nl, Incident(withDecision: false)).Text;
        const string heading = "6. Mededeling aan de betrokkenen (art. 34 AVG)";
        Assert.Contains(heading + "\n" + new string('-', heading.Length) + "\n\nWij hebben nog niet besloten of de betrokkenen moeten worden geïnformeerd", text);
    }

    [Fact]
    public void A_follow_up_to_the_authority_carries_its_case_reference()
    {
        var notice = Render(NoticeKind.Authority, NoticeLanguage.En, phase: NoticePhase.FollowUp);
        Assert.EndsWith("our ref. inc-0123456789abcdef – your ref. AP-2026-0042", notice.Subject);
        Assert.Contains("Your reference (given to our initial notification): AP-2026-0042.", notice.Text);
        Assert.Contains("\"authorityCaseReference\": \"AP-2026-0042\"", notice.Text);
        Assert.DoesNotContain("AP-2026-0042", Render(NoticeKind.Authority, NoticeLanguage.En).Subject);

        // Without a recorded submission the portal's reference is missing: named, not left out.
        var ex = Assert.Throws<DomainValidationException>(() => Render(NoticeKind.Authority, NoticeLanguage.En, phase: NoticePhase.Final, content: AllTexts(authorityReference: null)));
        Assert.Equal("authoritySubmission.reference", Assert.Single(ex.Errors).Field);

        // An authority that takes the notice by e-mail may answer with its case number by mail: then it is not required.
        var org = Org();
        org.LeadAuthority = "NL";
        var registry = new Application.Notices.Authorities.SupervisoryAuthorityRegistry([Application.Notices.Authorities.SupervisoryAuthorityRegistry.Default.Find("NL")! with { Email = "meldingen@ap.example" }]);
        org.AuthorityNoticeEmail = "meldingen@ap.example";
        var byMail = new NoticeComposer(org, registry, NoticeTemplateCatalog.Default)
            .Render(new NoticeRequest(Incident(), AllTexts(authorityReference: null), NoticeKind.Authority, NoticeLanguage.En, NoticePhase.FollowUp, null));
        Assert.DoesNotContain("This copy goes to", byMail.Text);
    }

    // --- The public notice -------------------------------------------------------------------------------------------

    [Fact]
    public void The_public_notice_claims_disproportionate_effort_only_when_it_replaces_individual_notices()
    {
        var incident = Incident();
        var alongside = Render(NoticeKind.Public, NoticeLanguage.En, incident with { Decision = incident.Decision! with { PublicCommunication = true } }).Text;
        Assert.DoesNotContain("disproportionate", alongside);
        Assert.Contains("We are also informing the people concerned individually", alongside);
        var instead = Render(NoticeKind.Public, NoticeLanguage.En, incident with { Decision = incident.Decision! with { NotifyDataSubjects = false, PublicCommunication = true } }).Text;
        Assert.Contains("Contacting every person concerned individually would involve disproportionate effort", instead);
    }

    [Theory]
    [InlineData(NoticeLanguage.En, 0, "The number of people affected is not yet known.")]
    [InlineData(NoticeLanguage.En, 1, "One person is affected.")]
    [InlineData(NoticeLanguage.En, 1200, "About 1,200 people are affected.")]
    [InlineData(NoticeLanguage.Nl, 1, "Het gaat om één persoon.")]
    [InlineData(NoticeLanguage.Fr, 1, "Une personne est concernée.")]
    [InlineData(NoticeLanguage.De, 1, "Betroffen ist eine Person.")]
    [InlineData(NoticeLanguage.De, 0, "Die Zahl der betroffenen Personen ist noch nicht bekannt.")]
    public void The_public_notice_counts_right_for_0_and_1(NoticeLanguage language, long people, string sentence)
    {
        var text = Render(NoticeKind.Public, language, Incident(Facts() with { DataSubjects = people })).Text;
        Assert.Contains(sentence, text);
        Assert.DoesNotContain("About 1 people", text);
    }

    // --- Controller notices ------------------------------------------------------------------------------------------

    [Fact]
    public void With_several_controllers_each_notice_names_only_its_own_and_gives_its_own_figures()
    {
        var share = new ControllerShare("Alpha Retail", true, 40) { Others = ["Beta Bank", "Customer Co"] };
        var notice = Render(NoticeKind.Controllers, NoticeLanguage.En, audience: new NoticeAudience(null, share));
        Assert.Contains("Alpha Retail", notice.Subject);
        Assert.Contains("that we process on behalf of Alpha Retail", notice.Text);
        Assert.Contains("Approximate number of your data subjects concerned: 40", notice.Text);
        Assert.Contains("Approximate number of your personal data records concerned: not yet known", notice.Text);
        foreach (var leak in new[] { "Beta Bank", "Customer Co", "1,200", "5,000" })
            Assert.DoesNotContain(leak, notice.Subject + notice.Text + notice.Html);
        Assert.Equal(NoticeAudience.ControllerKey("Alpha Retail"), notice.Variant);
        Assert.Equal("Alpha Retail", notice.Controller);

        // A text that names another controller would tell Alpha who else is affected.
        var content = WithAuthority("en", t => t with { Summary = "Exports of Alpha Retail and Beta Bank were on the laptop." });
        var ex = Assert.Throws<DomainValidationException>(() => Render(NoticeKind.Controllers, NoticeLanguage.En, content: content, audience: new NoticeAudience(null, share)));
        Assert.Equal("noticeContent.en.authority.summary", Assert.Single(ex.Errors).Field);
    }

    [Theory]
    [InlineData(NoticeLanguage.En, " without undue delay")]
    [InlineData(NoticeLanguage.Nl, " zonder onredelijke vertraging")]
    [InlineData(NoticeLanguage.Fr, " dans les meilleurs délais")]
    [InlineData(NoticeLanguage.De, " unverzüglich")]
    public void A_late_controller_notice_does_not_claim_to_come_without_undue_delay(NoticeLanguage language, string claim)
    {
        Assert.Contains(claim, Render(NoticeKind.Controllers, language).Text);
        Assert.DoesNotContain(claim, Render(NoticeKind.Controllers, language, late: true).Text);
    }

    // --- Language quality --------------------------------------------------------------------------------------------

    [Fact]
    public void Dutch_says_datalek_and_gegevenslek_for_Belgium()
    {
        var nl = Render(NoticeKind.DataSubjects, NoticeLanguage.Nl);
        Assert.StartsWith("Datalek bij Acme B.V.", nl.Subject);
        Assert.DoesNotContain("gegevenslek", nl.Text);
        var be = Render(NoticeKind.DataSubjects, NoticeLanguage.Nl, audience: new NoticeAudience("BE"));
        Assert.StartsWith("Gegevenslek bij Acme B.V.", be.Subject);
        Assert.Contains("over een gegevenslek bij Acme B.V.", be.Text);
        Assert.DoesNotContain("datalek", be.Text);
        Assert.Equal("BE", be.Variant);

        var org = Org();
        org.LeadAuthority = "BE";
        Assert.StartsWith("Melding gegevenslek", Render(NoticeKind.Authority, NoticeLanguage.Nl, organisation: org).Subject);
        Assert.StartsWith("Melding datalek", Render(NoticeKind.Authority, NoticeLanguage.Nl).Subject);
    }

    [Fact]
    public void Dutch_uses_the_AVG_terms_and_one_register()
    {
        var authority = Render(NoticeKind.Authority, NoticeLanguage.Nl).Text;
        Assert.Contains("Geschat aantal betrokken persoonsgegevensregisters: 5.000", authority);
        Assert.DoesNotContain("gegevensregistraties", authority);
        Assert.Equal("Geachte Anna de Vries,", NoticeLexicon.Dutch.Salutation("Anna de Vries"));
        Assert.Equal("Geachte heer, mevrouw,", NoticeLexicon.Dutch.Salutation(null));
    }

    [Theory]
    [InlineData(NoticeKind.DataSubjects, NoticeLanguage.En, "The incident happened on 25 March 2026. We became aware of it on 27 March 2026.")]
    [InlineData(NoticeKind.DataSubjects, NoticeLanguage.Fr, "L'incident s'est produit le 25 mars 2026. Nous en avons eu connaissance le 27 mars 2026.")]
    [InlineData(NoticeKind.Public, NoticeLanguage.De, "Der Vorfall ereignete sich am 25. März 2026. Wir haben am 27. März 2026 davon Kenntnis erlangt.")]
    public void People_learn_when_the_breach_happened_when_it_is_known(NoticeKind kind, NoticeLanguage language, string sentence)
    {
        Assert.Contains(sentence, Render(kind, language).Text);
        var unknown = Render(kind, language, Incident() with { OccurredAt = null }).Text;
        Assert.DoesNotContain(sentence, unknown);
        Assert.Contains("27", unknown);
    }

    [Fact]
    public void Consumers_read_categories_without_article_numbers_professionals_with()
    {
        var incident = Incident(Facts() with { DataCategories = [DataCategory.Health] });
        Assert.Contains("- health data\n", Render(NoticeKind.DataSubjects, NoticeLanguage.En, incident).Text);
        Assert.Contains("- health data (Art 9 GDPR)\n", Render(NoticeKind.Authority, NoticeLanguage.En, incident).Text);
        Assert.Contains("- Gesundheitsdaten (Art. 9 DSGVO)\n", Render(NoticeKind.Controllers, NoticeLanguage.De, incident).Text);
    }
}
