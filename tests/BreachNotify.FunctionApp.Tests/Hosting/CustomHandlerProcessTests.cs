using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Hosting;

/// <summary>
/// Starts the built handler as its own process the way the Azure Functions host does: with
/// FUNCTIONS_CUSTOMHANDLER_PORT set, polling GET / until it answers, then forwarding an /api request.
/// </summary>
public sealed class CustomHandlerProcessTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "bn-proc-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private async Task<(HttpClient Client, int Port)> StartAsync()
    {
        var dll = Path.Combine(RepoPaths.HandlerOutput, "BreachNotify.FunctionApp.dll");
        Assert.True(File.Exists(dll), "Build the handler first: " + dll);
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = RepoPaths.HandlerOutput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["Storage__Sqlite__Path"] = Path.Combine(_data, "proc.db");
        psi.Environment["Auth__ApiKeys__0__Name"] = "host-test";
        psi.Environment["Auth__ApiKeys__0__Role"] = "dpo";
        psi.Environment["Auth__ApiKeys__0__KeySha256"] = BreachNotifyFactory.Sha256("process-test-key");
        psi.Environment["ServiceBus__FullyQualifiedNamespace"] = "example.servicebus.windows.net"; // the host path needs a queue; never called here
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:1"; // must be ignored under the host
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        // Like the host: poll GET / until any answer; give up after 60 attempts (the host allows 60 s).
        for (var attempt = 0; attempt < 120; attempt++)
        {
            Assert.False(_process.HasExited, "handler exited early with code " + (_process.HasExited ? _process.ExitCode : 0));
            try
            {
                using var res = await client.GetAsync("/");
                return (client, port);
            }
            catch (HttpRequestException) { await Task.Delay(500); }
        }
        throw new TimeoutException("Handler did not answer GET / in time.");
    }

    [Fact]
    public async Task Handler_listens_on_the_host_port_answers_readiness_and_serves_forwarded_api_routes()
    {
        var (client, _) = await StartAsync();
        var ready = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("functions-host", await ready.Content.ReadAsStringAsync());

        // A forwarded HTTP function keeps its /api path and our own key check still applies.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/incidents")).StatusCode);
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = new StringContent("""{"title":"Forwarded by the host","awareAt":"2026-01-05T10:00:00Z"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        req.Headers.Add("X-Api-Key", "process-test-key");
        var created = await client.SendAsync(req);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var list = new HttpRequestMessage(HttpMethod.Get, "/api/incidents");
        list.Headers.Add("X-Api-Key", "process-test-key");
        var listed = await client.SendAsync(list);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains("Forwarded by the host", await listed.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
