using System.Text.Json;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Adapters.Tests.Fakes;
using BreachNotify.Application.Email;
using static BreachNotify.Adapters.Tests.SendGrid.SendGridTestSupport;

namespace BreachNotify.Adapters.Tests.SendGrid;

/// <summary>
/// The official SendGrid client, as our sender drives it, against a loopback fake: the requests as SendGrid documents
/// them (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send) and what each documented answer becomes.
/// </summary>
public class SendGridWireTests
{
    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public async Task Posts_the_documented_request_and_records_the_message_id()
    {
        using var server = new LoopbackHttpServer(Accepted("sg-abc123"));

        var result = await Sender(server, _time).SendAsync(Message(Recipient("anna@example.com", "Anna"), Recipient("ben@example.com")));

        Assert.Equal("sg-abc123", result.ProviderMessageId);
        Assert.Equal(Start, result.AcceptedAt);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(new Uri("https://api.sendgrid.com/v3/mail/send"), request.OriginalUrl);
        Assert.Equal("Bearer " + ApiKey, request.Header("Authorization"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);

        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        var personalizations = root.GetProperty("personalizations");
        Assert.Equal(2, personalizations.GetArrayLength());
        Assert.Equal("anna@example.com", Assert.Single(personalizations[0].GetProperty("to").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal("Anna", personalizations[0].GetProperty("to")[0].GetProperty("name").GetString());
        Assert.Equal("Anna", personalizations[0].GetProperty("substitutions").GetProperty("-name-").GetString());
        Assert.False(personalizations[1].GetProperty("to")[0].TryGetProperty("name", out _));
        Assert.False(personalizations[1].TryGetProperty("substitutions", out _));
        Assert.Equal("dpo@example.org", root.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("DPO", root.GetProperty("from").GetProperty("name").GetString());
        Assert.Equal("privacy@example.org", root.GetProperty("reply_to").GetProperty("email").GetString());
        Assert.Equal("Breach notice for -name-", root.GetProperty("subject").GetString());
        var content = root.GetProperty("content");
        Assert.Equal(["text/plain", "text/html"], content.EnumerateArray().Select(c => c.GetProperty("type").GetString()));
        Assert.Equal("Dear -name-", content[0].GetProperty("value").GetString());
        Assert.Equal(["breach-notice"], root.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        var customArgs = root.GetProperty("custom_args").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["incident_id"] = "inc-7", ["notification_id"] = "n-3", ["job_id"] = "job-42" }, customArgs);
        Assert.Equal("de", root.GetProperty("headers").GetProperty("Content-Language").GetString());
        Assert.False(root.TryGetProperty("mail_settings", out _));
    }

    [Fact]
    public async Task Eu_data_residency_and_sandbox_mode_change_host_and_body()
    {
        using var server = new LoopbackHttpServer(new FakeResponse(200));

        var result = await Sender(server, _time, Options(o => { o.DataResidency = SendGridOptions.EuResidency; o.SandboxMode = true; })).SendAsync(Message());

        Assert.Null(result.ProviderMessageId);
        var request = Assert.Single(server.Requests);
        Assert.Equal(new Uri("https://api.eu.sendgrid.com/v3/mail/send"), request.OriginalUrl);
        using var json = JsonDocument.Parse(request.Body);
        Assert.True(json.RootElement.GetProperty("mail_settings").GetProperty("sandbox_mode").GetProperty("enable").GetBoolean());
    }

    [Fact]
    public async Task Exactly_1000_unique_recipients_go_in_one_request_and_1001_none()
    {
        using var server = new LoopbackHttpServer(Accepted());
        var sender = Sender(server, _time);

        await sender.SendAsync(Many(1000));
        await Assert.ThrowsAsync<EmailPermanentException>(() => sender.SendAsync(Many(1001)));

        using var json = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        var addresses = json.RootElement.GetProperty("personalizations").EnumerateArray()
            .SelectMany(p => p.GetProperty("to").EnumerateArray()).Select(t => t.GetProperty("email").GetString()!.ToLowerInvariant()).ToList();
        Assert.Equal(1000, addresses.Count);
        Assert.Equal(1000, addresses.Distinct().Count());
    }

    [Fact]
    public async Task A_repeated_address_is_refused_alone_before_sending_without_naming_it()
    {
        using var server = new LoopbackHttpServer(Accepted());

        var result = await Sender(server, _time).SendAsync(Message(Recipient("anna@example.com"), Recipient("Anna@Example.COM"), Recipient("ben@example.com")));

        var refused = Assert.Single(result.Refused);
        Assert.Equal(1, refused.Index);
        Assert.DoesNotContain("example.com", refused.Reason, StringComparison.OrdinalIgnoreCase);
        using var json = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        Assert.Equal(["anna@example.com", "ben@example.com"], json.RootElement.GetProperty("personalizations").EnumerateArray().Select(p => p.GetProperty("to")[0].GetProperty("email").GetString()));
    }

    [Fact]
    public async Task A_400_naming_personalizations_refuses_those_recipients_and_sends_the_rest_again()
    {
        // As SendGrid answers an address it cannot take: nothing of that request was sent.
        using var server = new LoopbackHttpServer((request, i) => i == 0
            ? new FakeResponse(400, """{"errors":[{"message":"Does not contain a valid address: x","field":"personalizations.1.to.0.email"},{"message":"Invalid","field":"personalizations.2.to.0.email"}]}""",
                new Dictionary<string, string> { ["Content-Type"] = "application/json" })
            : Accepted("sg-second"));

        var result = await Sender(server, _time).SendAsync(Message(Recipient("anna@example.com"), Recipient("bad@example.com"), Recipient("worse@example.com"), Recipient("ben@example.com")));

        Assert.Equal("sg-second", result.ProviderMessageId);
        Assert.Equal([1, 2], result.Refused.Select(r => r.Index));
        Assert.All(result.Refused, r => Assert.Equal("SendGrid refused this recipient (status 400, field personalizations[].to.0.email).", r.Reason));
        Assert.Equal(2, server.Requests.Count);
        using var second = JsonDocument.Parse(server.Requests[1].Body);
        Assert.Equal(["anna@example.com", "ben@example.com"], second.RootElement.GetProperty("personalizations").EnumerateArray().Select(p => p.GetProperty("to")[0].GetProperty("email").GetString()));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(413)]
    public async Task Client_errors_are_permanent_not_retried_and_name_fields_not_addresses(int status)
    {
        using var server = new LoopbackHttpServer(new FakeResponse(status,
            """{"errors":[{"message":"Does not contain a valid address: anna@example.com","field":"from.email"},{"message":"x","field":"personalizations.0.to.0.email"}]}""",
            new Dictionary<string, string> { ["Content-Type"] = "application/json" }));

        var ex = await Assert.ThrowsAsync<EmailPermanentException>(() => Sender(server, _time).SendAsync(Message()));

        Assert.Equal(status, ex.StatusCode);
        Assert.Contains("job-42", ex.Message, StringComparison.Ordinal);
        Assert.Contains("from.email", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("anna@example.com", ex.ToString(), StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Server_errors_are_retried_then_succeed()
    {
        using var server = LoopbackHttpServer.Sequence(new FakeResponse(500), new FakeResponse(503), Accepted("after-retry"));

        var result = await Sender(server, _time).SendAsync(Message());

        Assert.Equal("after-retry", result.ProviderMessageId);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal(server.Requests[0].BodyText, r.BodyText));
    }

    [Fact]
    public async Task Server_errors_after_the_retries_are_transient_with_the_status()
    {
        using var server = new LoopbackHttpServer(new FakeResponse(502));

        var ex = await Assert.ThrowsAsync<EmailTransientException>(() => Sender(server, _time).SendAsync(Message()));

        Assert.Equal(502, ex.StatusCode);
        Assert.Equal(3, server.Requests.Count); // first try + MaxRetries (2)
    }

    [Fact]
    public async Task A_429_is_waited_out_until_X_RateLimit_Reset_then_sent_again()
    {
        var reset = Start.AddSeconds(7);
        var arrivals = new List<DateTimeOffset>();
        using var server = new LoopbackHttpServer((_, i) =>
        {
            lock (arrivals) arrivals.Add(_time.GetUtcNow());
            return i == 0 ? RateLimited(reset) : Accepted("after-429");
        });

        var send = Sender(server, _time).SendAsync(Message());
        var result = await AdvanceUntilDoneAsync(_time, send, () =>
        {
            if (_time.GetUtcNow() < reset) Assert.True(server.Requests.Count <= 1, "sent again before the reset"); // (the first may still be on its way)
        });

        Assert.Equal("after-429", result.ProviderMessageId);
        Assert.Equal(2, arrivals.Count);
        Assert.True(arrivals[1] >= reset, $"sent again at {arrivals[1]:O}, before the reset at {reset:O}");
    }

    [Fact]
    public async Task A_429_resetting_beyond_the_longest_wait_is_transient_with_the_time_to_wait()
    {
        using var server = new LoopbackHttpServer(RateLimited(Start.AddMinutes(5)));

        var ex = await Assert.ThrowsAsync<EmailTransientException>(() => Sender(server, _time).SendAsync(Message()));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(5), ex.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Timeouts_are_retried_and_end_transient()
    {
        using var server = new LoopbackHttpServer((_, _) => new FakeResponse(202) { Hold = true });

        var ex = await Assert.ThrowsAsync<EmailTransientException>(() =>
            Sender(server, _time, Options(o => o.MaxRetries = 1), timeout: TimeSpan.FromMilliseconds(200)).SendAsync(Message()));

        Assert.Null(ex.StatusCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task An_unreachable_host_is_transient()
    {
        var server = new LoopbackHttpServer(new FakeResponse(202));
        var sender = Sender(server, _time, Options(o => o.MaxRetries = 0));
        server.Dispose(); // nothing listens on the port any more

        await Assert.ThrowsAsync<EmailTransientException>(() => sender.SendAsync(Message()));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_mapped()
    {
        using var server = new LoopbackHttpServer((_, _) => new FakeResponse(202) { Hold = true });
        using var cts = new CancellationTokenSource();
        var send = Sender(server, _time).SendAsync(Message(), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }

    [Fact]
    public void Options_are_checked()
    {
        Assert.Empty(new SendGridOptions().Validate());
        Assert.NotEmpty(new SendGridOptions { DataResidency = "us" }.Validate());
        Assert.NotEmpty(new SendGridOptions { BaseUrl = new Uri("http://proxy.example") }.Validate());
        Assert.Throws<ArgumentException>(() => SendGridEmailSender.CreateClient(new SendGridOptions(), new HttpClient()));
    }
}
