using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using BreachNotify.Application.Telemetry;
using BreachNotify.FunctionApp.Hosting;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BreachNotify.FunctionApp.Composition;

public static class TelemetryComposition
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OpenTelemetry traces and metrics in both hosting modes: our meter and activity source
    /// (<see cref="BreachNotifyTelemetry"/>), outgoing HTTP (SendGrid), and incoming HTTP standalone; under the Functions
    /// host the worker's defaults (resource detection, the worker's activity source; host.json's
    /// <c>telemetryMode: OpenTelemetry</c> makes the host emit OpenTelemetry too). Exporters follow the settings; with
    /// none set nothing leaves the process.
    /// </summary>
    public static IServiceCollection AddBreachNotifyTelemetry(this IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(mode);
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ServiceName), "Telemetry:ServiceName is required.").ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<BreachNotifyTelemetry>();

        // Exporters are chosen while the services are composed, so read the settings directly here.
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(string.IsNullOrWhiteSpace(options.ServiceName) ? "breachnotify" : options.ServiceName))
            .WithTracing(t =>
            {
                t.AddSource(BreachNotifyTelemetry.Name).AddHttpClientInstrumentation();
                if (mode.Standalone) t.AddAspNetCoreInstrumentation();
                if (options.Console) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(BreachNotifyTelemetry.Name).AddHttpClientInstrumentation();
                if (mode.Standalone) m.AddAspNetCoreInstrumentation();
                if (options.Console) m.AddConsoleExporter();
            });
        if (mode.UnderFunctionsHost) otel.UseFunctionsWorkerDefaults();
        if (!string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]))
        {
            // Local authentication is off on the Application Insights resource: export with the app's identity.
            var credential = AzureCredentialComposition.Credential(services, configuration);
            var connectionString = configuration[AzureMonitorSetting]!;
            otel.UseAzureMonitorExporter(o => ConfigureAzureMonitor(o, connectionString, credential));
        }
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting])) otel.UseOtlpExporter();
        return services;
    }

    /// <summary>The Azure Monitor exporter's settings: the connection string, and Entra ID authentication with the app's credential.</summary>
    public static void ConfigureAzureMonitor(AzureMonitorExporterOptions options, string connectionString, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConnectionString = connectionString;
        options.Credential = credential;
    }
}
