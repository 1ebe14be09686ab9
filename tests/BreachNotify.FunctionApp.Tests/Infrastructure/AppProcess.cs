using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BreachNotify.FunctionApp.Tests.Infrastructure;

/// <summary>
/// The built app (<c>BreachNotify.FunctionApp.dll</c>, standalone) in a child process of its own, configured by
/// environment variables, on a free loopback port. <see cref="Kill"/> is SIGKILL on Unix: no shutdown code runs.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private AppProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What it wrote to stdout and stderr (for a failing test's message).</summary>
    public string Log => string.Join("\n", _log);

    /// <summary>Starts the app with <paramref name="settings"/> (configuration keys, ':' form) and waits until its health endpoint answers.</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan startTimeout)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(RepoPaths.AppOutput, "BreachNotify.FunctionApp.dll")])
        {
            WorkingDirectory = RepoPaths.AppOutput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing"; // no local.settings.json of a developer's
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings) psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new AppProcess(process, new Uri("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) app._log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) app._log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = app.BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException("The app exited while starting:\n" + app.Log);
            try
            {
                if ((await client.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK) return app;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (deadline.Elapsed > startTimeout)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"The app did not answer /api/health within {startTimeout}:\n{app.Log}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>A client on the app with an <c>X-Api-Key</c>.</summary>
    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Kills the process at once (SIGKILL on Unix) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
