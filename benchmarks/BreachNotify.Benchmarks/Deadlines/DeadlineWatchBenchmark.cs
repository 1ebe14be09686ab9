using System.Diagnostics;
using System.Globalization;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Email;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Organisation;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BreachNotify.Benchmarks.Deadlines;

/// <summary>
/// One DeadlineWatch sweep over N open incidents on the embedded SQLite store, with and without M closed incidents
/// beside them (closed ones must add no cost: the sweep reads the "open" index partition only).
/// Usage: <c>dotnet run -c Release --project benchmarks/BreachNotify.Benchmarks -- deadlines [--open 10000] [--closed 50000] [--runs 5] [--parallelism 4]</c>
/// Figures per store: steady sweep (nothing due: the usual 5-minute run), and one catch-up sweep where every open
/// incident has a reminder due (claims, e-mails to a no-op sender, timeline writes).
/// </summary>
public static class DeadlineWatchBenchmark
{
    private static readonly DateTimeOffset Start = new(2026, 3, 27, 9, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(string[] args)
    {
        var open = IntArg(args, "--open", 10_000);
        var closed = IntArg(args, "--closed", 50_000);
        var runs = IntArg(args, "--runs", 5);
        var parallelism = IntArg(args, "--parallelism", new DeadlineOptions().SweepParallelism);
        var root = Path.Combine(Path.GetTempPath(), "bn-bench-deadlines-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine($"DeadlineWatch sweep, SQLite embedded store, {Environment.ProcessorCount} cores, {runs} steady runs each, sweep parallelism {parallelism}");
        try
        {
            await MeasureAsync(Path.Combine(root, "open-only.db"), open, 0, runs, parallelism);
            await MeasureAsync(Path.Combine(root, "open-and-closed.db"), open, closed, runs, parallelism);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task MeasureAsync(string path, int open, int closed, int runs, int parallelism)
    {
        var clock = new FakeTimeProvider(Start);
        using var store = new SqliteTableStore(path, clock);
        var repository = new IncidentRepository(store);
        var incidents = new IncidentService(repository, store, clock, Options.Create(new IncidentOptions()), NullLogger<IncidentService>.Instance);
        await incidents.InitializeAsync();
        var options = new DeadlineOptions { SweepParallelism = parallelism };
        var org = Options.Create(new OrganisationOptions { Dpo = new DpoOptions { Email = "dpo@example.com" } });
        var deadlines = new DeadlineService(Options.Create(options), org);
        var ledger = new ReminderLedger(store);
        await ledger.InitializeAsync();
        var sender = new CountingSender();
        var watch = new DeadlineWatch(repository, incidents, deadlines, ledger, sender, Options.Create(options),
            Options.Create(new EscalationOptions()), org, Options.Create(new EmailOptions()), clock, BreachNotify.Application.Telemetry.BreachNotifyTelemetry.Detached(), NullLogger<DeadlineWatch>.Instance);

        var seed = Stopwatch.StartNew();
        var actor = new Actor("bench", "reporter");
        for (var n = 0; n < closed; n++)
        {
            var i = Incident.Report($"inc-closed-{n:D6}", new IncidentDraft { Title = "Closed incident " + n, AwareAt = Start.AddHours(-1) }, actor, Start);
            i.Close("done", actor, Start);
            await repository.SaveAsync(i, null);
        }
        for (var n = 0; n < open; n++)
        {
            // Aware a minute ago: no reminder is due until 24 h from now.
            var i = Incident.Report($"inc-open-{n:D6}", new IncidentDraft { Title = "Open incident " + n, AwareAt = Start.AddMinutes(-1), Owner = "owner@example.com" }, actor, Start);
            await repository.SaveAsync(i, null);
        }
        seed.Stop();
        var size = new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);
        Console.WriteLine();
        Console.WriteLine($"{open:N0} open + {closed:N0} closed incidents (seeded in {seed.Elapsed.TotalSeconds:F1} s, db {size / 1048576.0:F0} MiB)");

        await watch.SweepAsync(false); // warm-up (JIT, page cache)
        var times = new List<double>();
        DeadlineSweepResult? last = null;
        for (var r = 0; r < runs; r++)
        {
            clock.Advance(TimeSpan.FromMinutes(5));
            var sw = Stopwatch.StartNew();
            last = await watch.SweepAsync(false);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  steady sweep (nothing due): median {times[times.Count / 2]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms; {last!.Incidents:N0} incidents read, {last.Sent} sent"));

        // Move to 47 h before the deadlines: every open incident has its 48 h reminder due.
        clock.SetUtcNow(Start.AddMinutes(-1) + TimeSpan.FromHours(25));
        var catchUp = Stopwatch.StartNew();
        var result = await watch.SweepAsync(false);
        catchUp.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  catch-up sweep (a reminder due on every incident): {catchUp.Elapsed.TotalMilliseconds:F0} ms, {result.Sent:N0} sent, {sender.Count:N0} e-mails, {result.Failed} failed"));
        clock.Advance(TimeSpan.FromMinutes(5));
        var after = Stopwatch.StartNew();
        var again = await watch.SweepAsync(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  next sweep (all already sent, skipped from incident state): {after.Elapsed.TotalMilliseconds:F0} ms, {again.Sent} sent"));
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed class CountingSender : IEmailSender
    {
        public int Count;

        public Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Count);
            return Task.FromResult(new EmailSendResult(message.MessageKey, Start));
        }
    }
}
