using System.Globalization;
using System.Text.Json;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Adapters.Tests.Fakes;
using BreachNotify.Application.Email;
using static BreachNotify.Adapters.Tests.SendGrid.SendGridTestSupport;

namespace BreachNotify.Adapters.Tests.SendGrid;

public class SendGridEmailSenderTests
{
    private static EmailMessage Message(params EmailRecipient[] recipients) => new(
        "job-42",
        new EmailAddress("dpo@example.org", "DPO"),
        "Breach notice for -name-",
        "Dear -name-",
        "<p>Dear -name-</p>",
        recipients,
        ReplyTo: new EmailAddress("privacy@example.org"),
        CustomArgs: new Dictionary<string, string> { ["incident_id"] = "inc-7", ["notification_id"] = "n-3", ["job_id"] = "job-42" },
        Categories: ["breach-notice"],
        Language: "de");

    private static EmailRecipient Recipient(string address, string name) =>
        new(new EmailAddress(address, name), new Dictionary<string, string> { ["-name-"] = name });

    [Fact]
    public async Task Maps_one_personalization_per_recipient_with_ids_only_and_returns_message_id()
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer(Accepted("sg-msg-1"));
        var sender = new SendGridEmailSender(new SendGridClient(Options(server, time)), time);

        var result = await sender.SendAsync(Message(Recipient("anna@example.com", "Anna"), Recipient("ben@example.com", "Ben")));

        Assert.Equal("sg-msg-1", result.ProviderMessageId);
        Assert.Equal(time.GetUtcNow(), result.AcceptedAt);
        using var json = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        var root = json.RootElement;
        var personalizations = root.GetProperty("personalizations");
        Assert.Equal(2, personalizations.GetArrayLength());
        Assert.Equal(1, personalizations[0].GetProperty("to").GetArrayLength());
        Assert.Equal("anna@example.com", personalizations[0].GetProperty("to")[0].GetProperty("email").GetString());
        Assert.Equal("Anna", personalizations[0].GetProperty("substitutions").GetProperty("-name-").GetString());
        Assert.Equal("Ben", personalizations[1].GetProperty("substitutions").GetProperty("-name-").GetString());
        var customArgs = root.GetProperty("custom_args").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["incident_id"] = "inc-7", ["notification_id"] = "n-3", ["job_id"] = "job-42" }, customArgs);
        Assert.Equal("privacy@example.org", root.GetProperty("reply_to").GetProperty("email").GetString());
        Assert.Equal("de", root.GetProperty("headers").GetProperty("Content-Language").GetString());
        Assert.Equal("breach-notice", root.GetProperty("categories")[0].GetString());
    }

    [Fact]
    public async Task Rate_limit_maps_to_transient_with_retry_after()
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer(new FakeResponse(429, null, new Dictionary<string, string>
        {
            ["X-RateLimit-Reset"] = time.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        }));
        var sender = new SendGridEmailSender(new SendGridClient(Options(server, time)), time);

        var ex = await Assert.ThrowsAsync<EmailTransientException>(() => sender.SendAsync(Message(Recipient("anna@example.com", "Anna"))));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(5), ex.RetryAfter);
        Assert.DoesNotContain("anna@example.com", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Server_errors_after_retries_map_to_transient(int status)
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer(new FakeResponse(status));
        var sender = new SendGridEmailSender(new SendGridClient(Options(server, time)), time);

        var ex = await Assert.ThrowsAsync<EmailTransientException>(() => sender.SendAsync(Message(Recipient("anna@example.com", "Anna"))));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(413)]
    public async Task Client_errors_map_to_permanent_with_status(int status)
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer(new FakeResponse(status,
            """{"errors":[{"message":"bad address anna@example.com","field":"personalizations.0.to.0.email"}]}"""));
        var sender = new SendGridEmailSender(new SendGridClient(Options(server, time)), time);

        var ex = await Assert.ThrowsAsync<EmailPermanentException>(() => sender.SendAsync(Message(Recipient("anna@example.com", "Anna"))));

        Assert.Equal(status, ex.StatusCode);
        Assert.Contains("job-42", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("anna@example.com", ex.ToString(), StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Timeouts_map_to_transient()
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer((_, _) => new FakeResponse(202) { Hold = true });
        var options = Options(server, time);
        options.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxRetries = 1;
        var sender = new SendGridEmailSender(new SendGridClient(options), time);

        var ex = await Assert.ThrowsAsync<EmailTransientException>(() => sender.SendAsync(Message(Recipient("anna@example.com", "Anna"))));

        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public async Task Unreachable_host_maps_to_transient()
    {
        var time = new AutoAdvanceTimeProvider();
        var server = new LoopbackHttpServer(new FakeResponse(202));
        var options = Options(server, time);
        server.Dispose(); // nothing listens on the port any more
        var sender = new SendGridEmailSender(new SendGridClient(options), time);

        await Assert.ThrowsAsync<EmailTransientException>(() => sender.SendAsync(Message(Recipient("anna@example.com", "Anna"))));
    }

    [Fact]
    public async Task Local_validation_failure_maps_to_permanent_without_the_address()
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer(Accepted());
        var sender = new SendGridEmailSender(new SendGridClient(Options(server, time)), time);

        var ex = await Assert.ThrowsAsync<EmailPermanentException>(() =>
            sender.SendAsync(Message(Recipient("anna@example.com", "Anna"), Recipient("ANNA@example.com", "Anna again"))));

        Assert.DoesNotContain("anna@example.com", ex.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_mapped()
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer((_, _) => new FakeResponse(202) { Hold = true });
        var sender = new SendGridEmailSender(new SendGridClient(Options(server, time)), time);
        using var cts = new CancellationTokenSource();
        var send = sender.SendAsync(Message(Recipient("anna@example.com", "Anna")), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }
}
