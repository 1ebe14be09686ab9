using System.Net;
using System.Text;
using System.Text.Json;
using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>The app with an organisation configured and an outbox in the temp folder; timers do not run (tests drain the queue).</summary>
public class NoticesFactory : BreachNotifyFactory
{
    public NoticesFactory()
    {
        Settings["Organisation:Name"] = "Acme B.V.";
        Settings["Organisation:Dpo:Name"] = "Dana Privacy";
        Settings["Organisation:Dpo:Email"] = "dpo@acme.example";
        Settings["Organisation:LeadAuthority"] = "NL";
        Settings["Organisation:TimeZone"] = "Europe/Amsterdam";
        Settings["Organisation:AuthorityNoticeEmail"] = "dpo@acme.example";
        Settings["Email:From:Address"] = "privacy@acme.example";
        Settings["Email:From:Name"] = "Acme Privacy";
        Settings["Email:Outbox:Directory"] = OutboxDirectory;
    }

    public string OutboxDirectory => Path.Combine(DataDirectory, "outbox");

    /// <summary>When set, replaces the e-mail sender (the outbox otherwise).</summary>
    public RecordingEmailSender? Email { get; init; }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (Email is not null)
            Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(builder, services => services.AddSingleton<BreachNotify.Application.Email.IEmailSender>(Email));
    }

    /// <summary>One run of the queue drain, as the SendQueuedNotices timer makes it; returns how many messages it took.</summary>
    public async Task<int> DrainAsync() => (await Services.GetRequiredService<BreachNotify.Application.Queue.NoticeQueueDrain>().RunAsync()).Received;

    public StoreNoticeQueue Queue => Services.GetRequiredService<StoreNoticeQueue>();
}

public static class NoticeScenario
{
    public static readonly DateTimeOffset Aware = new(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Reports a confirmed incident with facts, records the decision and writes the notice texts in every language.</summary>
    public static async Task<string> ConfirmedIncidentAsync(HttpClient dpo, bool decideSubjects = true, bool decide = true, string role = "controller")
    {
        var customer = role == "processor" ? ",\"controllerCustomer\":\"Customer Co\"" : "";
        var res = await dpo.PostJson("/api/incidents", $$$"""
            {"title":"Laptop stolen","awareAt":"{{{Aware:yyyy-MM-ddTHH:mm:ssZ}}}","countries":["NL"],"role":"{{{role}}}"{{{customer}}},
             "facts":{"breachTypes":["confidentiality"],"dataCategories":["contact","identity"],"dataSubjects":1200,"records":1300,
                      "protection":"none","exposure":"unknown-recipients","exfiltration":"unknown","maliciousIntent":true}}
            """);
        var id = (await HttpAssert.Body(res, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        if (decide)
        {
            var d = await dpo.PostJson($"/api/incidents/{id}/decision", $$"""{"notifyAuthority":true,"notifyDataSubjects":{{(decideSubjects ? "true" : "false")}},"publicCommunication":false,"rationale":"Identity data of customers on a stolen unencrypted laptop"}""");
            await HttpAssert.Body(d, HttpStatusCode.OK);
        }
        foreach (var language in new[] { "nl", "en", "fr", "de" })
        {
            var c = await dpo.PutAsync($"/api/incidents/{id}/notice-content/{language}", HttpAssert.JsonBody($$"""
                {"summary":"[{{language}}] A laptop was stolen.","consequences":"[{{language}}] Phishing.","measures":"[{{language}}] Police report.","advice":"[{{language}}] Be careful."}
                """));
            await HttpAssert.Body(c, HttpStatusCode.OK);
            var a = await dpo.PutAsync($"/api/incidents/{id}/notice-content/{language}/authority", HttpAssert.JsonBody($$"""
                {"summary":"[{{language}}] A laptop holding customer data was stolen.","consequences":"[{{language}}] Customers may be phished.","measures":"[{{language}}] The theft was reported to the police."}
                """));
            await HttpAssert.Body(a, HttpStatusCode.OK);
        }
        return id;
    }

    public static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    public static async Task<JsonElement> UploadAsync(HttpClient client, string id, string csv, HttpStatusCode expected = HttpStatusCode.OK)
        => await HttpAssert.Body(await client.PostAsync($"/api/incidents/{id}/recipients", Csv(csv)), expected);
}

/// <summary>An e-mail sender that records every message and answers as the test says.</summary>
public sealed class RecordingEmailSender : BreachNotify.Application.Email.IEmailSender
{
    private readonly object _gate = new();
    public List<BreachNotify.Application.Email.EmailMessage> Sent { get; } = [];

    /// <summary>Recipients per call (the unit the processor records before the next).</summary>
    public int RecipientsPerSend { get; init; } = BreachNotify.Application.Email.EmailMessage.MaxRecipients;

    /// <summary>Runs after the message is recorded as accepted; throw to simulate failures (before) or crashes (after).</summary>
    public Func<BreachNotify.Application.Email.EmailMessage, int, Task>? After { get; set; }

    /// <summary>Runs before; throw Email*Exception to refuse the message.</summary>
    public Func<BreachNotify.Application.Email.EmailMessage, int, Task>? Before { get; set; }

    public async Task<BreachNotify.Application.Email.EmailSendResult> SendAsync(BreachNotify.Application.Email.EmailMessage message, CancellationToken cancellationToken = default)
    {
        int n;
        lock (_gate) n = Sent.Count;
        if (Before is not null) await Before(message, n);
        lock (_gate) Sent.Add(message);
        if (After is not null) await After(message, n);
        return new BreachNotify.Application.Email.EmailSendResult("sg-" + n, new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero));
    }
}
