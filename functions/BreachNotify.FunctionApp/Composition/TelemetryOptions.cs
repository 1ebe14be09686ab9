namespace BreachNotify.FunctionApp.Composition;

/// <summary>
/// Section <c>Telemetry</c>. Where traces and metrics go is chosen by the standard settings:
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (Azure Monitor, authenticated with the app's identity in Azure) and
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (any OTLP collector); this section adds the console for local diagnosis.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Also write spans and metrics to standard output.</summary>
    public bool Console { get; set; }

    /// <summary>The <c>service.name</c> of the OpenTelemetry resource.</summary>
    public string ServiceName { get; set; } = "breachnotify";
}
