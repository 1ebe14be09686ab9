using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BreachNotify.Adapters.Tests.AzureTables;

/// <summary>
/// Starts Azurite's Table service from the repository's node_modules (pinned in package.json; run <c>npm ci</c> at the
/// repository root first) on a free loopback port with in-memory persistence, and stops it (whole process tree) afterwards.
/// Missing node_modules is a failure, never a skip.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Process? _process;
    private readonly StringBuilder _output = new();
    private string? _workspace;

    public int Port { get; private set; }

    /// <summary>Azurite's well-known development account and its documented, public key (not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public Uri TableEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint={TableEndpoint};";

    /// <summary>The exact arguments Azurite is started with (its working directory is a fresh temp folder; --location cannot be combined with --inMemoryPersistence).</summary>
    public static string[] Arguments(int port) =>
    [
        "--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
    ];

    public async Task InitializeAsync()
    {
        var executable = FindAzuriteTable();
        Port = FreePort();
        _workspace = Directory.CreateTempSubdirectory("bn-azurite-").FullName;
        var psi = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _workspace,
        };
        foreach (var a in Arguments(Port)) psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {executable}.");
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Wait until the port accepts connections (bounded; Azurite normally needs well under a second).
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} during start-up:\n{Output}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
        }
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            catch (InvalidOperationException) { /* already gone */ }
        }
        _process?.Dispose();
        if (_workspace is not null)
        {
            try { Directory.Delete(_workspace, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Walks up from the test assembly to the repository root (the folder with BreachNotify.sln) and finds node_modules/.bin/azurite-table.</summary>
    public static string FindAzuriteTable()
    {
        var names = OperatingSystem.IsWindows() ? new[] { "azurite-table.cmd", "azurite.cmd" } : new[] { "azurite-table", "azurite" };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", name);
                if (File.Exists(candidate)) return candidate;
            }
            if (File.Exists(Path.Combine(dir.FullName, "BreachNotify.sln")) || File.Exists(Path.Combine(dir.FullName, "package.json")))
            {
                throw new InvalidOperationException(
                    $"Azurite is not installed: {Path.Combine(dir.FullName, "node_modules", ".bin", names[0])} does not exist. " +
                    $"Run `npm ci` in {dir.FullName} (installs the azurite version pinned in package.json), then run the tests again.");
            }
        }
        throw new InvalidOperationException("Could not find the repository root (BreachNotify.sln) above " + AppContext.BaseDirectory + "; run `npm ci` at the repository root.");
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
