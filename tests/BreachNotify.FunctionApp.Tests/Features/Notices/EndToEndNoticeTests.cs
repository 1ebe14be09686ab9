using System.Net;
using System.Text;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>Standalone, end to end: report → facts → decision → recipients CSV → notify → .eml files in the outbox → status sent.</summary>
public sealed class EndToEndNoticeTests : IDisposable
{
    private readonly NoticesFactory _factory = new() { Settings = { ["Notices:JobSize"] = "2" } };

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Reported_incident_to_eml_files_in_each_recipients_language()
    {
        var dpo = _factory.Dpo();
        var reporter = _factory.Reporter();

        // Report, with the facts; then the DPO decides.
        var created = await HttpAssert.Body(await reporter.PostJson("/api/incidents", """
            {"title":"CRM export on a stolen laptop","awareAt":"2026-03-27T10:15:00+01:00","countries":["NL","BE","DE","FR"],
             "facts":{"breachTypes":["confidentiality"],"dataCategories":["contact","identity"],"dataSubjects":5,"records":5,
                      "protection":"none","exposure":"unknown-recipients","exfiltration":"unknown","maliciousIntent":true}}
            """), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/decision", """{"notifyAuthority":true,"notifyDataSubjects":true,"publicCommunication":false,"rationale":"Identity data on an unencrypted stolen laptop"}"""), HttpStatusCode.OK);
        var texts = new Dictionary<string, string>
        {
            ["nl"] = """{"summary":"Er is een laptop gestolen.","consequences":"Phishing.","measures":"Aangifte gedaan.","advice":"Wees alert."}""",
            ["en"] = """{"summary":"A laptop was stolen.","consequences":"Phishing.","measures":"Reported to the police.","advice":"Be alert."}""",
            ["fr"] = """{"summary":"Un ordinateur portable a été volé.","consequences":"Hameçonnage.","measures":"Plainte déposée.","advice":"Soyez vigilant."}""",
            ["de"] = """{"summary":"Ein Laptop wurde gestohlen.","consequences":"Phishing.","measures":"Anzeige erstattet.","advice":"Seien Sie wachsam."}""",
        };
        foreach (var (language, body) in texts)
            await HttpAssert.Body(await reporter.PutAsync($"/api/incidents/{id}/notice-content/{language}", HttpAssert.JsonBody(body)), HttpStatusCode.OK);

        // Recipients (language from the column or from the country).
        var csv = "email,name,language,country,kind,externalId\r\n" +
                  "anna@example.nl,Anna de Vries,,NL,,c1\r\n" +
                  "jan@example.be,Jan Peeters,nl,BE,,c2\r\n" +
                  "claire@example.fr,Claire Dubois,,FR,,c3\r\n" +
                  "dieter@example.de,Dieter Müller,,DE,,c4\r\n" +
                  "eve@example.com,,en,,,c5\r\n";
        var upload = await HttpAssert.Body(await reporter.PostAsync($"/api/incidents/{id}/recipients", new StringContent(csv, Encoding.UTF8, "text/csv")), HttpStatusCode.OK);
        Assert.Equal(5, upload.GetProperty("accepted").GetInt64());

        // Notify; the embedded queue's worker runs the SendNotice function.
        var notified = await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects","phase":"initial"}"""), HttpStatusCode.Accepted);
        // nl 1 (Netherlands) and 1 (Belgium: "gegevenslek"), fr 1, de 1, en 1
        Assert.Equal(5, notified.GetProperty("jobs").GetInt32());
        Assert.Equal(5, await _factory.DrainAsync());

        // One .eml per recipient, in their language.
        var files = Directory.GetFiles(_factory.OutboxDirectory, "*.eml");
        Assert.Equal(5, files.Length);
        var mails = files.Select(Eml.Parse).ToDictionary(m => m.To);
        Assert.Equal("nl", mails["anna@example.nl"].Language);
        Assert.Equal("nl", mails["jan@example.be"].Language);
        Assert.Equal("fr", mails["claire@example.fr"].Language);
        Assert.Equal("de", mails["dieter@example.de"].Language);
        Assert.Equal("en", mails["eve@example.com"].Language);
        Assert.StartsWith("Datalek bij Acme B.V. met uw persoonsgegevens", mails["anna@example.nl"].Subject);
        Assert.StartsWith("Gegevenslek bij Acme B.V. met uw persoonsgegevens", mails["jan@example.be"].Subject);
        Assert.StartsWith("Incident de sécurité concernant vos données personnelles", mails["claire@example.fr"].Subject);
        Assert.StartsWith("Sicherheitsvorfall mit Ihren personenbezogenen Daten", mails["dieter@example.de"].Subject);
        Assert.StartsWith("Security incident involving your personal data", mails["eve@example.com"].Subject);
        Assert.Contains("Geachte Anna de Vries,", mails["anna@example.nl"].Text);
        Assert.True(mails["anna@example.nl"].Text.Contains("Er is een laptop gestolen.", StringComparison.Ordinal), mails["anna@example.nl"].Text);
        Assert.Contains("Guten Tag Dieter Müller,", mails["dieter@example.de"].Text);
        Assert.Contains("Bonjour Claire Dubois,", mails["claire@example.fr"].Text);
        Assert.Contains("Dear Sir or Madam,", mails["eve@example.com"].Text);
        Assert.Contains("Dieter Müller", mails["dieter@example.de"].Html);
        Assert.All(mails.Values, m => Assert.Contains("Acme B.V.", m.Subject));

        // Status: every job and recipient sent; the notice is on the incident, which still owes the authority notice.
        var list = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
        var n = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("completed", n.GetProperty("status").GetString());
        Assert.Equal(5, n.GetProperty("jobsByStatus").GetProperty("sent").GetInt32());
        Assert.Equal(5, n.GetProperty("recipientsByStatus").GetProperty("sent").GetInt64());
        Assert.All(n.GetProperty("jobs").EnumerateArray(), j => Assert.Equal("sent", j.GetProperty("status").GetString()));
        var incident = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        Assert.Equal("confirmed", incident.GetProperty("status").GetString());
        Assert.Equal(["authority"], incident.GetProperty("notices").GetProperty("outstanding").EnumerateArray().Select(x => x.GetString()));
        var recipients = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/recipients"), HttpStatusCode.OK);
        Assert.Equal(5, recipients.GetProperty("noticesByStatus").GetProperty("sent").GetInt64());
    }

    /// <summary>Standalone, the SendQueuedNotices timer runs in-process on its schedule (every 10 s by default) and drains
    /// the embedded queue: nothing drives it but the clock.</summary>
    [Fact]
    public async Task The_SendQueuedNotices_timer_sends_on_its_schedule_when_running_on_its_own()
    {
        using var factory = new NoticesFactory { Settings = { ["Standalone:RunTimers"] = "true" } };
        var dpo = factory.Dpo();
        var id = await NoticeScenario.ConfirmedIncidentAsync(dpo);
        await NoticeScenario.UploadAsync(dpo, id, "email,language\r\na@example.com,en\r\n");
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects"}"""), HttpStatusCode.Accepted);

        // The schedule fires when the (fake) clock passes the next 10-second mark.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? status = null;
        while (DateTime.UtcNow < deadline)
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(10));
            var list = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
            status = list.GetProperty("items")[0].GetProperty("status").GetString();
            if (status == "completed") break;
            await Task.Delay(100);
        }
        Assert.Equal("completed", status);
        Assert.Single(Directory.GetFiles(factory.OutboxDirectory, "*.eml"));
    }

    /// <summary>The parts the assertions need, read with MimeKit's parser.</summary>
    private sealed record Eml(string To, string Subject, string? Language, string Text, string Html)
    {
        public static Eml Parse(string path)
        {
            var mail = MimeKit.MimeMessage.Load(path);
            return new Eml(Assert.IsType<MimeKit.MailboxAddress>(Assert.Single(mail.To)).Address, mail.Subject ?? "", mail.Body?.Headers["Content-Language"],
                mail.TextBody ?? "", mail.HtmlBody ?? "");
        }
    }
}
