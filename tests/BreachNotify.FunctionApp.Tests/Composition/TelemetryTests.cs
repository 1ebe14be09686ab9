using System.Diagnostics.Metrics;
using System.Net;
using Azure.Monitor.OpenTelemetry.Exporter;
using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Telemetry;
using BreachNotify.FunctionApp.Hosting;
using BreachNotify.FunctionApp.Tests.Features.Notices;
using BreachNotify.FunctionApp.Tests.Features.Webhooks;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using BreachNotify.Tests.Shared.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Composition;

/// <summary>The app's own metrics, read from the app's meter factory as an exporter would see them.</summary>
public sealed class TelemetryTests
{
    private static MetricCollector<T> Collect<T>(IServiceProvider services, string instrument) where T : struct
        => new(services.GetRequiredService<IMeterFactory>(), BreachNotifyTelemetry.Name, instrument);

    private static IEnumerable<string> TagValues<T>(MetricCollector<T> collector) where T : struct
        => collector.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values).Select(v => v?.ToString() ?? "");

    [Fact]
    public async Task Webhook_deliveries_are_counted_by_source_and_outcome()
    {
        using var hooks = new WebhookTestClient();
        using var deliveries = Collect<long>(hooks.Factory.Services, "breachnotify.webhook.deliveries");

        await hooks.DeliverAsync(hooks.Signed("generic", VendorSamples.GenericTriggered));
        Assert.Equal(HttpStatusCode.Unauthorized, (await hooks.Anonymous.SendAsync(hooks.Signed("generic", VendorSamples.GenericTriggered, credential: "wrong"))).StatusCode);

        var measured = deliveries.GetMeasurementSnapshot();
        Assert.Equal(1, measured.Count(m => m.Tags["source"] as string == "generic" && m.Tags["outcome"] as string == "accepted"));
        Assert.Equal(1, measured.Count(m => m.Tags["source"] as string == "generic" && m.Tags["outcome"] as string == "unauthorized"));
    }

    [Fact]
    public async Task Notice_jobs_and_their_recipients_are_counted_when_sent_with_no_personal_data_in_attributes()
    {
        using var factory = new NoticesFactory();
        using var jobs = Collect<long>(factory.Services, "breachnotify.notice.jobs");
        using var recipients = Collect<long>(factory.Services, "breachnotify.notice.recipients");
        var dpo = factory.Dpo();
        var id = await NoticeScenario.ConfirmedIncidentAsync(dpo);
        await NoticeScenario.UploadAsync(dpo, id, "email,name,language\r\nanna@example.nl,Anna,nl\r\nbob@example.com,Bob,en\r\n");
        await Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects"}"""), HttpStatusCode.Accepted);

        Assert.Equal(2, await factory.DrainAsync());

        Assert.Equal(2, jobs.GetMeasurementSnapshot().Where(m => m.Tags["outcome"] as string == "sent").Sum(m => m.Value));
        Assert.Equal(2, recipients.GetMeasurementSnapshot().Where(m => m.Tags["outcome"] as string == "sent").Sum(m => m.Value));
        Assert.All(TagValues(jobs).Concat(TagValues(recipients)), v => Assert.DoesNotContain("@", v, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_deadline_sweep_reports_deadlines_by_regime_and_status_zeros_included()
    {
        using var factory = new BreachNotifyFactory();
        using var deadlines = Collect<long>(factory.Services, "breachnotify.deadlines");
        var id = (await Body(await factory.Reporter().PostJson("/api/incidents", """{"title":"CRM export on a public share","awareAt":"2026-03-27T10:15:00+01:00"}"""), HttpStatusCode.Created)).GetProperty("id").GetString();

        await factory.Services.GetRequiredService<DeadlineWatch>().SweepAsync(isPastDue: false);

        var last = deadlines.GetMeasurementSnapshot().Where(m => m.Tags["regime"] as string == "gdpr").ToDictionary(m => (string)m.Tags["status"]!, m => m.Value);
        Assert.Equal(["due-soon", "met", "not-required", "overdue", "pending"], last.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, last["overdue"]);
        Assert.Equal(0, last["met"]);
        // The gauge counts exactly the deadlines the incident shows.
        var shown = (await Body(await factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK)).GetProperty("deadlines").EnumerateArray()
            .Where(d => d.GetProperty("regime").GetString() == "gdpr").GroupBy(d => d.GetProperty("status").GetString()!).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.All(shown, kv => Assert.Equal(kv.Value, last[kv.Key]));
        Assert.Equal(shown.Values.Sum(), last.Values.Sum());
    }

    [Fact]
    public void Both_hosting_modes_register_the_providers_and_Azure_Monitor_exports_with_the_apps_identity()
    {
        using var standalone = new BreachNotifyFactory();
        _ = standalone.CreateClient();
        Assert.NotNull(standalone.Services.GetService<MeterProvider>());
        Assert.NotNull(standalone.Services.GetService<TracerProvider>());

        var worker = FunctionsWorker.CreateBuilder(["--functions-uri", "http://127.0.0.1:1/"]);
        var data = Path.Combine(Path.GetTempPath(), "bn-otel-" + Guid.NewGuid().ToString("N"));
        worker.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = Path.Combine(data, "otel.db"),
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:1/",
        });
        using var host = worker.Build();
        Assert.NotNull(host.Services.GetService<MeterProvider>());
        Assert.NotNull(host.Services.GetService<TracerProvider>());
        // The exporter takes its settings through a callback; the callback gives it the app's one credential.
        var options = new AzureMonitorExporterOptions();
        var credential = host.Services.GetRequiredService<Azure.Core.TokenCredential>();
        BreachNotify.FunctionApp.Composition.TelemetryComposition.ConfigureAzureMonitor(options, "InstrumentationKey=1", credential);
        Assert.Same(credential, options.Credential);
        Assert.Equal("InstrumentationKey=1", options.ConnectionString);
    }
}
