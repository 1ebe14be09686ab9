using System.Diagnostics;
using System.Globalization;
using BreachNotify.Adapters.Recipients;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Jobs;

namespace BreachNotify.Benchmarks.Notices;

/// <summary>
/// Imports generated CSV recipients through the real CSV reader and importer and creates the notice jobs, on the
/// embedded SQLite store, beside the machine's own limit measured in the same run: a plain single-transaction insert of
/// as many rows with random 64-hex keys (<see cref="RawSqliteInsert"/>). Usage: <c>notices</c> (10k, 100k, 1M; the raw
/// insert and the product each in their own process, so each peak-memory figure is its own) or <c>notices --n 250000</c>.
/// Targets (issue 16): import + jobs ≤ 3× the raw insert, peak working set ≤ 300 MiB, the import rate not collapsing as
/// the table grows (rows stored per second over the first and the last tenth of the rows, for both).
/// </summary>
public static class NoticesBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var n = NoticeBench.IntArg(args, "--n", 0);
        if (n == 0)
        {
            Console.WriteLine("Stored rows per second over the first and the last tenth of the rows (first → last), for the raw insert and the import.");
            Console.WriteLine("rows        raw s  raw rows/s        import s  import rows/s     jobs s   jobs  total s   ratio  peak MiB  raw peak MiB");
            foreach (var size in new[] { 10_000, 100_000, 1_000_000 })
            {
                var raw = Parse(await NoticeBench.RunChildCapturedAsync("notices", size, "--raw"));
                var product = Parse(await NoticeBench.RunChildCapturedAsync("notices", size));
                double rawSeconds = raw["seconds"], totalSeconds = product["total"];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{size,-10} {rawSeconds,6:0.00} {raw["first"],7:0} → {raw["last"],6:0} {product["import"],9:0.00} {product["first"],7:0} → {product["last"],6:0} {product["jobs"],9:0.00} {product["jobCount"],6:0} {totalSeconds,8:0.00} {totalSeconds / rawSeconds,6:0.00}x {product["peak"],9:0} {raw["peak"],13:0}"));
            }
            return;
        }
        var directory = Path.Combine(Path.GetTempPath(), "bn-bench-notices-" + Guid.NewGuid().ToString("N"));
        if (args.Contains("--raw"))
        {
            try
            {
                var (elapsed, rawFirst, rawLast) = RawSqliteInsert.Run(directory, n);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={elapsed.TotalSeconds} first={rawFirst} last={rawLast} peak={NoticeBench.PeakWorkingSetMiB()}"));
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            }
            return;
        }
        using var bench = new NoticeBench(directory, expectedRecipients: n);
        await bench.InitializeAsync();
        var id = await bench.IncidentAsync();

        var upload = new GeneratedCsvStream(n);
        var total = Stopwatch.StartNew();
        var import = Stopwatch.StartNew();
        bench.Clock.Start();
        var result = await bench.Importer.ImportAsync(id, RecipientReaders.ReadCsvAsync(upload));
        import.Stop();
        if (result.Accepted != n) throw new InvalidOperationException($"Expected {n} accepted, got {result.Accepted} ({result.RejectedCount} rejected).");

        var jobs = Stopwatch.StartNew();
        var created = await bench.Notifications.CreateAsync(id, new NotificationRequest(NoticeKinds.DataSubjects, null, null, null, false, null), NoticeBench.Dpo, "bench");
        jobs.Stop();
        total.Stop();
        if (created.Recipients != n) throw new InvalidOperationException($"Jobs cover {created.Recipients} recipients, expected {n}.");

        var (first, last) = bench.Clock.Rates();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import={import.Elapsed.TotalSeconds} rate={n / import.Elapsed.TotalSeconds} first={first} last={last} jobs={jobs.Elapsed.TotalSeconds} jobCount={created.Jobs} total={total.Elapsed.TotalSeconds} peak={NoticeBench.PeakWorkingSetMiB()}"));
    }

    private static Dictionary<string, double> Parse(string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        return line.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
    }
}
