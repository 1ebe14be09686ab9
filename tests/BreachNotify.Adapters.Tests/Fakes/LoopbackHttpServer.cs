using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BreachNotify.Adapters.Tests.Fakes;

/// <summary>A request as the loopback server saw it.</summary>
public sealed record RecordedRequest(
    string Method,
    Uri Url,
    Uri? OriginalUrl,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A scripted answer. <see cref="Hold"/> withholds the answer until the server is disposed (provokes client timeouts).</summary>
public sealed class FakeResponse
{
    public FakeResponse(int status, string? body = null, IDictionary<string, string>? headers = null)
    {
        Status = status;
        Body = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (headers is not null)
        {
            foreach (var (key, value) in headers)
            {
                Headers[key] = value;
            }
        }
    }

    public int Status { get; }

    public byte[] Body { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Hold { get; init; }
}

/// <summary>
/// HTTP server on <c>http://127.0.0.1:{free port}/</c> (System.Net.HttpListener) that records every request and answers
/// from a handler. Clients keep their real https URLs: <see cref="CreateHttpClient"/> rewrites scheme/host/port to this
/// server and passes the original URL in <see cref="OriginalUriHeader"/>.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    public const string OriginalUriHeader = "X-Test-Original-Uri";

    private readonly HttpListener _listener;
    private readonly Func<RecordedRequest, int, FakeResponse> _handler;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private int _count;

    /// <param name="handler">Gets the request and its zero-based index.</param>
    public LoopbackHttpServer(Func<RecordedRequest, int, FakeResponse> handler)
    {
        _handler = handler;
        HttpListener? listener = null;
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }

        _listener = listener;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Answers every request with the same response.</summary>
    public LoopbackHttpServer(FakeResponse response) : this((_, _) => response) { }

    /// <summary>Answers requests in order with these responses; the last one repeats.</summary>
    public static LoopbackHttpServer Sequence(params FakeResponse[] responses) =>
        new((_, i) => responses[Math.Min(i, responses.Length - 1)]);

    public Uri BaseUri { get; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>An HttpClient for an SDK that takes one (e.g. SendGrid's): its requests reach this server.</summary>
    public HttpClient CreateHttpClient(TimeSpan? timeout = null) =>
        new(new RedirectToLoopbackHandler(BaseUri) { InnerHandler = new SocketsHttpHandler() }) { Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _released.TrySetResult();
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string? name in context.Request.Headers.AllKeys)
            {
                if (name is not null)
                {
                    headers[name] = context.Request.Headers[name] ?? string.Empty;
                }
            }

            var original = headers.TryGetValue(OriginalUriHeader, out var o) ? new Uri(o) : null;
            var recorded = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!, original, headers, body.ToArray());
            var index = Interlocked.Increment(ref _count) - 1;
            _requests.Enqueue(recorded);

            FakeResponse answer;
            try
            {
                answer = _handler(recorded, index);
            }
            catch (Exception ex)
            {
                answer = new FakeResponse(599, "fake handler threw: " + ex.Message);
            }

            if (answer.Hold)
            {
                await _released.Task.ConfigureAwait(false);
                context.Response.Abort();
                return;
            }

            context.Response.StatusCode = answer.Status;
            foreach (var (key, value) in answer.Headers)
            {
                if (string.Equals(key, "Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.ContentType = value;
                }
                else
                {
                    context.Response.Headers[key] = value;
                }
            }

            context.Response.ContentLength64 = answer.Body.Length;
            await context.Response.OutputStream.WriteAsync(answer.Body).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class RedirectToLoopbackHandler(Uri loopback) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var original = request.RequestUri!;
            request.Headers.TryAddWithoutValidation(OriginalUriHeader, original.AbsoluteUri);
            request.RequestUri = new UriBuilder(original) { Scheme = loopback.Scheme, Host = loopback.Host, Port = loopback.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
