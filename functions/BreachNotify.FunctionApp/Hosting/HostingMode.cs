namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// How this process runs. Started by the Azure Functions host it is an isolated worker (the host owns HTTP, timers and
/// scale-out); started on its own (<c>dotnet run</c>) it is a plain ASP.NET Core app serving the same functions
/// (<see cref="StandaloneHost"/>).
/// </summary>
public sealed record HostingMode(bool UnderFunctionsHost)
{
    public const string DefaultStandaloneUrl = "http://localhost:7071";

    /// <summary>The worker reads the host's gRPC endpoint from this setting (command line <c>--functions-uri</c>).</summary>
    public const string HostEndpointSetting = "Functions:Worker:HostEndpoint";

    public static readonly HostingMode FunctionsHost = new(true);
    public static readonly HostingMode StandaloneMode = new(false);

    public bool Standalone => !UnderFunctionsHost;

    /// <summary>
    /// The Functions host starts the worker with <c>--functions-uri</c> (and older hosts with <c>--host</c>/<c>--port</c>);
    /// the worker cannot start without that endpoint, so its absence means nobody hosts us: run standalone. See
    /// DotNetWorker's WorkerHostBuilderExtensions (switch mappings) in Azure/azure-functions-dotnet-worker.
    /// </summary>
    public static HostingMode Detect(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        if (args.Any(a => a.Equals("--functions-uri", StringComparison.OrdinalIgnoreCase) || a.StartsWith("--functions-uri=", StringComparison.OrdinalIgnoreCase)))
            return FunctionsHost;
        return string.IsNullOrWhiteSpace(environment(HostEndpointSetting.Replace(":", "__", StringComparison.Ordinal))) ? StandaloneMode : FunctionsHost;
    }
}
