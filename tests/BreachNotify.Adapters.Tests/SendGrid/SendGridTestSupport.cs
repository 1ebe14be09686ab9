using Azure.Core;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Adapters.Tests.Fakes;

namespace BreachNotify.Adapters.Tests.SendGrid;

internal static class SendGridTestSupport
{
    public const string ApiKey = "SG.test-key";

    public static SendGridClientOptions Options(LoopbackHttpServer server, TimeProvider? time = null)
    {
        var options = new SendGridClientOptions
        {
            ApiKey = ApiKey,
            Transport = server.CreateTransport(),
            TimeProvider = time ?? new AutoAdvanceTimeProvider(),
        };
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        return options;
    }

    public static SendGridMail Mail(params string[] recipients)
    {
        var mail = new SendGridMail(new SendGridAddress("dpo@example.org", "DPO"), "Notice")
        {
            PlainTextContent = "text",
            HtmlContent = "<p>html</p>",
        };
        foreach (var recipient in recipients)
        {
            mail.Personalizations.Add(new SendGridPersonalization(new SendGridAddress(recipient)));
        }

        return mail;
    }

    public static FakeResponse Accepted(string messageId = "msg-1") =>
        new(202, headers: new Dictionary<string, string> { ["X-Message-Id"] = messageId });
}
