using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Recipients;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Benchmarks.Tables;
using Sdk = Azure.Data.Tables;

namespace BreachNotify.Benchmarks.Notices;

/// <summary>
/// The recipients import on Table storage (Azurite from the repo's node_modules, in memory, a fresh one per size),
/// beside Azurite's own limit measured in the same run: the same number of recipient-sized entities with random 64-hex
/// row keys written with Azure.Data.Tables in transactions of 100, one per partition, the 16 partitions side by side (as
/// the import writes them). Usage: <c>notices-azurite [--n 20000]</c> (default: 10,000 and 100,000). Azurite is one
/// single-threaded Node.js process: its figures say how close the import comes to the emulator, not what Azure does.
/// </summary>
public static class NoticesOnTablesBenchmark
{
    private const int Partitions = 16;

    public static async Task RunAsync(string[] args)
    {
        var n = NoticeBench.IntArg(args, "--n", 0);
        Console.WriteLine("rows       raw s   raw entities/s   import s   import rows/s   ratio   jobs s   jobs");
        foreach (var size in n > 0 ? [n] : new[] { 10_000, 100_000 })
        {
            using var azurite = await TablesBenchmark.AzuriteProcess.StartAsync();
            var raw = await RawBatchesAsync(azurite.ConnectionString, size);
            var (import, jobs, jobCount) = await ImportAsync(azurite.ConnectionString, size);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,-10} {raw.TotalSeconds,5:0.00} {size / raw.TotalSeconds,16:0} {import.TotalSeconds,10:0.00} {size / import.TotalSeconds,15:0} {import / raw,6:0.00}x {jobs.TotalSeconds,8:0.00} {jobCount,6}"));
        }
    }

    private static async Task<TimeSpan> RawBatchesAsync(string connectionString, int n)
    {
        var table = new Sdk.TableClient(connectionString, "raw" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        var incident = "inc-" + Guid.NewGuid().ToString("N");
        // Warm-up (JIT, connections), as the import's set-up warms its own client.
        await table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(i => new Sdk.TableTransactionAction(Sdk.TableTransactionActionType.Add, Entity("warm", i))).ToList());
        var perPartition = (n + Partitions - 1) / Partitions;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Partitions).Select(async p =>
        {
            var pk = incident + "|" + p.ToString("00", CultureInfo.InvariantCulture);
            var count = Math.Min(perPartition, n - (p * perPartition));
            for (var start = 0; start < count; start += 100)
            {
                var batch = Enumerable.Range(start, Math.Min(100, count - start)).Select(i => new Sdk.TableTransactionAction(Sdk.TableTransactionActionType.Add, Entity(pk, (p * perPartition) + i))).ToList();
                await table.SubmitTransactionAsync(batch);
            }
        }));
        sw.Stop();
        await table.DeleteAsync();
        return sw.Elapsed;
    }

    /// <summary>The properties a recipient row has (same names and sizes as the import's generated rows).</summary>
    private static Sdk.TableEntity Entity(string pk, int i) => new(pk, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)))
    {
        ["Email"] = $"person{i}@example{i % 97}.com",
        ["Name"] = $"Person {i}",
        ["Language"] = "en",
        ["Kind"] = "data-subject",
        ["ExternalId"] = $"crm-{i}",
        ["AddedAt"] = DateTimeOffset.UtcNow,
    };

    private static async Task<(TimeSpan Import, TimeSpan Jobs, int JobCount)> ImportAsync(string connectionString, int n)
    {
        var store = new AzureTableStore(AzureTableStore.CreateServiceClient(new AzureTableStoreOptions { ConnectionString = connectionString }, credential: null), tablePrefix: "imp");
        using var bench = new NoticeBench(Path.Combine(Path.GetTempPath(), "bn-bench-azurite-" + Guid.NewGuid().ToString("N")), store: store);
        await bench.InitializeAsync();
        var id = await bench.IncidentAsync();
        var import = Stopwatch.StartNew();
        var result = await bench.Importer.ImportAsync(id, RecipientReaders.ReadCsvAsync(new GeneratedCsvStream(n)));
        import.Stop();
        if (result.Accepted != n) throw new InvalidOperationException($"Expected {n} accepted, got {result.Accepted}.");
        var jobs = Stopwatch.StartNew();
        var created = await bench.Notifications.CreateAsync(id, new NotificationRequest(NoticeKinds.DataSubjects, null, null, null, false, null), NoticeBench.Dpo, "bench");
        jobs.Stop();
        if (created.Recipients != n) throw new InvalidOperationException($"Jobs cover {created.Recipients} recipients, expected {n}.");
        return (import.Elapsed, jobs.Elapsed, created.Jobs);
    }
}
