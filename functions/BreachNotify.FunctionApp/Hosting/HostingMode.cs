namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// How the handler runs. Under the Azure Functions host it listens where the host tells it and the host drives
/// timers and queues (POST /{FunctionName}); standalone it serves the same routes and runs that work in-process.
/// </summary>
public sealed record HostingMode(bool UnderFunctionsHost, int? CustomHandlerPort)
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string DefaultStandaloneUrl = "http://localhost:7071";

    public bool Standalone => !UnderFunctionsHost;

    public static HostingMode Detect(IConfiguration configuration)
    {
        var port = configuration[PortVariable];
        if (string.IsNullOrWhiteSpace(port)) return new HostingMode(false, null);
        if (!int.TryParse(port, out var p) || p is < 1 or > 65535)
            throw new InvalidOperationException($"{PortVariable} must be a TCP port number.");
        return new HostingMode(true, p);
    }

    /// <summary>
    /// Under the host: 127.0.0.1:{port} only (the host is the sole client). Standalone: the usual ASP.NET Core
    /// settings (--urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS) win; otherwise the Functions port 7071.
    /// </summary>
    public void ConfigureUrls(WebApplicationBuilder builder)
    {
        if (UnderFunctionsHost)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{CustomHandlerPort}");
            return;
        }
        var c = builder.Configuration;
        if (string.IsNullOrEmpty(c["urls"]) && string.IsNullOrEmpty(c["http_ports"]) && string.IsNullOrEmpty(c["https_ports"]))
            builder.WebHost.UseUrls(DefaultStandaloneUrl);
    }
}
