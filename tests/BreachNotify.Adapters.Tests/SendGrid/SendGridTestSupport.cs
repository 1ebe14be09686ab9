using System.Globalization;
using System.Net;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Adapters.Tests.Fakes;
using BreachNotify.Application.Email;

namespace BreachNotify.Adapters.Tests.SendGrid;

internal static class SendGridTestSupport
{
    public const string ApiKey = "SG.test-key";
    public static readonly DateTimeOffset Start = new(2026, 11, 5, 9, 30, 0, TimeSpan.Zero);

    /// <summary>Test options: no back-off between 5xx retries (429 waits still follow the header).</summary>
    public static SendGridOptions Options(Action<SendGridOptions>? change = null)
    {
        var options = new SendGridOptions { ApiKey = ApiKey, MaxRetries = 2, RetryDelay = TimeSpan.Zero };
        change?.Invoke(options);
        return options;
    }

    /// <summary>The real SDK client pointed at the loopback fake, and our sender on it.</summary>
    public static SendGridEmailSender Sender(LoopbackHttpServer server, TimeProvider time, SendGridOptions? options = null, TimeSpan? timeout = null)
    {
        options ??= Options();
        return new SendGridEmailSender(SendGridEmailSender.CreateClient(options, server.CreateHttpClient(timeout)), options, time);
    }

    public static EmailRecipient Recipient(string address, string? name = null) =>
        new(new EmailAddress(address, name), name is null ? null : new Dictionary<string, string> { ["-name-"] = name });

    public static EmailMessage Message(params EmailRecipient[] recipients) => new(
        "job-42",
        new EmailAddress("dpo@example.org", "DPO"),
        "Breach notice for -name-",
        "Dear -name-",
        "<p>Dear -name-</p>",
        recipients.Length == 0 ? [Recipient("anna@example.com", "Anna")] : recipients,
        ReplyTo: new EmailAddress("privacy@example.org"),
        CustomArgs: new Dictionary<string, string> { ["incident_id"] = "inc-7", ["notification_id"] = "n-3", ["job_id"] = "job-42" },
        Categories: ["breach-notice"],
        Language: "de");

    public static EmailMessage Many(int count) =>
        Message(Enumerable.Range(0, count).Select(i => Recipient($"r{i}@example.com")).ToArray());

    public static FakeResponse Accepted(string messageId = "msg-1") =>
        new(202, headers: new Dictionary<string, string> { ["X-Message-Id"] = messageId });

    public static FakeResponse RateLimited(DateTimeOffset reset) =>
        new(429, """{"errors":[{"field":null,"message":"too many requests"}]}""",
            new Dictionary<string, string> { ["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ["Content-Type"] = "application/json" });

    /// <summary>
    /// Advances the fake clock one second at a time until <paramref name="task"/> ends (the sender's waits are timers on
    /// that clock), checking <paramref name="whileWaiting"/> before every step. Bounded: fails after 600 steps.
    /// </summary>
    public static async Task<T> AdvanceUntilDoneAsync<T>(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, Task<T> task, Action? whileWaiting = null)
    {
        for (var step = 0; step < 600 && !task.IsCompleted; step++)
        {
            await Task.WhenAny(task, Task.Delay(5));
            if (task.IsCompleted) break;
            whileWaiting?.Invoke();
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.True(task.IsCompleted, "the send did not finish within 600 simulated seconds");
        return await task;
    }

    public static global::SendGrid.Response SdkResponse(HttpStatusCode status, string? body = null, params (string Name, string Value)[] headers)
    {
        using var message = new HttpResponseMessage(status);
        foreach (var (name, value) in headers) message.Headers.TryAddWithoutValidation(name, value);
        return new global::SendGrid.Response(status, body is null ? null : new StringContent(body), message.Headers);
    }
}
