using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace BreachNotify.Benchmarks.Webhooks;

/// <summary>
/// Memory under an unauthenticated flood (issue 13 point 7): the real app on loopback (as in
/// <see cref="WebhookIntakeBenchmark"/>), then <c>--parallel</c> clients post large bodies for <c>--seconds</c>, none of
/// which can authenticate: SendGrid's event webhook without a signature and with a stale timestamp, a monitor source
/// that is configured but unsigned, and one that is not configured at all; half the bodies declare their length (just
/// under each endpoint's limit), half are chunked. Prints the app's working set before, its peak during the flood
/// (sampled every 20 ms) and after, with the answers counted by status.
/// Usage: <c>dotnet run -c Release --project benchmarks/BreachNotify.Benchmarks -- webhooks --flood [--parallel 48] [--seconds 10] [--app path/to/BreachNotify.FunctionApp.dll]</c>
/// (<c>--app</c> measures another build, e.g. one from before a change, in the same way).
/// </summary>
public static class WebhookFloodBenchmark
{
    // A syntactically valid P-256 SubjectPublicKeyInfo (no one holds its private key here): the webhook is "configured".
    private const string SendGridPublicKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJKzOcfu9QYmpxb7Bw/2a+fUa6qNFqukyElyvUaOFjb4RAcEpnOc0JQbVe+soa9cyWzZ9Bx1vs6FCGmkYjKnZ1w==";

    public static async Task RunAsync(string[] args)
    {
        var parallel = WebhookIntakeBenchmark.IntArg(args, "--parallel", 48);
        var seconds = WebhookIntakeBenchmark.IntArg(args, "--seconds", 10);
        var appIndex = Array.IndexOf(args, "--app");
        var dll = appIndex >= 0 && appIndex + 1 < args.Length ? Path.GetFullPath(args[appIndex + 1]) : null;

        var data = Path.Combine(Path.GetTempPath(), "bn-bench-flood-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var port = WebhookIntakeBenchmark.FreePort();
        using var app = WebhookIntakeBenchmark.StartHandler(port, data, dll, new Dictionary<string, string>
        {
            ["Webhooks__sendgrid__PublicKey"] = SendGridPublicKey,
            ["Logging__LogLevel__Default"] = "Error", // a flood of refusals is logged at Warning; keep the pipe quiet
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parallel * 2 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        try
        {
            await WebhookIntakeBenchmark.WaitReadyAsync(http, app);
            Console.WriteLine($"App: pid {app.Id} on 127.0.0.1:{port} ({dll ?? "this build"})");
            await Task.Delay(2000); // let start-up settle
            var before = WorkingSet(app);
            Console.WriteLine($"Flood: {parallel} parallel unauthenticated posters for {seconds} s; bodies 1 MiB (monitor) and 2 MiB (SendGrid), declared or chunked");

            var peak = before;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, WorkingSet(app));
                    await Task.Delay(20, CancellationToken.None);
                }
            });
            var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
            var sent = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(worker => Task.Run(async () =>
            {
                for (var n = worker; !stop.IsCancellationRequested; n += parallel)
                {
                    var status = await PostAsync(http, n);
                    Interlocked.Increment(ref sent);
                    lock (statuses) statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }
            })));
            await sampler;
            var elapsed = clock.Elapsed;
            await Task.Delay(3000);
            var after = WorkingSet(app);

            Console.WriteLine($"Requests: {sent} in {elapsed.TotalSeconds:N1} s ({sent / elapsed.TotalSeconds:N0}/s); answers {string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} x{s.Value}"))}");
            Console.WriteLine($"Working set: before {Mib(before)}, peak {Mib(peak)} (+{Mib(peak - before)}), 3 s after {Mib(after)}");
        }
        finally
        {
            if (!app.HasExited) app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>One refused post, cycling through the four kinds of unauthenticated request, declared or chunked.</summary>
    private static async Task<string> PostAsync(HttpClient http, int n)
    {
        var (path, size, headers) = (n % 4) switch
        {
            0 => ("/api/webhooks/sendgrid", 2 * 1024 * 1024 - 16, new Dictionary<string, string>()),
            1 => ("/api/webhooks/sendgrid", 2 * 1024 * 1024 - 16, new Dictionary<string, string>
            {
                ["X-Twilio-Email-Event-Webhook-Signature"] = "MEUCIQDx",
                ["X-Twilio-Email-Event-Webhook-Timestamp"] = "1000000000", // 2001: stale
            }),
            2 => ("/api/webhooks/generic", 1024 * 1024 - 16, new Dictionary<string, string>()),
            _ => ("/api/webhooks/github", 1024 * 1024 - 16, new Dictionary<string, string> { ["X-Hub-Signature-256"] = "sha256=" + new string('0', 64) }),
        };
        var body = new byte[size];
        body.AsSpan().Fill((byte)'x');
        body[0] = (byte)'[';
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = (n / 4) % 2 == 0 ? new ByteArrayContent(body) : new StreamContent(new UnknownLength(body)),
        };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        try
        {
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return "reset"; // the app answered and closed before the whole body was sent
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
    }

    private static long WorkingSet(Process process)
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):N0} MiB";

    private sealed class UnknownLength(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
