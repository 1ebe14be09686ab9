using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using BreachNotify.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace BreachNotify.FunctionApp.Tests.Infrastructure;

/// <summary>
/// The real app on the test server: its own SQLite file, a settable clock, one key per role, timers not self-driven.
/// </summary>
public class BreachNotifyFactory : WebApplicationFactory<Program>
{
    public const string ViewerKey = "viewer-key-0123456789";
    public const string ReporterKey = "reporter-key-0123456789";
    public const string DpoKey = "dpo-key-0123456789";

    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "bn-handler-" + Guid.NewGuid().ToString("N"));

    /// <summary>Leave the data folder on dispose (to restart the app on the same database).</summary>
    public bool KeepData { get; set; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero));

    /// <summary>When set, every log entry of the app is captured here too (tests of what reaches the log).</summary>
    public LogCapture? Logs { get; init; }

    /// <summary>Extra settings a test class needs (applied after the defaults).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The settings the app starts with: the test defaults, then <see cref="Settings"/>.</summary>
    private Dictionary<string, string?> EffectiveSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = Path.Combine(DataDirectory, "test.db"),
            ["Standalone:RunTimers"] = "false",
            ["Auth:ApiKeys:0:Name"] = "vera",
            ["Auth:ApiKeys:0:Role"] = "viewer",
            ["Auth:ApiKeys:0:KeySha256"] = Sha256(ViewerKey),
            ["Auth:ApiKeys:1:Name"] = "sam",
            ["Auth:ApiKeys:1:Role"] = "reporter",
            ["Auth:ApiKeys:1:KeySha256"] = Sha256(ReporterKey),
            ["Auth:ApiKeys:2:Name"] = "dana",
            ["Auth:ApiKeys:2:Role"] = "dpo",
            ["Auth:ApiKeys:2:KeySha256"] = Sha256(DpoKey),
            ["Api:MaxRequestBodyBytes"] = "65536",
        };
        foreach (var (k, v) in Settings) settings[k] = v;
        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (k, v) in EffectiveSettings()) builder.UseSetting(k, v);
        if (Logs is not null) builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>
    /// Starts the app with these settings as <c>dotnet run</c> builds it (no test server; loopback, any port) and returns
    /// why it refused to start, or null when it started (it is stopped again). Tests of start-up validation use this
    /// rather than <c>Server</c>: when a minimal-hosting app fails to start under WebApplicationFactory, the factory
    /// sometimes reports an ObjectDisposedException from its own disposed service provider instead of the failure.
    /// </summary>
    public Exception? StartupFailure()
    {
        var args = EffectiveSettings().Select(kv => $"--{kv.Key}={kv.Value}")
            .Concat(["--environment=Testing", "--urls=http://127.0.0.1:0"]).ToArray();
        try
        {
            using var app = BreachNotify.FunctionApp.Hosting.StandaloneHost.Build(args);
            app.StartAsync().GetAwaiter().GetResult();
            app.StopAsync().GetAwaiter().GetResult();
            return null;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            return ex;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    public HttpClient ClientFor(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient Viewer() => ClientFor(ViewerKey);
    public HttpClient Reporter() => ClientFor(ReporterKey);
    public HttpClient Dpo() => ClientFor(DpoKey);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepData) return;
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
