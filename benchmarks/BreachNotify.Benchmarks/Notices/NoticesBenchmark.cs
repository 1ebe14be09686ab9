using System.Diagnostics;
using System.Globalization;
using BreachNotify.Adapters.Recipients;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Jobs;

namespace BreachNotify.Benchmarks.Notices;

/// <summary>
/// Imports generated CSV recipients through the real CSV reader and importer and creates the notice jobs, on the
/// embedded SQLite store. Usage: <c>notices</c> (10k, 100k, 1M, each in its own process) or <c>notices --n 250000</c>.
/// Targets (issue 5): 1,000,000 rows in ≤ 60 s and ≤ 300 MB peak working set.
/// </summary>
public static class NoticesBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var n = NoticeBench.IntArg(args, "--n", 0);
        if (n == 0)
        {
            Console.WriteLine("rows       import s   rows/s     jobs s   jobs   total s   peak MiB");
            foreach (var size in new[] { 10_000, 100_000, 1_000_000 }) await NoticeBench.RunChildAsync("notices", size);
            return;
        }
        using var bench = new NoticeBench(Path.Combine(Path.GetTempPath(), "bn-bench-notices-" + Guid.NewGuid().ToString("N")));
        await bench.InitializeAsync();
        var id = await bench.IncidentAsync();

        var total = Stopwatch.StartNew();
        var import = Stopwatch.StartNew();
        var result = await bench.Importer.ImportAsync(id, RecipientReaders.ReadCsvAsync(new GeneratedCsvStream(n)));
        import.Stop();
        if (result.Accepted != n) throw new InvalidOperationException($"Expected {n} accepted, got {result.Accepted} ({result.RejectedCount} rejected).");

        var jobs = Stopwatch.StartNew();
        var created = await bench.Notifications.CreateAsync(id, new NotificationRequest(NoticeKinds.DataSubjects, null, null, null, false, null), NoticeBench.Dpo, "bench");
        jobs.Stop();
        total.Stop();
        if (created.Recipients != n) throw new InvalidOperationException($"Jobs cover {created.Recipients} recipients, expected {n}.");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{n,-10} {import.Elapsed.TotalSeconds,8:0.00} {n / import.Elapsed.TotalSeconds,8:0} {jobs.Elapsed.TotalSeconds,10:0.00} {created.Jobs,6} {total.Elapsed.TotalSeconds,9:0.00} {NoticeBench.PeakWorkingSetMiB(),10}"));
    }
}
