using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Hosting;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>Runs scripts/package.sh once (a real `dotnet publish`) for all tests of the class.</summary>
public sealed class PackageFixture : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "bn-package-" + Guid.NewGuid().ToString("N"));

    public string Zip => Path.Combine(Directory, "breachnotify.zip");

    public string Output { get; }

    public PackageFixture()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var psi = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "package.sh"), Zip])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment.Remove("PUBLISH_DIR");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(entireProcessTree: true); throw new TimeoutException("package.sh took over 10 minutes"); }
        Output = stdout.Result + stderr.Result;
        if (p.ExitCode != 0) throw new InvalidOperationException($"package.sh failed ({p.ExitCode}):\n{Output}");
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The deployment zip holds what the Functions host reads for a dotnet-isolated app, and nothing of the old custom handler.</summary>
public sealed class PackageTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    [Fact]
    public void Host_json_is_at_the_root_and_identical_to_the_project_copy()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var entry = zip.GetEntry("host.json");
        Assert.NotNull(entry);
        using var reader = new StreamReader(entry.Open());
        var packaged = reader.ReadToEnd();
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.FunctionApp, "host.json")), packaged);
        using var doc = JsonDocument.Parse(packaged);
        Assert.False(doc.RootElement.TryGetProperty("customHandler", out _));
        Assert.Equal("api", doc.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void The_worker_its_generated_metadata_and_extensions_are_at_the_root()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        Assert.NotNull(zip.GetEntry("BreachNotify.FunctionApp.dll"));
        Assert.NotNull(zip.GetEntry("extensions.json"));
        Assert.Contains(zip.Entries, e => e.FullName.StartsWith(".azurefunctions/", StringComparison.Ordinal));
        using var metadata = JsonDocument.Parse(zip.GetEntry("functions.metadata")!.Open());
        var packaged = FunctionMetadata.Read(metadata.RootElement);
        Assert.Equal(FunctionMetadata.FromFunctionClasses(), packaged);
    }

    [Fact]
    public void Nothing_of_the_custom_handler_nor_local_settings_or_symbols_is_packaged()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith("function.json", StringComparison.Ordinal));
        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("handler/", StringComparison.Ordinal));
        Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("local.settings", StringComparison.Ordinal) || e.FullName.EndsWith(".pdb", StringComparison.Ordinal));
    }

    /// <summary>Unpacked as the platform unpacks it and started without a host, the same build serves standalone.</summary>
    [Fact]
    public async Task The_unpacked_package_runs_standalone()
    {
        var dir = Path.Combine(package.Directory, "unpacked");
        ZipFile.ExtractToDirectory(package.Zip, dir, overwriteFiles: true);
        var port = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(dir, "BreachNotify.FunctionApp.dll")])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:" + port;
        psi.Environment["Storage__Sqlite__Path"] = Path.Combine(package.Directory, "data", "pkg.db");
        psi.Environment["Email__Outbox__Directory"] = Path.Combine(package.Directory, "outbox");
        using var process = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + port), Timeout = TimeSpan.FromSeconds(5) };
            HttpResponseMessage? health = null;
            for (var attempt = 0; attempt < 120 && health is null; attempt++)
            {
                Assert.False(process.HasExited, "the app exited early:\n" + string.Join("\n", log));
                try { health = await client.GetAsync("/api/health"); }
                catch (HttpRequestException) { await Task.Delay(500); }
            }
            Assert.NotNull(health);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Contains("standalone", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/incidents")).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
