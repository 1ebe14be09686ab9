using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>Runs scripts/package.sh once (a real self-contained linux-x64 publish) for all tests of the class.</summary>
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

public sealed class PackageTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    // Unix mode bits live in the high 16 bits of a zip entry's external attributes when made on Unix.
    private static int Mode(ZipArchiveEntry e) => (e.ExternalAttributes >> 16) & 0xFFFF;

    private static string ExecutablePath(ZipArchive zip)
    {
        using var s = zip.GetEntry("host.json")!.Open();
        using var doc = JsonDocument.Parse(s);
        return doc.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
    }

    [Fact]
    public void Host_json_is_at_the_root_and_identical_to_the_repository_copy()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var entry = zip.GetEntry("host.json");
        Assert.NotNull(entry);
        using var reader = new StreamReader(entry.Open());
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.FunctionApp, "host.json")), reader.ReadToEnd());
    }

    [Fact]
    public void Every_function_folder_is_packaged_with_its_function_json()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var expected = System.IO.Directory.GetDirectories(RepoPaths.FunctionApp)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(d => Path.GetFileName(d) + "/function.json").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        var packaged = zip.Entries.Select(e => e.FullName).Where(n => n.EndsWith("/function.json", StringComparison.Ordinal) && n.Count(c => c == '/') == 1).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, packaged);
        foreach (var f in expected)
        {
            using var reader = new StreamReader(zip.GetEntry(f)!.Open());
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.FunctionApp, f)), reader.ReadToEnd());
        }
    }

    [Fact]
    public void The_executable_host_json_names_is_in_the_package_and_executable()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var exe = ExecutablePath(zip);
        Assert.Equal("handler/BreachNotify.FunctionApp", exe);
        var entry = zip.GetEntry(exe);
        Assert.NotNull(entry);
        var mode = Mode(entry);
        Assert.True((mode & 0xF000) == 0x8000, $"not a regular file: mode {Convert.ToString(mode, 8)}");
        Assert.True((mode & 0b001_001_001) == 0b001_001_001, $"not executable: mode {Convert.ToString(mode, 8)}");
        // Self-contained: the runtime ships in the package (the custom runtime image promises no .NET).
        Assert.NotNull(zip.GetEntry("handler/libcoreclr.so"));
        Assert.NotNull(zip.GetEntry("handler/BreachNotify.FunctionApp.dll"));
        Assert.NotNull(zip.GetEntry("handler/appsettings.json"));
        // Only the executable needs the bit.
        Assert.All(zip.Entries.Where(e => e.FullName.EndsWith(".json", StringComparison.Ordinal)), e => Assert.Equal(0, Mode(e) & 0b001_001_001));
    }

    [Fact]
    public void Nothing_but_host_json_function_folders_and_the_handler_is_packaged()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var tops = zip.Entries.Select(e => e.FullName.Split('/')[0]).Distinct().ToList();
        var functionFolders = System.IO.Directory.GetDirectories(RepoPaths.FunctionApp).Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName);
        Assert.Equal(functionFolders.Append("handler").Append("host.json").Order(StringComparer.Ordinal), tops.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("local.settings", StringComparison.Ordinal) || e.FullName.EndsWith(".pdb", StringComparison.Ordinal));
    }

    private async Task RunUnpackedAsync(bool underHost, string name)
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
            throw new InvalidOperationException("The package is linux-x64; this test runs it and needs linux-x64.");
        var dir = Path.Combine(package.Directory, name);
        // Unpack keeping unix modes, as the host does (ZipFile.ExtractToDirectory applies them on Unix since .NET 7).
        ZipFile.ExtractToDirectory(package.Zip, dir, overwriteFiles: true);
        var port = FreePort();
        var psi = new ProcessStartInfo(Path.Combine(dir, "handler", "BreachNotify.FunctionApp"))
        {
            WorkingDirectory = Path.Combine(dir, "handler"), // host.json's workingDirectory
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var p = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (underHost) psi.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = p;
        if (underHost) psi.Environment["ServiceBusConnection__fullyQualifiedNamespace"] = "example.servicebus.windows.net"; // the notices queue; never called here
        else psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:" + p;
        psi.Environment["Storage__Sqlite__Path"] = Path.Combine(package.Directory, name + "-data", "pkg.db");
        // Self-contained: must not need a machine-wide runtime.
        psi.Environment.Remove("DOTNET_ROOT");
        psi.Environment["DOTNET_MULTILEVEL_LOOKUP"] = "0";
        using var process = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + p), Timeout = TimeSpan.FromSeconds(5) };
            HttpResponseMessage? ready = null;
            for (var attempt = 0; attempt < 120 && ready is null; attempt++)
            {
                Assert.False(process.HasExited, "handler exited early:\n" + string.Join("\n", log));
                try { ready = await client.GetAsync("/"); }
                catch (HttpRequestException) { await Task.Delay(500); }
            }
            Assert.NotNull(ready);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var health = await client.GetAsync("/api/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Contains(underHost ? "functions-host" : "standalone", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(process.HasExited);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public Task The_unpacked_handler_starts_as_the_host_starts_it() => RunUnpackedAsync(underHost: true, "host");

    /// <summary>Standalone, the timer service loads the function folders at start-up: from the package layout it
    /// must find host.json one folder above the handler (FunctionCatalog.Load), or the app stops.</summary>
    [Fact]
    public Task The_unpacked_handler_runs_standalone_and_finds_host_json_above_it() => RunUnpackedAsync(underHost: false, "standalone");

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
