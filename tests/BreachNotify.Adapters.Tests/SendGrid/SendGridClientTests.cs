using System.Text.Json;
using Azure;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Adapters.Tests.Fakes;
using static BreachNotify.Adapters.Tests.SendGrid.SendGridTestSupport;

namespace BreachNotify.Adapters.Tests.SendGrid;

public class SendGridClientTests
{
    [Fact]
    public async Task SendMail_posts_the_documented_request_and_returns_the_message_id()
    {
        using var server = new LoopbackHttpServer(Accepted("abc123"));
        var client = new SendGridClient(Options(server));
        var mail = new SendGridMail(new SendGridAddress("dpo@example.org", "Data Protection"), "Hello -name-")
        {
            PlainTextContent = "Dear -name-",
            HtmlContent = "<p>Dear -name-</p>",
            ReplyTo = new SendGridAddress("reply@example.org"),
        };
        var p1 = new SendGridPersonalization(new SendGridAddress("anna@example.com", "Anna"));
        p1.Substitutions["-name-"] = "Anna";
        var p2 = new SendGridPersonalization(new SendGridAddress("ben@example.com"));
        p2.Substitutions["-name-"] = "Ben";
        mail.Personalizations.Add(p1);
        mail.Personalizations.Add(p2);
        mail.Categories.Add("breach-notice");
        mail.CustomArgs["incident_id"] = "inc-1";
        mail.CustomArgs["job_id"] = "job-9";

        var response = await client.SendMailAsync(mail);

        Assert.Equal(202, response.GetRawResponse().Status);
        Assert.Equal("abc123", response.Value.MessageId);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(new Uri("https://api.sendgrid.com/v3/mail/send"), request.OriginalUrl);
        Assert.Equal("/v3/mail/send", request.Url.AbsolutePath);
        Assert.Equal("Bearer " + ApiKey, request.Header("Authorization"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);

        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        var personalizations = root.GetProperty("personalizations");
        Assert.Equal(2, personalizations.GetArrayLength());
        Assert.Equal("anna@example.com", personalizations[0].GetProperty("to")[0].GetProperty("email").GetString());
        Assert.Equal("Anna", personalizations[0].GetProperty("to")[0].GetProperty("name").GetString());
        Assert.Equal("Anna", personalizations[0].GetProperty("substitutions").GetProperty("-name-").GetString());
        Assert.False(personalizations[1].GetProperty("to")[0].TryGetProperty("name", out _));
        Assert.Equal("Ben", personalizations[1].GetProperty("substitutions").GetProperty("-name-").GetString());
        Assert.Equal("dpo@example.org", root.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("Data Protection", root.GetProperty("from").GetProperty("name").GetString());
        Assert.Equal("reply@example.org", root.GetProperty("reply_to").GetProperty("email").GetString());
        Assert.Equal("Hello -name-", root.GetProperty("subject").GetString());
        var content = root.GetProperty("content");
        Assert.Equal("text/plain", content[0].GetProperty("type").GetString());
        Assert.Equal("Dear -name-", content[0].GetProperty("value").GetString());
        Assert.Equal("text/html", content[1].GetProperty("type").GetString());
        Assert.Equal(["breach-notice"], root.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("inc-1", root.GetProperty("custom_args").GetProperty("incident_id").GetString());
        Assert.Equal("job-9", root.GetProperty("custom_args").GetProperty("job_id").GetString());
        Assert.False(root.TryGetProperty("mail_settings", out _));
    }

    [Fact]
    public async Task Eu_region_and_sandbox_mode_change_host_and_body()
    {
        using var server = new LoopbackHttpServer(new FakeResponse(200));
        var options = Options(server);
        options.Region = SendGridRegion.EU;
        options.SandboxMode = true;
        var client = new SendGridClient(options);

        var response = await client.SendMailAsync(Mail("a@example.com"));

        Assert.Equal(200, response.Value.Status);
        Assert.Null(response.Value.MessageId);
        var request = Assert.Single(server.Requests);
        Assert.Equal(new Uri("https://api.eu.sendgrid.com/v3/mail/send"), request.OriginalUrl);
        using var json = JsonDocument.Parse(request.Body);
        Assert.True(json.RootElement.GetProperty("mail_settings").GetProperty("sandbox_mode").GetProperty("enable").GetBoolean());
    }

    [Theory]
    [InlineData(400, "BadRequest")]
    [InlineData(401, "Unauthorized")]
    [InlineData(403, "Forbidden")]
    [InlineData(413, "PayloadTooLarge")]
    public async Task Client_errors_are_not_retried_and_carry_status_and_code(int status, string code)
    {
        using var server = new LoopbackHttpServer(new FakeResponse(
            status,
            """{"errors":[{"message":"Does not contain a valid address: anna@example.com","field":"personalizations.0.to.0.email"}]}""",
            new Dictionary<string, string> { ["Content-Type"] = "application/json" }));
        var client = new SendGridClient(Options(server));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendMailAsync(Mail("anna@example.com")));

        Assert.Equal(status, ex.Status);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Contains("personalizations.0.to.0.email", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("anna@example.com", ex.ToString(), StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Server_errors_are_retried_by_the_pipeline()
    {
        using var server = LoopbackHttpServer.Sequence(new FakeResponse(500), new FakeResponse(503), Accepted("after-retry"));
        var client = new SendGridClient(Options(server));

        var response = await client.SendMailAsync(Mail("a@example.com"));

        Assert.Equal("after-retry", response.Value.MessageId);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + ApiKey, r.Header("Authorization")));
        Assert.All(server.Requests, r => Assert.Equal(server.Requests[0].Body, r.Body));
    }

    [Fact]
    public async Task Server_errors_after_all_retries_throw_with_the_status()
    {
        using var server = new LoopbackHttpServer(new FakeResponse(502));
        var client = new SendGridClient(Options(server));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendMailAsync(Mail("a@example.com")));

        Assert.Equal(502, ex.Status);
        Assert.Equal(3, server.Requests.Count); // first try + MaxRetries (2)
    }

    [Fact]
    public async Task Rate_limit_within_max_wait_waits_until_reset_then_succeeds()
    {
        var time = new AutoAdvanceTimeProvider();
        var reset = time.GetUtcNow().AddSeconds(7).ToUnixTimeSeconds();
        using var server = LoopbackHttpServer.Sequence(
            new FakeResponse(429, """{"errors":[{"field":null,"message":"too many requests"}]}""",
                new Dictionary<string, string> { ["X-RateLimit-Reset"] = reset.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            Accepted("after-429"));
        var client = new SendGridClient(Options(server, time));

        var response = await client.SendMailAsync(Mail("a@example.com"));

        Assert.Equal("after-429", response.Value.MessageId);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
    }

    [Fact]
    public async Task Rate_limit_beyond_max_wait_throws_with_retry_after_and_does_not_wait()
    {
        var time = new AutoAdvanceTimeProvider();
        var resetAt = time.GetUtcNow().AddMinutes(2);
        using var server = new LoopbackHttpServer(new FakeResponse(429, null,
            new Dictionary<string, string> { ["X-RateLimit-Reset"] = resetAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var client = new SendGridClient(Options(server, time));

        var ex = await Assert.ThrowsAsync<SendGridRateLimitedException>(() => client.SendMailAsync(Mail("a@example.com")));

        Assert.Equal(429, ex.Status);
        Assert.Equal(TimeSpan.FromMinutes(2), ex.RetryAfter);
        Assert.Equal(resetAt, ex.ResetAt);
        Assert.Single(server.Requests);
        Assert.Empty(time.Delays);
    }

    [Fact]
    public async Task Rate_limit_waits_are_bounded_by_max_retries()
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer((_, _) => new FakeResponse(429, null,
            new Dictionary<string, string> { ["X-RateLimit-Reset"] = time.GetUtcNow().AddSeconds(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var options = Options(server, time);
        options.RateLimitMaxRetries = 2;
        var client = new SendGridClient(options);

        var ex = await Assert.ThrowsAsync<SendGridRateLimitedException>(() => client.SendMailAsync(Mail("a@example.com")));

        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(2, time.Delays.Count);
    }

    [Fact]
    public async Task Rate_limit_without_reset_header_throws_without_retry_after()
    {
        using var server = new LoopbackHttpServer(new FakeResponse(429));
        var client = new SendGridClient(Options(server));

        var ex = await Assert.ThrowsAsync<SendGridRateLimitedException>(() => client.SendMailAsync(Mail("a@example.com")));

        Assert.Null(ex.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Too_many_recipients_are_rejected_before_sending()
    {
        using var server = new LoopbackHttpServer(Accepted());
        var client = new SendGridClient(Options(server));
        var mail = Mail(Enumerable.Range(0, 1001).Select(i => $"r{i}@example.com").ToArray());

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.SendMailAsync(mail));

        Assert.Contains("1000", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Exactly_1000_recipients_are_accepted()
    {
        using var server = new LoopbackHttpServer(Accepted());
        var client = new SendGridClient(Options(server));
        var mail = Mail(Enumerable.Range(0, 1000).Select(i => $"r{i}@example.com").ToArray());

        await client.SendMailAsync(mail);

        using var json = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        Assert.Equal(1000, json.RootElement.GetProperty("personalizations").GetArrayLength());
    }

    [Fact]
    public async Task Duplicate_address_ignoring_case_is_rejected_without_naming_it()
    {
        using var server = new LoopbackHttpServer(Accepted());
        var client = new SendGridClient(Options(server));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.SendMailAsync(Mail("anna@example.com", "Anna@Example.COM")));

        Assert.Contains("personalizations[1].to[0]", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task More_than_ten_categories_are_rejected()
    {
        using var server = new LoopbackHttpServer(Accepted());
        var client = new SendGridClient(Options(server));
        var mail = Mail("a@example.com");
        for (var i = 0; i < 11; i++)
        {
            mail.Categories.Add("c" + i);
        }

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendMailAsync(mail));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Oversized_custom_args_are_rejected()
    {
        using var server = new LoopbackHttpServer(Accepted());
        var client = new SendGridClient(Options(server));
        var mail = Mail("a@example.com");
        mail.CustomArgs["blob"] = new string('x', 10_000);

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendMailAsync(mail));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Api_key_rotation_applies_to_the_next_request()
    {
        using var server = new LoopbackHttpServer(Accepted());
        var key = new AzureKeyCredential("SG.old");
        var client = new SendGridClient(key, Options(server));

        await client.SendMailAsync(Mail("a@example.com"));
        key.Update("SG.new");
        await client.SendMailAsync(Mail("a@example.com"));

        Assert.Equal(["Bearer SG.old", "Bearer SG.new"], server.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public void Options_without_api_key_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new SendGridClient(new SendGridClientOptions()));
    }
}
