using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Adapters.Recipients;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Sending;
using BreachNotify.Application.Queue;
using BreachNotify.Benchmarks.Notices;
using BreachNotify.FunctionApp.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BreachNotify.Benchmarks.Sending;

/// <summary>
/// n recipients (default 1,000,000) through the embedded queue, the queue drain (the SendQueuedNotices consumer:
/// <see cref="NoticeQueueDrain"/> with <see cref="SendNoticeMessageHandler"/>) and the official SendGrid client to a
/// loopback SendGrid fake (Kestrel) that checks each request (Bearer key, ≤ 1000 personalizations, unique addresses) and
/// may add latency. The import and job creation are set-up, run in a child process on the same SQLite file (not timed;
/// its peak is printed too, but it is the import's, measured by the <c>notices</c> benchmark). The fake runs in a process
/// of its own, so the sending process's CPU time is the product's alone; the fake's CPU time is printed beside it
/// (<c>--fake-in-process</c> runs it in the sending process, as earlier versions did). The figures are recipients per
/// second from the first receive to the last job marked sent, CPU-seconds per process, and the peak working set of the
/// process that sends.
/// <c>--per-request</c> sets <c>SendGrid:MaxRecipientsPerRequest</c> (default 1000: one request per job of 1000); smaller
/// requests add a progress record on the job after each one, which this measures.
/// Usage: <c>sending [--n 1000000] [--concurrency 8] [--latency-ms 0] [--per-request 1000] [--same-process] [--fake-in-process]</c>.
/// Target (issue 12): ≥ 50,000 recipients/s, peak ≤ 300 MiB.
/// The SendGrid fake is the tests' (tests/BreachNotify.FunctionApp.Tests/Fakes/SendGridFake.cs, linked).
/// </summary>
public static class SendingBenchmark
{
    private const string SetupArg = "--setup-into";
    private const string FakeArg = "--serve-fake";

    public static async Task RunAsync(string[] args)
    {
        var n = NoticeBench.IntArg(args, "--n", 1_000_000);
        var concurrency = NoticeBench.IntArg(args, "--concurrency", 8);
        var latency = TimeSpan.FromMilliseconds(NoticeBench.IntArg(args, "--latency-ms", 0));
        var perRequest = NoticeBench.IntArg(args, "--per-request", 1000);
        if (args.Contains(FakeArg))
        {
            await FakeProcess.ServeAsync(latency);
            return;
        }
        var setupInto = Array.IndexOf(args, SetupArg) is var at and >= 0 ? args[at + 1] : null;
        if (setupInto is not null)
        {
            await SetUpAsync(setupInto, n);
            return;
        }

        var directory = Path.Combine(Path.GetTempPath(), "bn-bench-sending-" + Guid.NewGuid().ToString("N"));
        using var bench = new NoticeBench(directory);
        string id;
        int jobs;
        if (args.Contains("--same-process"))
        {
            // The set-up in this process on the same store, as the benchmark did before the drain (warm SQLite cache; one peak for both).
            await bench.InitializeAsync();
            (id, jobs) = await SetUpOnAsync(bench, n);
        }
        else
        {
            if (await NoticeBench.RunChildAsync("sending", n, SetupArg, directory) != 0) throw new InvalidOperationException("The set-up process failed.");
            await bench.InitializeAsync();
            id = await File.ReadAllTextAsync(Path.Combine(directory, "incident.txt"));
            jobs = int.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "jobs.txt")), CultureInfo.InvariantCulture);
        }

        await using var fake = args.Contains("--fake-in-process") ? await SendGridFake.StartAsync(latency) : null;
        await using var fakeProcess = fake is null ? await FakeProcess.StartAsync(latency) : null;
        var baseUri = fake?.BaseUri ?? fakeProcess!.BaseUri;
        var created = new { Jobs = jobs };

        // The official client on one pooled HttpClient, as the app composes it (the fake listens on plain http).
        var sendGridOptions = new SendGridOptions { ApiKey = SendGridFake.ApiKey, MaxRecipientsPerRequest = perRequest };
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = sendGridOptions.RequestTimeout };
        var client = new global::SendGrid.SendGridClient(http, new global::SendGrid.SendGridClientOptions { ApiKey = SendGridFake.ApiKey, Host = baseUri.AbsoluteUri });
        var from = Options.Create(new BreachNotify.Application.Email.EmailOptions { From = { Address = "privacy@acme.example", Name = "Acme" } });
        var processor = new SendNoticeProcessor(bench.Jobs, bench.NotificationRows, bench.Recipients, new SendGridEmailSender(client, sendGridOptions, TimeProvider.System), bench.Incidents, bench.Notifications,
            bench.Options, Options.Create(bench.Organisation), from, TimeProvider.System, NullLogger<SendNoticeProcessor>.Instance);
        var drain = new NoticeQueueDrain(bench.EmbeddedQueue, new SendNoticeMessageHandler(processor, BreachNotify.Application.Telemetry.BreachNotifyTelemetry.Detached(), NullLogger<SendNoticeMessageHandler>.Instance),
            Options.Create(new NoticeQueueDrainOptions { Concurrency = concurrency, BatchSize = concurrency, TimeBudget = TimeSpan.FromHours(1) }),
            TimeProvider.System, BreachNotify.Application.Telemetry.BreachNotifyTelemetry.Detached(), NullLogger<NoticeQueueDrain>.Instance);

        var loadBefore = LoadAverage();
        if (fakeProcess is not null) await fakeProcess.StartCountingAsync();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var sending = Stopwatch.StartNew();
        var result = await drain.RunAsync();
        sending.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var loadAfter = LoadAverage();
        var handled = result.Completed;
        var counts = fake is not null ? new FakeCounts(fake.Requests, fake.Recipients, fake.Rejected, null) : await fakeProcess!.StopAsync();

        var views = await new NotificationQueries(bench.NotificationRows, bench.Jobs, bench.Repository, bench.Options).ListAsync(id);
        var sent = views.Single().RecipientsByStatus.Sent;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"recipients {n}, jobs {created.Jobs}, messages completed {handled} (drain stopped: {result.Stop}), concurrency {concurrency}, fake latency {latency.TotalMilliseconds} ms, {perRequest} recipients per request, fake {(fake is null ? "in its own process" : "in the sending process")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sent {sent} recipients in {sending.Elapsed.TotalSeconds:0.00} s = {sent / sending.Elapsed.TotalSeconds:0} recipients/s (load average {loadBefore} before, {loadAfter} after); fake saw {counts.Requests} requests, {counts.Recipients} recipients, {counts.Rejected} rejected; peak working set of the sending process {NoticeBench.PeakWorkingSetMiB()} MiB"));
        // CPU time while sending: a figure that a busy shared machine disturbs less than wall time.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sending process used {cpu.TotalSeconds:0.0} CPU-s{(fake is null ? "" : " (the fake included)")} = {sent / cpu.TotalSeconds:0} recipients per CPU-second ({Environment.ProcessorCount} cores: at most {Environment.ProcessorCount * sent / cpu.TotalSeconds:0} recipients/s on an idle machine)"));
        if (counts.Cpu is { } fakeCpu)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"the fake used {fakeCpu.TotalSeconds:0.0} CPU-s; both together {(cpu + fakeCpu).TotalSeconds:0.0} CPU-s = {sent / (cpu + fakeCpu).TotalSeconds:0} recipients per CPU-second"));
        }
        if (sent != n || counts.Recipients != n) throw new InvalidOperationException("Not every recipient was sent exactly once.");
    }

    /// <summary>The 1-, 5- and 15-minute load averages (Linux), to read wall times by.</summary>
    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }

    /// <summary>The child process: import n recipients and create the notification (its jobs are queued), then leave the database.</summary>
    private static async Task SetUpAsync(string directory, int n)
    {
        using var bench = new NoticeBench(directory) { KeepDirectory = true };
        await bench.InitializeAsync();
        var (id, jobs) = await SetUpOnAsync(bench, n);
        await File.WriteAllTextAsync(Path.Combine(directory, "incident.txt"), id);
        await File.WriteAllTextAsync(Path.Combine(directory, "jobs.txt"), jobs.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<(string Id, int Jobs)> SetUpOnAsync(NoticeBench bench, int n)
    {
        var id = await bench.IncidentAsync();
        var setup = Stopwatch.StartNew();
        await bench.Importer.ImportAsync(id, RecipientReaders.ReadCsvAsync(new GeneratedCsvStream(n)));
        var created = await bench.Notifications.CreateAsync(id, new NotificationRequest(NoticeKinds.DataSubjects, null, null, null, false, null), NoticeBench.Dpo, "bench");
        setup.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"set-up (import + {created.Jobs} jobs, not timed): {setup.Elapsed.TotalSeconds:0.0} s; peak working set so far {NoticeBench.PeakWorkingSetMiB()} MiB"));
        return (id, created.Jobs);
    }
}

internal sealed record FakeCounts(long Requests, long Recipients, long Rejected, TimeSpan? Cpu);

/// <summary>The SendGrid fake in a child process (this executable with <c>sending --serve-fake</c>), ended when disposed.</summary>
internal sealed class FakeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private FakeProcess(Process process, Uri baseUri) { _process = process; BaseUri = baseUri; }

    public Uri BaseUri { get; }

    /// <summary>
    /// The child's side: starts the fake, prints its address, then on each line of standard input — "go" starts counting
    /// CPU time, "stop" prints the counts and ends.
    /// </summary>
    public static async Task ServeAsync(TimeSpan latency)
    {
        await using var fake = await SendGridFake.StartAsync(latency);
        Console.WriteLine("listening " + fake.BaseUri.AbsoluteUri);
        var cpuAtGo = TimeSpan.Zero;
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == "go") cpuAtGo = Process.GetCurrentProcess().TotalProcessorTime;
            if (line != "stop") continue;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtGo;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"counts {fake.Requests} {fake.Recipients} {fake.Rejected} {cpu.Ticks}"));
            return;
        }
    }

    public static async Task<FakeProcess> StartAsync(TimeSpan latency)
    {
        var psi = NoticeBench.ChildStartInfo("sending", 0, ["--serve-fake", "--latency-ms", ((int)latency.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)], captureOutput: true);
        psi.RedirectStandardInput = true;
        var process = Process.Start(psi)!;
        var line = await process.StandardOutput.ReadLineAsync();
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            process.Kill();
            process.Dispose();
            throw new InvalidOperationException("The SendGrid fake did not start.");
        }
        return new FakeProcess(process, new Uri(line["listening ".Length..]));
    }

    public async Task StartCountingAsync()
    {
        await _process.StandardInput.WriteLineAsync("go");
        await _process.StandardInput.FlushAsync();
    }

    public async Task<FakeCounts> StopAsync()
    {
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
        var line = await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The SendGrid fake ended without its counts.");
        var f = line.Split(' ');
        return new FakeCounts(long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture),
            TimeSpan.FromTicks(long.Parse(f[4], CultureInfo.InvariantCulture)));
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
