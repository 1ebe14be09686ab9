using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

public sealed class SendGridWebhookTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RecordingEmailSender _email = new();
    private readonly NoticesFactory _factory;

    public SendGridWebhookTests()
    {
        _factory = new NoticesFactory { Email = _email };
        _factory.Settings["Webhooks:sendgrid:PublicKey"] = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
    }

    public void Dispose()
    {
        _factory.Dispose();
        _key.Dispose();
        _otherKey.Dispose();
    }

    private long Now => _factory.Clock.GetUtcNow().ToUnixTimeSeconds();

    private async Task<(string Incident, string JobId)> SentJobAsync()
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, "email,language\r\nanna@example.nl,nl\r\nbob@example.nl,nl\r\ncarl@example.nl,nl\r\n");
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects"}"""), HttpStatusCode.Accepted);
        await _factory.DrainAsync();
        return (id, _email.Sent.Single().MessageKey);
    }

    private static string Events(string jobId, params (string Id, string Event, string Email, long At)[] events)
        => JsonSerializer.Serialize(events.Select(e => new Dictionary<string, object>
        {
            ["email"] = e.Email, ["timestamp"] = e.At, ["event"] = e.Event, ["sg_event_id"] = e.Id, ["sg_message_id"] = "sg-0.filter",
            ["jobId"] = jobId, ["incidentId"] = "x", ["notificationId"] = "y", ["type"] = "bounce", ["reason"] = "550 mailbox unavailable",
        }));

    private async Task<HttpResponseMessage> Post(string body, ECDsa? key = null, long? timestamp = null, string? tamperedBody = null, bool sign = true)
    {
        var ts = (timestamp ?? Now).ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/sendgrid") { Content = new StringContent(tamperedBody ?? body, Encoding.UTF8, "application/json") };
        if (sign)
        {
            var signature = (key ?? _key).SignData(Encoding.UTF8.GetBytes(ts + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
            request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", ts);
        }
        return await _factory.CreateClient().SendAsync(request); // no API key: the signature is the authentication
    }

    private async Task<JsonElement> Notification(string incident)
        => (await HttpAssert.Body(await _factory.Dpo().GetAsync($"/api/incidents/{incident}/notifications"), HttpStatusCode.OK)).GetProperty("items")[0];

    [Fact]
    public async Task Signed_events_update_each_recipients_status_once()
    {
        var (incident, jobId) = await SentJobAsync();
        var body = Events(jobId,
            ("e1", "processed", "anna@example.nl", Now), ("e2", "delivered", "anna@example.nl", Now),
            ("e3", "deferred", "bob@example.nl", Now), ("e4", "bounce", "bob@example.nl", Now + 1),
            ("e5", "open", "anna@example.nl", Now));

        var result = await HttpAssert.Body(await Post(body), HttpStatusCode.OK);
        Assert.Equal(5, result.GetProperty("received").GetInt32());
        Assert.Equal(4, result.GetProperty("applied").GetInt32());
        Assert.Equal(1, result.GetProperty("ignored").GetInt32());       // engagement is not tracked

        var n = await Notification(incident);
        var counts = n.GetProperty("recipientsByStatus");
        Assert.Equal(1, counts.GetProperty("delivered").GetInt64());
        Assert.Equal(1, counts.GetProperty("bounced").GetInt64());
        Assert.Equal(1, counts.GetProperty("sent").GetInt64());            // carl: no outcome yet
        Assert.Equal(1, n.GetProperty("jobs")[0].GetProperty("deferred").GetInt64());

        // SendGrid repeats deliveries: the same sg_event_id changes nothing.
        var again = await HttpAssert.Body(await Post(body), HttpStatusCode.OK);
        Assert.Equal(4, again.GetProperty("duplicates").GetInt32());
        Assert.Equal(0, again.GetProperty("applied").GetInt32());
        Assert.Equal(1, (await Notification(incident)).GetProperty("recipientsByStatus").GetProperty("delivered").GetInt64());

        // A later outcome for the same recipient replaces the earlier one; an older one does not.
        await HttpAssert.Body(await Post(Events(jobId, ("e6", "dropped", "anna@example.nl", Now + 5), ("e7", "delivered", "bob@example.nl", Now - 100))), HttpStatusCode.OK);
        counts = (await Notification(incident)).GetProperty("recipientsByStatus");
        Assert.Equal(0, counts.GetProperty("delivered").GetInt64());
        Assert.Equal(1, counts.GetProperty("failed").GetInt64());
        Assert.Equal(1, counts.GetProperty("bounced").GetInt64());
    }

    [Fact]
    public async Task A_tampered_body_a_wrong_key_a_stale_or_missing_signature_is_401_and_changes_nothing()
    {
        var (incident, jobId) = await SentJobAsync();
        var body = Events(jobId, ("e1", "delivered", "anna@example.nl", Now));

        await HttpAssert.Problem(await Post(body, tamperedBody: body.Replace("delivered", "bounce", StringComparison.Ordinal)), HttpStatusCode.Unauthorized);
        await HttpAssert.Problem(await Post(body, key: _otherKey), HttpStatusCode.Unauthorized);
        await HttpAssert.Problem(await Post(body, timestamp: Now - ReplayWindowSeconds - 1), HttpStatusCode.Unauthorized);
        await HttpAssert.Problem(await Post(body, sign: false), HttpStatusCode.Unauthorized);
        Assert.Equal(0, (await Notification(incident)).GetProperty("recipientsByStatus").GetProperty("delivered").GetInt64());

        // The edge of the replay window (the default, 25 hours) still verifies.
        await HttpAssert.Body(await Post(body, timestamp: Now - ReplayWindowSeconds), HttpStatusCode.OK);
        Assert.Equal(1, (await Notification(incident)).GetProperty("recipientsByStatus").GetProperty("delivered").GetInt64());
    }

    private const long ReplayWindowSeconds = 25 * 3600;

    /// <summary>
    /// Issue 13 point 10: SendGrid retries an event delivery for up to 24 hours; a retry signed when it was first
    /// attempted must still be accepted (its proof of delivery is otherwise lost), and applied once however often it comes.
    /// </summary>
    [Fact]
    public async Task A_retry_signed_a_day_ago_is_applied_once()
    {
        var (incident, jobId) = await SentJobAsync();
        var body = Events(jobId, ("e-retried", "delivered", "anna@example.nl", Now - 86_400));

        var first = await HttpAssert.Body(await Post(body, timestamp: Now - 86_400), HttpStatusCode.OK);
        var again = await HttpAssert.Body(await Post(body, timestamp: Now - 86_000), HttpStatusCode.OK);

        Assert.Equal(1, first.GetProperty("applied").GetInt32());
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, (await Notification(incident)).GetProperty("recipientsByStatus").GetProperty("delivered").GetInt64());
    }

    [Fact]
    public async Task Events_for_mail_we_did_not_send_are_ignored_and_a_body_that_is_not_an_array_is_400()
    {
        var result = await HttpAssert.Body(await Post(Events("job-unknown", ("e1", "delivered", "x@example.com", Now))), HttpStatusCode.OK);
        Assert.Equal(1, result.GetProperty("ignored").GetInt32());
        await HttpAssert.Problem(await Post("{\"event\":\"delivered\"}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Without_a_configured_key_the_webhook_does_not_exist()
    {
        using var factory = new NoticesFactory();
        var res = await factory.CreateClient().PostAsync("/api/webhooks/sendgrid", new StringContent("[]", Encoding.UTF8, "application/json"));
        await HttpAssert.Problem(res, HttpStatusCode.NotFound);
    }
}
