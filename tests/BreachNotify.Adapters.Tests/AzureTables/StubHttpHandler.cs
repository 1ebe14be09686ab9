using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace BreachNotify.Adapters.Tests.AzureTables;

/// <summary>A recorded request as it left the pipeline (after retries' re-signing).</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>An HttpMessageHandler that records requests and answers from a script (the last answer repeats).</summary>
public sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly Queue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? _last;

    public List<RecordedRequest> Requests { get; } = [];

    public StubHttpHandler Then(Func<RecordedRequest, HttpResponseMessage> answer)
    {
        _script.Enqueue((r, _) => Task.FromResult(answer(r)));
        return this;
    }

    /// <summary>Never answers: the attempt ends only when the pipeline's network timeout cancels it.</summary>
    public StubHttpHandler ThenHang()
    {
        _script.Enqueue(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    public StubHttpHandler Then(HttpStatusCode status, string? body = null, params (string Name, string Value)[] headers)
        => Then(_ => Response(status, body, headers));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers) headers[h.Key] = string.Join(",", h.Value);
        var body = string.Empty;
        if (request.Content is not null)
        {
            foreach (var h in request.Content.Headers) headers[h.Key] = string.Join(",", h.Value);
            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        Requests.Add(recorded);
        if (_script.Count > 0) _last = _script.Dequeue();
        var response = await (_last ?? throw new InvalidOperationException("No scripted answer."))(recorded, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Response(HttpStatusCode status, string? body = null, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status);
        if (body is not null) response.Content = new StringContent(body, Encoding.UTF8, "application/json");
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.Content ??= new StringContent(string.Empty);
                response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content ??= new StringContent(string.Empty);
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return response;
    }

    public static string Error(string code, string message)
        => "{\"odata.error\":{\"code\":\"" + code + "\",\"message\":{\"lang\":\"en-US\",\"value\":\"" + message + "\"}}}";
}

/// <summary>The official Table client wired to a <see cref="StubHttpHandler"/> with near-zero retry delays.</summary>
public static class StubClients
{
    public const string Account = "acct";
    public static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 64).Select(i => (byte)i).ToArray());
    public static readonly Uri Endpoint = new("https://acct.table.core.windows.net");

    public static TableClientOptions Options(StubHttpHandler handler, int maxRetries = 3)
    {
        var options = new TableClientOptions { Transport = new HttpClientTransport(handler) };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(1);
        return options;
    }

    public static TableServiceClient Service(StubHttpHandler handler, int maxRetries = 3)
        => new(Endpoint, new TableSharedKeyCredential(Account, Key), Options(handler, maxRetries));
}
