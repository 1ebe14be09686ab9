using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BreachNotify.Benchmarks.Webhooks;

/// <summary>
/// Webhook intake on one instance with the embedded store (SQLite), over loopback HTTP, beside GET /api/health in the
/// same run. Starts the real handler (Release build of functions/BreachNotify.FunctionApp) as a child process on a free
/// 127.0.0.1 port, then fires signed generic webhooks open-loop at a fixed rate (each request sent at its scheduled
/// instant, whatever the previous ones do) and health checks at a lower rate. Prints requests/s, p50/p99/max latency
/// of both and their ratio, then how long the background mapping took to catch up.
/// Usage: <c>dotnet run -c Release --project benchmarks/BreachNotify.Benchmarks -- webhooks [--rate 500] [--seconds 10] [--health-rate 50] [--external-ids 200]</c>;
/// <c>webhooks --flood</c> measures memory under unauthenticated posts instead (<see cref="WebhookFloodBenchmark"/>).
/// Target (issue 8): p99 &lt; 50 ms at 500 requests/s.
/// </summary>
public static class WebhookIntakeBenchmark
{
    private const string Secret = "bench-generic-secret";
    private const string DpoKey = "bench-dpo-key-0123456789";

    public static async Task RunAsync(string[] args)
    {
        var rate = IntArg(args, "--rate", 500);
        var seconds = IntArg(args, "--seconds", 10);
        var healthRate = IntArg(args, "--health-rate", 50);
        var externalIds = IntArg(args, "--external-ids", 200);

        var data = Path.Combine(Path.GetTempPath(), "bn-bench-webhooks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var port = FreePort();
        using var app = StartHandler(port, data);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        try
        {
            await WaitReadyAsync(http, app);
            Console.WriteLine($"Handler: pid {app.Id} on 127.0.0.1:{port}, SQLite in {data}");
            Console.WriteLine($"Load: {rate} webhook req/s and {healthRate} health req/s for {seconds} s, open loop; {externalIds} external alerts");

            // Warm-up: JIT, connection pool, SQLite pages. Not measured.
            await RunLoadAsync(http, Math.Min(rate, 100), 2, healthRate: 10, externalIds, "warm");

            var run = await RunLoadAsync(http, rate, seconds, healthRate, externalIds, "run");
            Report("webhook POST", run.Webhook, run.Elapsed);
            Report("GET health  ", run.Health, run.Elapsed);
            var w = Percentiles(run.Webhook.Select(s => s.Ms).ToList());
            var h = Percentiles(run.Health.Select(s => s.Ms).ToList());
            Console.WriteLine($"Ratio webhook/health: p50 {w.P50 / h.P50:N1}x, p99 {w.P99 / h.P99:N1}x");
            Console.WriteLine($"Generator lag (send later than scheduled): max {run.MaxLagMs:N1} ms");
            Console.WriteLine($"Target p99 < 50 ms at {rate} req/s: {(w.P99 < 50 && run.Webhook.All(s => s.Status == 202) ? "met" : "NOT met")}");

            var drain = await WaitMappedAsync(http, TimeSpan.FromSeconds(120));
            Console.WriteLine(drain is { } d
                ? $"Mapping caught up {d.TotalSeconds:N1} s after the last request (newest 200 deliveries all mapped)"
                : "Mapping had not caught up after 120 s");
        }
        finally
        {
            if (!app.HasExited) app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed record Sample(double Ms, int Status);

    private sealed record LoadResult(List<Sample> Webhook, List<Sample> Health, TimeSpan Elapsed, double MaxLagMs);

    private static async Task<LoadResult> RunLoadAsync(HttpClient http, int rate, int seconds, int healthRate, int externalIds, string tag)
    {
        var webhook = new List<Sample>(rate * seconds);
        var health = new List<Sample>(healthRate * seconds);
        var tasks = new List<Task>();
        var maxLag = 0.0;
        var clock = Stopwatch.StartNew();
        var total = rate * seconds;
        var healthEvery = healthRate > 0 ? rate / (double)healthRate : double.MaxValue;
        var nextHealth = 0.0;
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            maxLag = Math.Max(maxLag, (clock.Elapsed - due).TotalMilliseconds);
            var n = i;
            tasks.Add(Measure(() => http.SendAsync(Signed(tag, n, externalIds)), webhook));
            if (i >= nextHealth)
            {
                nextHealth += healthEvery;
                tasks.Add(Measure(() => http.GetAsync("/api/health"), health));
            }
        }
        await Task.WhenAll(tasks);
        return new LoadResult(webhook, health, clock.Elapsed, maxLag);
    }

    private static async Task Measure(Func<Task<HttpResponseMessage>> send, List<Sample> into)
    {
        var start = Stopwatch.GetTimestamp();
        int status;
        try
        {
            using var response = await send();
            await response.Content.ReadAsByteArrayAsync();
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = 0;
        }
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        lock (into) into.Add(new Sample(ms, status));
    }

    private static HttpRequestMessage Signed(string tag, int n, int externalIds)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var status = (n / externalIds % 3) switch { 0 => "triggered", 1 => "acknowledged", _ => "resolved" };
        var body = JsonSerializer.Serialize(new
        {
            eventId = $"{tag}-{n}",
            externalId = $"bench-{tag}-{n % externalIds}",
            title = "Benchmark alert " + (n % externalIds).ToString(CultureInfo.InvariantCulture),
            severity = "high",
            status,
            occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture),
            context = new { system = "bench" },
        });
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(ts + "." + body)));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-BreachNotify-Timestamp", ts);
        request.Headers.Add("X-BreachNotify-Signature", "v1=" + signature);
        return request;
    }

    private static void Report(string name, List<Sample> samples, TimeSpan elapsed)
    {
        var p = Percentiles(samples.Select(s => s.Ms).ToList());
        var statuses = string.Join(", ", samples.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        Console.WriteLine($"{name}: {samples.Count,6} requests, {samples.Count / elapsed.TotalSeconds,7:N1} req/s, p50 {p.P50,6:N2} ms, p99 {p.P99,6:N2} ms, max {p.Max,7:N2} ms  [{statuses}]");
    }

    private static (double P50, double P99, double Max) Percentiles(List<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN, double.NaN);
        values.Sort();
        double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        return (At(0.50), At(0.99), values[^1]);
    }

    private static async Task<TimeSpan?> WaitMappedAsync(HttpClient http, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/webhooks/deliveries?source=generic&pageSize=200");
            request.Headers.Add("X-Api-Key", DpoKey);
            using var response = await http.SendAsync(request);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var allMapped = doc.RootElement.GetProperty("items").EnumerateArray()
                .SelectMany(i => i.GetProperty("alerts").EnumerateArray())
                .All(a => a.GetProperty("mapped").GetBoolean());
            if (allMapped) return clock.Elapsed;
            await Task.Delay(100);
        }
        return null;
    }

    /// <param name="app">Another build's BreachNotify.FunctionApp.dll; null: this repository's build of the same configuration.</param>
    /// <param name="settings">Extra environment settings for the app.</param>
    internal static Process StartHandler(int port, string data, string? app = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = app ?? Path.Combine(FindRoot(), "functions", "BreachNotify.FunctionApp", "bin", configuration, "net10.0", "BreachNotify.FunctionApp.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the handler first (dotnet build -c " + configuration + ").", dll);
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Storage__Provider"] = "Sqlite";
        psi.Environment["Storage__Sqlite__Path"] = Path.Combine(data, "bench.db");
        psi.Environment["Webhooks__generic__Secrets__0"] = Secret;
        psi.Environment["Auth__ApiKeys__0__Name"] = "bench";
        psi.Environment["Auth__ApiKeys__0__Role"] = "dpo";
        psi.Environment["Auth__ApiKeys__0__KeySha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DpoKey)));
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        var process = Process.Start(psi)!;
        // Drain the handler's log so it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("handler: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitReadyAsync(HttpClient http, Process app)
    {
        for (var i = 0; i < 300; i++)
        {
            if (app.HasExited) throw new InvalidOperationException($"Handler exited with code {app.ExitCode}.");
            try
            {
                using var response = await http.GetAsync("/api/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("Handler did not become ready in 30 s.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BreachNotify.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (BreachNotify.sln) not found.");
    }

    internal static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
