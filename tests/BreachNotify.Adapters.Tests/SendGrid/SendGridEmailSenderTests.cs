using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Application.Email;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SendGrid;
using SendGrid.Helpers.Mail;
using static BreachNotify.Adapters.Tests.SendGrid.SendGridTestSupport;

namespace BreachNotify.Adapters.Tests.SendGrid;

/// <summary>Our logic around a substituted <see cref="ISendGridClient"/>: what is handed to the SDK, retries, classification.</summary>
public class SendGridEmailSenderTests
{
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ISendGridClient _client = Substitute.For<ISendGridClient>();
    private readonly List<string> _sent = [];

    private SendGridEmailSender Sender(Action<SendGridOptions>? change = null) => new(_client, Options(change), _time);

    private Task<global::SendGrid.Response> Request() =>
        _client.RequestAsync(Arg.Any<BaseClient.Method>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>());

    /// <summary>Answers mail-send posts in turn, recording each body (anything else the client is asked is a failure).</summary>
    private void Answer(params global::SendGrid.Response[] responses)
    {
        var i = 0;
        Request().Returns(call =>
        {
            Assert.Equal(BaseClient.Method.POST, call.ArgAt<BaseClient.Method>(0));
            Assert.Equal("mail/send", call.ArgAt<string>(3));
            Assert.Null(call.ArgAt<string>(2));
            lock (_sent) _sent.Add(call.ArgAt<string>(1));
            return Task.FromResult(responses[Math.Min(i++, responses.Length - 1)]);
        });
    }

    [Fact]
    public async Task One_personalization_per_recipient_with_ids_only_in_custom_args()
    {
        Answer(SdkResponse(HttpStatusCode.Accepted, null, ("X-Message-Id", "m-1")));

        var result = await Sender(o => o.SandboxMode = true).SendAsync(Message(Recipient("anna@example.com", "Anna"), Recipient("ben@example.com", "Ben")));

        Assert.Equal("m-1", result.ProviderMessageId);
        using var body = JsonDocument.Parse(Assert.Single(_sent));
        var mail = body.RootElement;
        var personalizations = mail.GetProperty("personalizations").EnumerateArray().ToList();
        Assert.Equal(["anna@example.com", "ben@example.com"], personalizations.Select(p => Assert.Single(p.GetProperty("to").EnumerateArray()).GetProperty("email").GetString()));
        Assert.Equal("Ben", personalizations[1].GetProperty("substitutions").GetProperty("-name-").GetString());
        Assert.Equal(["incident_id", "job_id", "notification_id"], mail.GetProperty("custom_args").EnumerateObject().Select(p => p.Name).Order());
        Assert.All(personalizations, p => Assert.False(p.TryGetProperty("custom_args", out _)));
        Assert.Equal(["breach-notice"], mail.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.True(mail.GetProperty("mail_settings").GetProperty("sandbox_mode").GetProperty("enable").GetBoolean());
    }

    [Fact]
    public async Task The_body_is_what_the_SDKs_own_serializer_writes_for_the_same_message()
    {
        Answer(SdkResponse(HttpStatusCode.Accepted));
        var message = Message(Recipient("anna@example.com", "Änna \"the\" <b>&'"), Recipient(" ben@example.com "), Recipient("cleo@example.com", "Cléo ✓ 😀"));

        await Sender(o => o.SandboxMode = true).SendAsync(message);

        // The same message through the SDK's SendGridMessage and its Newtonsoft serialization (what SendEmailAsync posts).
        var sdk = new SendGridMessage
        {
            From = new global::SendGrid.Helpers.Mail.EmailAddress("dpo@example.org", "DPO"),
            Subject = message.Subject,
            PlainTextContent = message.TextBody,
            HtmlContent = message.HtmlBody,
            ReplyTo = new global::SendGrid.Helpers.Mail.EmailAddress("privacy@example.org"),
            Personalizations = message.Recipients.Select(r => new Personalization
            {
                Tos = [new global::SendGrid.Helpers.Mail.EmailAddress(r.To.Address.Trim(), r.To.Name)],
                Substitutions = r.Substitutions?.ToDictionary(),
            }).ToList(),
            CustomArgs = message.CustomArgs!.ToDictionary(),
            Categories = [.. message.Categories!],
            Headers = new Dictionary<string, string> { ["Content-Language"] = "de" },
        };
        sdk.SetSandBoxMode(true);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sdk.Serialize()), JsonNode.Parse(Assert.Single(_sent))), Assert.Single(_sent));
    }

    [Fact]
    public async Task Documented_limits_are_checked_before_the_client_is_called()
    {
        Answer(SdkResponse(HttpStatusCode.Accepted));
        var sender = Sender();

        await Assert.ThrowsAsync<EmailPermanentException>(() => sender.SendAsync(Many(1001)));
        await Assert.ThrowsAsync<EmailPermanentException>(() => sender.SendAsync(Message() with { Categories = Enumerable.Range(0, 11).Select(i => "c" + i).ToList() }));
        await Assert.ThrowsAsync<EmailPermanentException>(() => sender.SendAsync(Message() with { CustomArgs = new Dictionary<string, string> { ["blob"] = new string('x', 10_000) } }));

        Assert.Empty(_sent);
    }

    [Fact]
    public async Task A_recipient_that_cannot_be_sent_is_left_out_alone_and_the_rest_is_sent()
    {
        Answer(SdkResponse(HttpStatusCode.Accepted));

        var result = await Sender().SendAsync(Message(Recipient("a@example.com"), Recipient(" A@example.com"), Recipient("b@example.com\r\nBcc: x@example.net"),
            Recipient("c@" + new string('é', 63) + ".de"), Recipient("d@bücher.de")));

        Assert.Equal([1, 2, 3], result.Refused.Select(r => r.Index));
        Assert.All(result.Refused, r => Assert.DoesNotContain("@", r.Reason, StringComparison.Ordinal));
        using var body = JsonDocument.Parse(Assert.Single(_sent));
        Assert.Equal(["a@example.com", "d@xn--bcher-kva.de"],
            body.RootElement.GetProperty("personalizations").EnumerateArray().Select(p => Assert.Single(p.GetProperty("to").EnumerateArray()).GetProperty("email").GetString()));
    }

    [Fact]
    public async Task When_no_recipient_can_be_sent_no_request_is_made()
    {
        Answer(SdkResponse(HttpStatusCode.Accepted));

        var result = await Sender().SendAsync(Message(Recipient("c@" + new string('é', 63) + ".de")));

        Assert.Null(result.ProviderMessageId);
        Assert.Single(result.Refused);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task A_429_without_a_reset_is_transient_at_once()
    {
        Answer(SdkResponse(HttpStatusCode.TooManyRequests));

        var ex = await Assert.ThrowsAsync<EmailTransientException>(() => Sender().SendAsync(Message()));

        Assert.Equal(429, ex.StatusCode);
        Assert.Null(ex.RetryAfter);
        Assert.Single(_sent);
    }

    [Fact]
    public async Task Rate_limits_are_waited_out_at_most_RateLimitMaxRetries_times()
    {
        var reset = Start.AddSeconds(2).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Answer(SdkResponse(HttpStatusCode.TooManyRequests, null, ("X-RateLimit-Reset", reset)));

        var send = Sender(o => o.RateLimitMaxRetries = 2).SendAsync(Message());
        var ex = await Assert.ThrowsAsync<EmailTransientException>(() => AdvanceUntilDoneAsync(_time, send));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(3, _sent.Count); // the first try and two waits
    }

    [Fact]
    public async Task Retry_After_is_honoured_when_X_RateLimit_Reset_is_missing()
    {
        Answer(SdkResponse(HttpStatusCode.TooManyRequests, null, ("Retry-After", "5")), SdkResponse(HttpStatusCode.Accepted, null, ("X-Message-Id", "later")));

        var send = Sender().SendAsync(Message());
        var result = await AdvanceUntilDoneAsync(_time, send, () => { if (_time.GetUtcNow() < Start.AddSeconds(5)) Assert.True(_sent.Count <= 1, "sent again before Retry-After"); });

        Assert.Equal("later", result.ProviderMessageId);
        Assert.True(_time.GetUtcNow() >= Start.AddSeconds(5));
    }

    [Fact]
    public async Task Exponential_back_off_between_5xx_retries_runs_on_the_injected_clock()
    {
        Answer(SdkResponse(HttpStatusCode.ServiceUnavailable), SdkResponse(HttpStatusCode.ServiceUnavailable), SdkResponse(HttpStatusCode.Accepted));

        var send = Sender(o => { o.MaxRetries = 2; o.RetryDelay = TimeSpan.FromSeconds(4); }).SendAsync(Message());
        await AdvanceUntilDoneAsync(_time, send, () =>
        {
            var now = _time.GetUtcNow();
            if (now < Start.AddSeconds(4)) Assert.True(_sent.Count <= 1);     // 4 s before the first retry
            else if (now < Start.AddSeconds(4 + 8)) Assert.True(_sent.Count <= 2); // then 8 s
        });

        Assert.Equal(3, _sent.Count);
    }

    [Fact]
    public async Task Transport_failures_are_retried_and_end_transient()
    {
        Request().ThrowsAsync(new HttpRequestException("connection refused"));

        await Assert.ThrowsAsync<EmailTransientException>(() => Sender(o => o.MaxRetries = 2).SendAsync(Message()));

        await _client.Received(3).RequestAsync(Arg.Any<BaseClient.Method>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, false)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    public async Task Statuses_are_classified_as_before(HttpStatusCode status, bool transient)
    {
        Answer(SdkResponse(status, """{"errors":[{"message":"x","field":"from.email"}]}"""));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Sender(o => o.MaxRetries = 0).SendAsync(Message()));

        if (transient) Assert.Equal((int)status, Assert.IsType<EmailTransientException>(ex).StatusCode);
        else Assert.Equal((int)status, Assert.IsType<EmailPermanentException>(ex).StatusCode);
    }
}
