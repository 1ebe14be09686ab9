using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BreachNotify.FunctionApp.Tests.Fakes;

/// <summary>
/// A loopback SendGrid v3 mail-send endpoint (Kestrel, <c>POST /v3/mail/send</c>) that checks each request as SendGrid
/// documents it (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send): a known Bearer key, 1 to 1000
/// personalizations, each address once, addresses in ASCII (an address it cannot take is a 400 naming its
/// personalization, as SendGrid answers), <c>custom_args</c> present. It counts what it accepted: requests, recipients,
/// and (when asked) the copies each address got and the recipients accepted per key and job. The requests of one key can
/// be held, as a provider that stalls, and then dropped without being accepted (the sender died waiting).
/// Used by the tests and, linked, by the sending benchmark.
/// </summary>
public sealed class SendGridFake : IAsyncDisposable
{
    public const string ApiKey = "SG.fake-key";

    private readonly WebApplication _app;
    private readonly TimeSpan _latency;
    private readonly HashSet<string> _keys;
    private readonly bool _countAddresses;
    private readonly ConcurrentDictionary<string, int> _copies = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Key, string Job), int> _acceptedByJob = new();
    private readonly Dictionary<string, KeyState> _state = new(StringComparer.Ordinal);
    private long _requests, _recipients, _rejected;

    private sealed class KeyState
    {
        public int Accepted;
        public int? HoldAfter;
        public int Held;
        public TaskCompletionSource Drop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private SendGridFake(WebApplication app, TimeSpan latency, IEnumerable<string> keys, bool countAddresses)
    {
        _app = app;
        _latency = latency;
        _keys = new HashSet<string>(keys, StringComparer.Ordinal);
        _countAddresses = countAddresses;
        foreach (var key in _keys) _state[key] = new KeyState();
    }

    public Uri BaseUri { get; private set; } = null!;
    public long Requests => Interlocked.Read(ref _requests);
    public long Recipients => Interlocked.Read(ref _recipients);
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Copies accepted per address (lower-cased), when started with <c>countAddresses</c>.</summary>
    public IReadOnlyDictionary<string, int> CopiesPerAddress => _copies;

    /// <param name="apiKeys">The keys it accepts (default <see cref="ApiKey"/>); one per instance tells instances apart.</param>
    /// <param name="countAddresses">Keep a count per address and per key and job (memory grows with the recipients).</param>
    public static async Task<SendGridFake> StartAsync(TimeSpan latency = default, IEnumerable<string>? apiKeys = null, bool countAddresses = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new SendGridFake(app, latency, apiKeys ?? [ApiKey], countAddresses);
        app.MapPost("/v3/mail/send", fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUri = new Uri(app.Urls.First());
        return fake;
    }

    /// <summary>Recipients accepted per job (the <c>jobId</c> custom arg) from requests with <paramref name="apiKey"/>.</summary>
    public IReadOnlyDictionary<string, int> AcceptedByJob(string apiKey)
        => _acceptedByJob.Where(p => p.Key.Key == apiKey).ToDictionary(p => p.Key.Job, p => p.Value, StringComparer.Ordinal);

    /// <summary>Holds every request of <paramref name="apiKey"/> after its first <paramref name="acceptedRequests"/> accepted ones.</summary>
    public void HoldAfter(string apiKey, int acceptedRequests)
    {
        lock (_state) _state[apiKey].HoldAfter = acceptedRequests;
    }

    /// <summary>Requests of <paramref name="apiKey"/> being held now.</summary>
    public int Held(string apiKey)
    {
        lock (_state) return _state[apiKey].Held;
    }

    /// <summary>Ends the held requests of <paramref name="apiKey"/> with a 503, not accepted, and stops holding.</summary>
    public void DropHeld(string apiKey)
    {
        TaskCompletionSource drop;
        lock (_state)
        {
            var s = _state[apiKey];
            s.HoldAfter = null;
            drop = s.Drop;
            s.Drop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        drop.TrySetResult();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var auth = context.Request.Headers.Authorization.ToString();
        var key = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : "";
        if (!_keys.Contains(key))
        {
            Interlocked.Increment(ref _rejected);
            context.Response.StatusCode = 401;
            return;
        }
        using var doc = await JsonDocument.ParseAsync(context.Request.Body);
        var root = doc.RootElement;
        var addresses = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var personalizations = root.GetProperty("personalizations");
        for (var i = 0; i < personalizations.GetArrayLength(); i++)
        {
            foreach (var to in personalizations[i].GetProperty("to").EnumerateArray())
            {
                var email = to.GetProperty("email").GetString() ?? "";
                if (!email.Contains('@', StringComparison.Ordinal) || !System.Text.Ascii.IsValid(email))
                {
                    await RejectAsync(context, $$"""{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.{{i.ToString(CultureInfo.InvariantCulture)}}.to.0.email"}]}""");
                    return;
                }
                if (!seen.Add(email))
                {
                    await RejectAsync(context, """{"errors":[{"message":"Each email address in the personalization block should be unique.","field":null}]}""");
                    return;
                }
                addresses.Add(email);
            }
        }
        if (addresses.Count is 0 or > 1000 || !root.TryGetProperty("custom_args", out var args))
        {
            await RejectAsync(context, """{"errors":[{"message":"Bad Request","field":null}]}""");
            return;
        }
        var job = args.TryGetProperty("jobId", out var j) ? j.GetString() ?? "" : "";

        KeyState state;
        Task? hold = null;
        lock (_state)
        {
            state = _state[key];
            if (state.HoldAfter is { } n && state.Accepted >= n)
            {
                state.Held++;
                hold = state.Drop.Task;
            }
            else
            {
                state.Accepted++;
            }
        }
        if (hold is not null)
        {
            await hold;
            lock (_state) state.Held--;
            context.Response.StatusCode = 503; // never accepted
            return;
        }

        if (_latency > TimeSpan.Zero) await Task.Delay(_latency);
        Interlocked.Add(ref _recipients, addresses.Count);
        if (_countAddresses)
        {
            foreach (var a in addresses) _copies.AddOrUpdate(a.ToLowerInvariant(), 1, (_, c) => c + 1);
            _acceptedByJob.AddOrUpdate((key, job), addresses.Count, (_, c) => c + addresses.Count);
        }
        context.Response.StatusCode = 202;
        context.Response.Headers["X-Message-Id"] = Guid.NewGuid().ToString("N");
    }

    private async Task RejectAsync(HttpContext context, string body)
    {
        Interlocked.Increment(ref _rejected);
        context.Response.StatusCode = 400;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_state)
        {
            foreach (var s in _state.Values) s.Drop.TrySetResult();
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
