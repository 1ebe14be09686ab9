using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BreachNotify.Application.Telemetry;

/// <summary>
/// BreachNotify's own OpenTelemetry instruments (meter and activity source <see cref="Name"/>). Attributes carry only
/// closed vocabularies — outcomes, notice kinds, monitor sources, deadline statuses, regimes — never ids of people,
/// addresses, names or payloads, so telemetry exported to a vendor holds no personal data.
/// Semantic names follow https://opentelemetry.io/docs/specs/semconv/general/metrics/ (dotted, units in braces).
/// </summary>
public sealed class BreachNotifyTelemetry
{
    public const string Name = "BreachNotify";

    /// <summary>Spans of our own use cases (sweeps, drains, intake).</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _noticeJobs;
    private readonly Counter<long> _noticeRecipients;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Gauge<long> _deadlines;

    public BreachNotifyTelemetry(IMeterFactory meters)
        : this((meters ?? throw new ArgumentNullException(nameof(meters))).Create(Name))
    {
    }

    private BreachNotifyTelemetry(Meter meter)
    {
        _noticeJobs = meter.CreateCounter<long>("breachnotify.notice.jobs", "{job}",
            "Notice jobs settled by the queue consumer: outcome sent, failed (refused for good or retries exhausted) or dead-lettered.");
        _noticeRecipients = meter.CreateCounter<long>("breachnotify.notice.recipients", "{recipient}",
            "Recipients in notice jobs that were sent or failed, by outcome.");
        _webhookDeliveries = meter.CreateCounter<long>("breachnotify.webhook.deliveries", "{delivery}",
            "Monitor webhook requests by source and outcome (accepted, unauthorized, malformed).");
        _deadlines = meter.CreateGauge<long>("breachnotify.deadlines", "{deadline}",
            "Deadlines of open incidents by regime and status, as the last DeadlineWatch sweep computed them.");
    }

    /// <summary>Instruments on a meter of their own, outside any container (benchmarks, hand-built test harnesses).</summary>
    public static BreachNotifyTelemetry Detached() => new(new Meter(Name));

    public static class NoticeOutcome
    {
        public const string Sent = "sent";
        public const string Failed = "failed";
        public const string DeadLettered = "dead-lettered";
    }

    public void NoticeJob(string outcome, int recipients = 0)
    {
        _noticeJobs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (recipients > 0) _noticeRecipients.Add(recipients, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void WebhookDelivery(string source, string outcome)
        => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One value per (regime, status) seen in a sweep; statuses not seen are recorded as 0 so a gauge drops to zero.</summary>
    public void Deadlines(IEnumerable<(string Regime, string Status, long Count)> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var (regime, status, count) in counts)
            _deadlines.Record(count, new KeyValuePair<string, object?>("regime", regime), new KeyValuePair<string, object?>("status", status));
    }
}
