using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using BreachNotify.Adapters.AzureTables;
using BreachNotify.Application.Storage;
using StoreEntity = BreachNotify.Application.Storage.TableEntity;

namespace BreachNotify.Benchmarks.Tables;

/// <summary>
/// Table storage throughput through the official client (Azure.Data.Tables) and the adapter, against Azurite (started from the repo's
/// node_modules; run <c>npm ci</c> first) or an account given with <c>--connection-string</c>.
/// Usage: <c>dotnet run -c Release --project benchmarks/BreachNotify.Benchmarks -- tables [--n 100000] [--single-n 5000] [--workload-n 500] [--connection-string "..."]</c>
/// Measures (sequential, one request in flight): N entities in batches of 100 (one partition per batch) vs single inserts
/// (a smaller count, extrapolated to N), then a contract-like adapter workload. Wall-clock figures; Azurite is single-threaded
/// Node.js with in-memory persistence, so absolute numbers say little about Azure (≈2,000 entities/s per partition target).
/// </summary>
public static class TablesBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var n = IntArg(args, "--n", 100_000);
        var singleN = IntArg(args, "--single-n", 5_000);
        var workloadN = IntArg(args, "--workload-n", 500);
        var connectionString = StringArg(args, "--connection-string");

        using var azurite = connectionString is null ? await AzuriteProcess.StartAsync() : null;
        connectionString ??= azurite!.ConnectionString;
        Console.WriteLine(azurite is null ? "Target: given connection string" : $"Target: Azurite {azurite.Version} on port {azurite.Port} (in-memory)");

        var options = new TableClientOptions();
        options.Retry.MaxRetries = 5;
        var service = new TableServiceClient(connectionString, options);
        var suffix = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);

        // Warm-up (JIT, connection pool, table creation path).
        var warm = service.GetTableClient("benchwarm" + suffix);
        await warm.CreateIfNotExistsAsync();
        await warm.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(i => Add("w", i)).ToList());
        for (var i = 0; i < 20; i++) await warm.AddEntityAsync(Entity("w1", i));

        // 1. Batches of 100.
        var batched = service.GetTableClient("benchbatch" + suffix);
        await batched.CreateIfNotExistsAsync();
        var sw = Stopwatch.StartNew();
        for (var start = 0; start < n; start += 100)
        {
            var count = Math.Min(100, n - start);
            var pk = "p" + (start / 1000).ToString("D5", CultureInfo.InvariantCulture);
            await batched.SubmitTransactionAsync(Enumerable.Range(start, count).Select(i => Add(pk, i)).ToList());
        }
        var batchSeconds = sw.Elapsed.TotalSeconds;
        var batchRate = n / batchSeconds;
        Console.WriteLine($"Batched : {n,8:N0} entities in {batchSeconds,8:N2} s = {batchRate,10:N0} entities/s ({n / 100.0 / batchSeconds:N1} batches/s)");

        // 2. One by one (smaller count, extrapolated).
        var single = service.GetTableClient("benchsingle" + suffix);
        await single.CreateIfNotExistsAsync();
        sw.Restart();
        for (var i = 0; i < singleN; i++)
        {
            await single.AddEntityAsync(Entity("p" + (i / 1000).ToString("D5", CultureInfo.InvariantCulture), i));
        }
        var singleSeconds = sw.Elapsed.TotalSeconds;
        var singleRate = singleN / singleSeconds;
        Console.WriteLine($"Single  : {singleN,8:N0} entities in {singleSeconds,8:N2} s = {singleRate,10:N0} entities/s " +
                          $"(extrapolated: {n:N0} would take {n / singleRate:N1} s)");
        Console.WriteLine($"Ratio   : batched / single = {batchRate / singleRate:N1}x");

        // 3. Adapter on a contract-like workload: add, get, conditional update, merge, prefix query, 10-op transaction, conditional delete.
        var store = new AzureTableStore(service, "bench" + suffix);
        StoreEntity Meta(string pk) => new(pk, "meta");
        await store.CreateTableIfNotExistsAsync("workload");
        var ops = 0;
        sw.Restart();
        for (var i = 0; i < workloadN; i++)
        {
            var pk = "case" + i.ToString("D5", CultureInfo.InvariantCulture);
            var etag = await store.AddAsync("workload", new StoreEntity(pk, "meta") { ["State"] = "new", ["Count"] = 0 });
            var got = await store.GetAsync("workload", pk, "meta");
            var open = Meta(pk);
            open["State"] = "open";
            open["Count"] = 1;
            open["At"] = DateTimeOffset.UtcNow;
            etag = await store.UpdateAsync("workload", open, got!.ETag!);
            var merged = Meta(pk);
            merged["Count"] = 2;
            etag = await store.MergeAsync("workload", merged, etag);
            var tx = Enumerable.Range(0, 10).Select(j => TableOperation.Add(new StoreEntity(pk, $"event|{j:D3}") { ["Seq"] = (long)j, ["Body"] = "payload" })).ToList();
            await store.SubmitTransactionAsync("workload", tx);
            var page = await store.QueryAsync("workload", TableQuery.WithPrefix(pk, "event|"));
            if (page.Items.Count != 10) throw new InvalidOperationException("Unexpected query result.");
            await store.DeleteAsync("workload", pk, "meta", etag);
            ops += 7;
        }
        var workloadSeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"Adapter : {workloadN:N0} cases x 7 calls = {ops:N0} calls in {workloadSeconds:N2} s = {ops / workloadSeconds:N0} calls/s " +
                          $"({(ops + workloadN * 9) / workloadSeconds:N0} entity operations/s counting each transaction as 10), " +
                          $"{workloadSeconds * 1000 / ops:N2} ms/call");

        foreach (var t in new[] { warm.Name, batched.Name, single.Name, store.TablePrefix + "workload" })
            await service.DeleteTableAsync(t);
    }

    private static Azure.Data.Tables.TableEntity Entity(string pk, int i) => new(pk, "r" + i.ToString("D7", CultureInfo.InvariantCulture))
    {
        ["Name"] = "subject " + i.ToString(CultureInfo.InvariantCulture),
        ["Seq"] = (long)i,
        ["At"] = new DateTimeOffset(2026, 3, 27, 9, 15, 0, TimeSpan.Zero),
        ["Flag"] = (i & 1) == 0,
    };

    private static TableTransactionAction Add(string pk, int i) => new(TableTransactionActionType.Add, Entity(pk, i));

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string? StringArg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Minimal copy of the test fixture: azurite-table from node_modules on a free port, in memory.</summary>
    internal sealed class AzuriteProcess : IDisposable
    {
        private readonly Process _process;
        private readonly string _workspace;

        private AzuriteProcess(Process process, int port, string workspace, string version)
        {
            _process = process;
            Port = port;
            _workspace = workspace;
            Version = version;
        }

        public int Port { get; }
        public string Version { get; }

        public string ConnectionString =>
            // Azurite's well-known development account and its documented, public key.
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

        public static async Task<AzuriteProcess> StartAsync()
        {
            var (exe, root) = Find();
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var workspace = Directory.CreateTempSubdirectory("bn-azurite-bench-").FullName;
            var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workspace };
            foreach (var a in new[] { "--tableHost", "127.0.0.1", "--tablePort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry" })
                psi.ArgumentList.Add(a);
            var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start " + exe);
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var waited = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}.");
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(100);
                }
            }
            var version = "?";
            var pkg = Path.Combine(root, "node_modules", "azurite", "package.json");
            if (File.Exists(pkg))
            {
                using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(pkg));
                version = doc.RootElement.GetProperty("version").GetString() ?? "?";
            }
            return new AzuriteProcess(process, port, workspace, version);
        }

        private static (string Exe, string Root) Find()
        {
            var name = OperatingSystem.IsWindows() ? "azurite-table.cmd" : "azurite-table";
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", name);
                    if (File.Exists(candidate)) return (candidate, dir.FullName);
                }
            }
            throw new InvalidOperationException("node_modules/.bin/azurite-table not found: run `npm ci` at the repository root (or pass --connection-string).");
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException) { }
            _process.Dispose();
            try { Directory.Delete(_workspace, recursive: true); } catch (IOException) { }
        }
    }
}
