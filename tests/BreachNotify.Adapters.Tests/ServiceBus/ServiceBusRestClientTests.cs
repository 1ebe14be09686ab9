using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using BreachNotify.Adapters.ServiceBus;
using BreachNotify.Adapters.Tests.Fakes;

namespace BreachNotify.Adapters.Tests.ServiceBus;

public class ServiceBusRestClientTests
{
    internal const string ConnectionString =
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWtleQ==;EntityPath=notices";

    internal static FakeResponse Created => new(201);

    internal static ServiceBusRestClientOptions Options(LoopbackHttpServer server, AutoAdvanceTimeProvider? time = null)
    {
        var options = new ServiceBusRestClientOptions
        {
            Transport = server.CreateTransport(),
            TimeProvider = time ?? new AutoAdvanceTimeProvider(),
        };
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        return options;
    }

    private static Dictionary<string, string> ParseSas(string header)
    {
        Assert.StartsWith("SharedAccessSignature ", header, StringComparison.Ordinal);
        return header["SharedAccessSignature ".Length..].Split('&')
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
    }

    [Fact]
    public void Sas_token_matches_an_independently_computed_vector()
    {
        // Expected value computed outside .NET:
        //   printf '%s\n%s' 'https%3A%2F%2Fcontoso.servicebus.windows.net%2Fnotices' 1762338600 \
        //     | openssl dgst -sha256 -hmac 'c2VjcmV0LWtleQ==' -binary | base64
        var token = ServiceBusSharedAccessSignature.Create(
            "https://contoso.servicebus.windows.net/notices", "send", "c2VjcmV0LWtleQ==", DateTimeOffset.FromUnixTimeSeconds(1762338600));

        Assert.Equal(
            "SharedAccessSignature sr=https%3A%2F%2Fcontoso.servicebus.windows.net%2Fnotices" +
            "&sig=v%2Bo6fPjuypCtKEBjB6FIErdnmmJ4FrRMuXl8U%2F2RKCo%3D&se=1762338600&skn=send",
            token);
    }

    [Fact]
    public void Connection_string_is_parsed_keeping_base64_padding()
    {
        var parsed = ServiceBusConnectionString.Parse(ConnectionString);

        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/"), parsed.Endpoint);
        Assert.Equal("send", parsed.KeyName);
        Assert.Equal("c2VjcmV0LWtleQ==", parsed.Key);
        Assert.Equal("notices", parsed.EntityPath);
    }

    [Theory]
    [InlineData("SharedAccessKeyName=a;SharedAccessKey=b")]
    [InlineData("Endpoint=sb://x.servicebus.windows.net/;SharedAccessKey=b")]
    [InlineData("garbage")]
    public void Bad_connection_strings_are_rejected(string connectionString)
    {
        Assert.Throws<FormatException>(() => ServiceBusConnectionString.Parse(connectionString));
    }

    [Fact]
    public async Task Send_posts_payload_with_broker_properties_and_sas()
    {
        var time = new AutoAdvanceTimeProvider();
        using var server = new LoopbackHttpServer(Created);
        var client = new ServiceBusRestClient(ConnectionString, Options(server, time));
        var scheduled = new DateTimeOffset(2026, 11, 6, 8, 0, 5, TimeSpan.FromHours(1));

        var response = await client.SendAsync(new ServiceBusRestMessage("job-1", """{"jobId":"job-1"}""") { ScheduledEnqueueTime = scheduled });

        Assert.Equal(201, response.Status);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/notices/messages"), request.OriginalUrl);
        Assert.Equal("""{"jobId":"job-1"}""", request.BodyText);
        Assert.Equal("""{"MessageId":"job-1","ScheduledEnqueueTimeUtc":"Fri, 06 Nov 2026 07:00:05 GMT"}""", request.Header("BrokerProperties"));

        var sas = ParseSas(request.Header("Authorization")!);
        var expiry = time.GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(WebUtility.UrlEncode("https://contoso.servicebus.windows.net/notices"), sas["sr"]);
        Assert.Equal(expiry, sas["se"]);
        Assert.Equal("send", sas["skn"]);
        var expectedSig = Convert.ToBase64String(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("c2VjcmV0LWtleQ=="), Encoding.UTF8.GetBytes(sas["sr"] + "\n" + expiry)));
        Assert.Equal(expectedSig, WebUtility.UrlDecode(sas["sig"]));
    }

    [Fact]
    public async Task Entra_credential_sends_bearer_token_for_the_service_bus_scope()
    {
        using var server = new LoopbackHttpServer(Created);
        var credential = new FakeTokenCredential("token-abc");
        var options = Options(server);
        options.FullyQualifiedNamespace = "contoso";
        options.QueueName = "notices";
        var client = new ServiceBusRestClient(credential, options);

        await client.SendAsync(new ServiceBusRestMessage("job-1", "{}"));

        var request = Assert.Single(server.Requests);
        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/notices/messages"), request.OriginalUrl);
        Assert.Equal("Bearer token-abc", request.Header("Authorization"));
        Assert.Equal(["https://servicebus.azure.net/.default"], Assert.Single(credential.RequestedScopes.Distinct(new ScopesComparer())));
    }

    [Fact]
    public async Task Batch_uses_the_servicebus_json_format()
    {
        using var server = new LoopbackHttpServer(Created);
        var client = new ServiceBusRestClient(ConnectionString, Options(server));
        var scheduled = new DateTimeOffset(2026, 11, 6, 7, 0, 0, TimeSpan.Zero);

        var responses = await client.SendBatchAsync(
        [
            new ServiceBusRestMessage("job-1", """{"jobId":"job-1"}"""),
            new ServiceBusRestMessage("job-2", """{"jobId":"job-2"}""") { ScheduledEnqueueTime = scheduled },
        ]);

        Assert.Single(responses);
        var request = Assert.Single(server.Requests);
        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/notices/messages"), request.OriginalUrl);
        Assert.Equal("application/vnd.microsoft.servicebus.json", request.Header("Content-Type"));
        Assert.Null(request.Header("BrokerProperties"));
        Assert.StartsWith("SharedAccessSignature ", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal(
            """[{"Body":"{\u0022jobId\u0022:\u0022job-1\u0022}","BrokerProperties":{"MessageId":"job-1"},"UserProperties":{}},""" +
            """{"Body":"{\u0022jobId\u0022:\u0022job-2\u0022}","BrokerProperties":{"MessageId":"job-2","ScheduledEnqueueTimeUtc":"Fri, 06 Nov 2026 07:00:00 GMT"},"UserProperties":{}}]""",
            request.BodyText);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("""{"jobId":"job-1"}""", json.RootElement[0].GetProperty("Body").GetString());
    }

    [Fact]
    public async Task Batch_is_split_into_at_most_100_messages_per_request_in_order()
    {
        using var server = new LoopbackHttpServer(Created);
        var client = new ServiceBusRestClient(ConnectionString, Options(server));
        var messages = Enumerable.Range(0, 250).Select(i => new ServiceBusRestMessage($"job-{i}", "{}")).ToList();

        var responses = await client.SendBatchAsync(messages);

        Assert.Equal(3, responses.Count);
        var ids = server.Requests.Select(r =>
        {
            using var json = JsonDocument.Parse(r.Body);
            return json.RootElement.EnumerateArray().Select(e => e.GetProperty("BrokerProperties").GetProperty("MessageId").GetString()!).ToList();
        }).ToList();
        Assert.Equal([100, 100, 50], ids.Select(b => b.Count));
        Assert.Equal(messages.Select(m => m.MessageId), ids.SelectMany(b => b));
    }

    [Fact]
    public async Task Batch_is_split_by_size()
    {
        using var server = new LoopbackHttpServer(Created);
        var client = new ServiceBusRestClient(ConnectionString, Options(server));
        var body = new string('x', 100_000);
        var messages = Enumerable.Range(0, 5).Select(i => new ServiceBusRestMessage($"job-{i}", body)).ToList();

        await client.SendBatchAsync(messages);

        Assert.Equal(3, server.Requests.Count); // 2 + 2 + 1 under the 250,000-byte default
        Assert.All(server.Requests, r => Assert.True(r.Body.Length <= 250_000));
    }

    [Fact]
    public async Task Message_too_large_for_any_request_is_rejected_before_sending()
    {
        using var server = new LoopbackHttpServer(Created);
        var client = new ServiceBusRestClient(ConnectionString, Options(server));

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendBatchAsync(
            [new ServiceBusRestMessage("ok", "{}"), new ServiceBusRestMessage("huge", new string('x', 300_000))]));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Message_id_longer_than_128_is_rejected()
    {
        using var server = new LoopbackHttpServer(Created);
        var client = new ServiceBusRestClient(ConnectionString, Options(server));

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendBatchAsync([new ServiceBusRestMessage(new string('a', 129), "{}")]));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Server_error_is_retried_then_succeeds_with_identical_request()
    {
        using var server = LoopbackHttpServer.Sequence(new FakeResponse(500), Created);
        var client = new ServiceBusRestClient(ConnectionString, Options(server));

        var responses = await client.SendBatchAsync([new ServiceBusRestMessage("job-1", "{}")]);

        Assert.Equal(201, Assert.Single(responses).Status);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(server.Requests[0].Body, server.Requests[1].Body);
    }

    [Fact]
    public async Task Unauthorized_is_not_retried_and_reports_status_and_detail()
    {
        using var server = new LoopbackHttpServer(new FakeResponse(401,
            "<Error><Code>401</Code><Detail>InvalidSignature: The token has an invalid signature. TrackingId:abc</Detail></Error>",
            new Dictionary<string, string> { ["Content-Type"] = "application/xml; charset=utf-8" }));
        var client = new ServiceBusRestClient(ConnectionString, Options(server));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendBatchAsync([new ServiceBusRestMessage("job-1", "{\"secret\":1}")]));

        Assert.Equal(401, ex.Status);
        Assert.Equal("Unauthorized", ex.ErrorCode);
        Assert.Contains("InvalidSignature", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public void Missing_queue_name_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ServiceBusRestClient(
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k"));
    }

    private sealed class ScopesComparer : IEqualityComparer<string[]>
    {
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(string[] obj) => string.Join(' ', obj).GetHashCode(StringComparison.Ordinal);
    }
}
