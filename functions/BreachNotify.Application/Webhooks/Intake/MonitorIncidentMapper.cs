using System.Text;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;

namespace BreachNotify.Application.Webhooks.Intake;

public enum MapOutcome
{
    /// <summary>A new external alert: a suspected incident was opened.</summary>
    Opened,

    /// <summary>Recorded on the linked incident, and the monitor's state moved forward.</summary>
    Updated,

    /// <summary>Recorded on the linked incident as late news; the monitor's state was already further along and is kept.</summary>
    OutOfOrder,

    /// <summary>The alert fired again after it was resolved and its incident was already closed or dismissed: a new incident was opened.</summary>
    Reopened,

    /// <summary>Nothing to do: mapped before (a repeated run).</summary>
    AlreadyMapped,
}

/// <summary>Where an external alert stands: the incident it belongs to and the monitor's latest state.</summary>
public sealed record MonitorLink(string IncidentId, AlertStatus Status, string Severity, DateTimeOffset DetectedAt, DateTimeOffset? ChangedAt, string? PreviousIncidentId);

/// <summary>
/// Maps stored alerts onto incidents through the link table <see cref="LinkTable"/>: partition = source, row =
/// SHA-256 hex of the external key (PagerDuty incident id, fingerprint, alertId, "repo#number", Sentinel ARM id).
/// <para>
/// The link row is claimed with an insert before the incident is created under the id it names, so concurrent
/// deliveries of a new external alert open one incident (the loser's insert fails and it records an update). Each
/// step is safe to repeat, so a crash anywhere after the alert was stored is repaired by mapping it again
/// (<see cref="RepairAsync"/>): a claimed link without its incident is completed from the alert that claimed it,
/// and a delivery already on the timeline is not recorded twice.
/// </para>
/// A monitor never sets awareAt nor changes an incident's status: it detects, a person confirms.
/// </summary>
public sealed partial class MonitorIncidentMapper(
    ITableStore store,
    IncidentService incidents,
    WebhookDeliveryStore deliveries,
    TimeProvider time,
    ILogger<MonitorIncidentMapper> logger)
{
    public const string LinkTable = "MonitorIncidents";
    public const string MonitorRole = "monitor";
    private const int MaxAttempts = 8;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableIfNotExistsAsync(LinkTable, cancellationToken);

    public static Actor ActorFor(string source) => new("monitor:" + source, MonitorRole);

    public async Task<MonitorLink?> FindLinkAsync(string source, string externalKey, CancellationToken cancellationToken = default)
    {
        var row = await store.GetAsync(LinkTable, source, StoredMonitorAlert.KeyOf(externalKey), cancellationToken);
        return row is null ? null : ToLink(row);
    }

    /// <summary>
    /// Maps one stored alert. <paramref name="repair"/>: this may be a second run after a crash (checks the timeline
    /// so the delivery is not recorded twice). Marks the alert mapped when done.
    /// </summary>
    public async Task<MapOutcome> MapAsync(AlertRef alertRef, bool repair = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alertRef);
        var record = await deliveries.GetAlertAsync(alertRef.Source, alertRef.DeliveryKey, cancellationToken);
        if (record is null || record.Mapped)
        {
            await deliveries.ClearPendingAsync(alertRef.Source, alertRef.DeliveryKey, cancellationToken);
            return MapOutcome.AlreadyMapped;
        }

        for (var attempt = 1; ; attempt++)
        {
            var (outcome, incidentId) = await TryMapAsync(record.Alert, repair, cancellationToken);
            if (outcome is { } done)
            {
                await deliveries.MarkMappedAsync(alertRef.Source, alertRef.DeliveryKey, incidentId!, cancellationToken);
                LogMapped(alertRef.Source, alertRef.DeliveryKey, incidentId!, done);
                return done;
            }

            if (attempt >= MaxAttempts)
                throw new ConcurrencyConflictException($"Alert {alertRef.DeliveryKey} from {alertRef.Source}: link changed concurrently {MaxAttempts} times.");
        }
    }

    /// <summary>Maps every alert stored at or before <paramref name="receivedBy"/> and still pending (after a crash or a failed attempt).</summary>
    public async Task<RepairReport> RepairAsync(DateTimeOffset receivedBy, CancellationToken cancellationToken = default)
    {
        var mapped = 0;
        var failed = 0;
        await foreach (var pending in deliveries.ListPendingAsync(receivedBy, cancellationToken))
        {
            try
            {
                await MapAsync(pending, repair: true, cancellationToken);
                mapped++;
            }
            catch (Exception ex) when (ex is StorageException or Domain.Common.DomainValidationException or InvalidOperationException)
            {
                failed++;
                LogRepairFailed(pending.Source, pending.DeliveryKey, RedactedException.Of(ex));
            }
        }
        return new RepairReport(mapped, failed);
    }

    /// <returns>The outcome and incident id, or a null outcome when the link changed under us (try again).</returns>
    private async Task<(MapOutcome? Outcome, string? IncidentId)> TryMapAsync(StoredMonitorAlert alert, bool repair, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = await store.GetAsync(LinkTable, alert.Source, alert.ExternalKeyHash, cancellationToken);
        if (row is null)
        {
            var id = Ids.New("inc", now);
            try
            {
                await store.AddAsync(LinkTable, NewLink(alert, id, previousIncidentId: null, now), cancellationToken);
            }
            catch (EntityAlreadyExistsException)
            {
                return (null, null); // another delivery claimed it first: record ours as an update
            }
            await OpenAsync(id, alert, previousIncidentId: null, cancellationToken);
            return (MapOutcome.Opened, id);
        }

        var link = ToLink(row);
        var createdFrom = row.GetString("CreatedFrom")!;
        var stored = await incidents.FindAsync(link.IncidentId, cancellationToken);
        if (stored is null)
        {
            // The claimer has not created it yet (or crashed before): create it from the claiming alert, so whoever
            // gets there writes the same incident; the loser of that race sees it exist.
            var creator = createdFrom == alert.DeliveryKey
                ? alert
                : (await deliveries.GetAlertAsync(alert.Source, createdFrom, cancellationToken))?.Alert
                  ?? throw new InvalidOperationException($"Link {alert.ExternalKeyHash} names a claiming alert that is not stored.");
            await OpenAsync(link.IncidentId, creator, link.PreviousIncidentId, cancellationToken);
            stored = await incidents.GetAsync(link.IncidentId, cancellationToken);
        }

        if (createdFrom == alert.DeliveryKey) return (MapOutcome.Opened, link.IncidentId);

        var lastDelivery = row.GetString("LastDelivery");
        if ((repair || lastDelivery == alert.DeliveryKey) && await OnTimelineAsync(link.IncidentId, alert.DeliveryKey, cancellationToken))
            return (MapOutcome.AlreadyMapped, link.IncidentId);

        if (lastDelivery == alert.DeliveryKey)
        {
            // The link was moved forward by this very alert, and the run stopped before the timeline entry: write it now.
            var previous = row.GetString("PreviousStatus") is { } p ? AlertStatusText.Parse(p) : link.Status;
            await RecordAsync(link.IncidentId, alert, StatusChange(previous, alert.Status), supersedes: true, null, cancellationToken);
            return (MapOutcome.Updated, link.IncidentId);
        }

        var supersedes = Supersedes(link, alert);
        if (supersedes && alert.Status == AlertStatus.Triggered && link.Status == AlertStatus.Resolved && !stored.Incident.Status.IsOpen())
        {
            // Fired again after it was resolved, and people have finished with the old incident: this is a new detection.
            var id = Ids.New("inc", now);
            var moved = NewLink(alert, id, link.IncidentId, now);
            moved.ETag = row.ETag;
            try
            {
                await store.UpdateAsync(LinkTable, moved, row.ETag!, cancellationToken);
            }
            catch (ConcurrencyConflictException)
            {
                return (null, null);
            }
            await OpenAsync(id, alert, link.IncidentId, cancellationToken);
            await RecordAsync(link.IncidentId, alert, StatusChange(link.Status, alert.Status), supersedes: false,
                $"The alert fired again after it was resolved; this incident is {stored.Incident.Status.ToWire()}, so incident {id} was opened for it.",
                cancellationToken);
            return (MapOutcome.Reopened, id);
        }

        if (supersedes)
        {
            var status = alert.Status == AlertStatus.Updated ? link.Status : alert.Status;
            var update = new TableEntity(alert.Source, alert.ExternalKeyHash)
            {
                ["Status"] = status.ToWire(),
                ["PreviousStatus"] = link.Status.ToWire(),
                ["Severity"] = alert.Severity,
                ["DetectedAt"] = alert.DetectedAt > link.DetectedAt ? alert.DetectedAt : link.DetectedAt,
                ["ChangedAt"] = alert.ChangedAt ?? link.ChangedAt,
                ["LastDelivery"] = alert.DeliveryKey,
            };
            try
            {
                await store.MergeAsync(LinkTable, update, row.ETag!, cancellationToken);
            }
            catch (ConcurrencyConflictException)
            {
                return (null, null);
            }
            await RecordAsync(link.IncidentId, alert, StatusChange(link.Status, status), supersedes: true, null, cancellationToken);
            return (MapOutcome.Updated, link.IncidentId);
        }

        await RecordAsync(link.IncidentId, alert, [], supersedes: false,
            $"Arrived out of order: the monitor had already reported this alert {link.Status.ToWire()}; that state is kept.", cancellationToken);
        return (MapOutcome.OutOfOrder, link.IncidentId);
    }

    /// <summary>
    /// Whether a delivery is newer than what the link holds. With event times on both sides, the later one wins (a
    /// tie goes to the further status). Without them, a later detection is a new firing; the same detection moves
    /// forward only (triggered, acknowledged, resolved). "updated" never changes the status.
    /// </summary>
    public static bool Supersedes(MonitorLink link, StoredMonitorAlert alert)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(alert);
        if (link.ChangedAt is { } held && alert.ChangedAt is { } incoming)
            return incoming > held || (incoming == held && (alert.Status == AlertStatus.Updated || Rank(alert.Status) >= Rank(link.Status)));
        if (alert.DetectedAt != link.DetectedAt) return alert.DetectedAt > link.DetectedAt;
        return alert.Status == AlertStatus.Updated || Rank(alert.Status) >= Rank(link.Status);
    }

    private static int Rank(AlertStatus status) => status switch
    {
        AlertStatus.Triggered => 0,
        AlertStatus.Acknowledged => 1,
        AlertStatus.Resolved => 2,
        _ => 0,
    };

    private static IReadOnlyList<FieldChange> StatusChange(AlertStatus from, AlertStatus to) =>
        from == to || to == AlertStatus.Updated ? [] : [new FieldChange("monitorStatus", from.ToWire(), to.ToWire())];

    private async Task OpenAsync(string id, StoredMonitorAlert alert, string? previousIncidentId, CancellationToken cancellationToken)
    {
        var draft = new IncidentDraft
        {
            Title = alert.Title,
            Description = Describe(alert),
            Source = SourceOf(alert),
            // A sender's clock may run ahead of ours (detection cannot be in the future), and a time before 2000 is a
            // sender's placeholder (the Unix epoch...) that incidents refuse: both become the time we received it.
            DetectedAt = alert.DetectedAt <= time.GetUtcNow() && alert.DetectedAt >= InstantWindow.Earliest ? alert.DetectedAt : time.GetUtcNow(),
            Note = previousIncidentId is null
                ? $"Opened from a {alert.Source} alert. A monitor detects; confirm the breach (awareAt) once a person has established it."
                : $"Opened from a {alert.Source} alert that fired again after incident {previousIncidentId} was finished.",
        };
        var actor = ActorFor(alert.Source);
        await incidents.OpenAsync(id, draft, actor, (incident, now) =>
            incident.RecordMonitorUpdate(null, [new FieldChange("monitorStatus", null, alert.Status.ToWire())],
                alert.Status == AlertStatus.Resolved ? "The monitor already reports this alert resolved; a person still decides whether it was a breach." : null,
                Details(alert), actor, now),
            cancellationToken);
    }

    private Task RecordAsync(string incidentId, StoredMonitorAlert alert, IReadOnlyList<FieldChange> changes, bool supersedes, string? note, CancellationToken cancellationToken)
    {
        note ??= alert.Status == AlertStatus.Resolved && changes.Count > 0
            ? "The monitor reports the alert resolved. Nothing is closed or deleted: a person decides."
            : null;
        return incidents.ChangeAsync(incidentId, null, (incident, now) =>
            incident.RecordMonitorUpdate(supersedes ? SourceOf(alert) with { Link = SourceOf(alert).Link ?? incident.State.Source.Link } : null,
                changes, note, Details(alert), ActorFor(alert.Source), now),
            cancellationToken);
    }

    private async Task<bool> OnTimelineAsync(string incidentId, string deliveryKey, CancellationToken cancellationToken)
    {
        var marker = $"\"deliveryKey\":\"{deliveryKey}\"";
        var timeline = await incidents.GetTimelineAsync(incidentId, cancellationToken);
        return timeline.Any(e => e.Details?.Contains(marker, StringComparison.Ordinal) == true);
    }

    private static IncidentSource SourceOf(StoredMonitorAlert alert) => new(alert.Source, alert.ExternalKey, alert.Link, alert.Severity);

    /// <summary>
    /// The alert's description followed by its context (repository and secret type, alert rule and target resources,
    /// Sentinel incident number and products...), so a reporter sees at once which system is concerned.
    /// </summary>
    public static string Describe(StoredMonitorAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var text = new StringBuilder();
        if (alert.Description is not null) text.Append(alert.Description).Append("\n\n");
        text.Append("Reported by ").Append(alert.Source).Append(" (external id ").Append(alert.ExternalKey).Append("), severity ").Append(alert.Severity).Append('.');
        foreach (var (key, value) in alert.Context)
            text.Append('\n').Append(key).Append(": ").Append(value);
        if (alert.Link is not null) text.Append("\nLink: ").Append(alert.Link);
        return StoredMonitorAlert.Cut(text.ToString(), Incident.MaxTextLength);
    }

    /// <summary>What the timeline keeps of a delivery: status, severity, times and context; never the payload.</summary>
    private static string Details(StoredMonitorAlert alert) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["deliveryKey"] = alert.DeliveryKey,
        ["source"] = alert.Source,
        ["deliveryId"] = alert.DeliveryId,
        ["status"] = alert.Status.ToWire(),
        ["severity"] = alert.Severity,
        ["detectedAt"] = Incident.Format(alert.DetectedAt),
        ["changedAt"] = Incident.Format(alert.ChangedAt),
        ["receivedAt"] = Incident.Format(alert.ReceivedAt),
        ["context"] = alert.Context,
    }, StoredJson.Options);

    private static TableEntity NewLink(StoredMonitorAlert alert, string incidentId, string? previousIncidentId, DateTimeOffset now) =>
        new(alert.Source, alert.ExternalKeyHash)
        {
            ["IncidentId"] = incidentId,
            ["ExternalKey"] = alert.ExternalKey,
            ["Status"] = alert.Status.ToWire(),
            ["Severity"] = alert.Severity,
            ["DetectedAt"] = alert.DetectedAt,
            ["ChangedAt"] = alert.ChangedAt,
            ["CreatedFrom"] = alert.DeliveryKey,
            ["LastDelivery"] = alert.DeliveryKey,
            ["PreviousIncidentId"] = previousIncidentId,
            ["ClaimedAt"] = now,
        };

    private static MonitorLink ToLink(TableEntity row) => new(
        row.GetString("IncidentId")!,
        AlertStatusText.Parse(row.GetString("Status")),
        row.GetString("Severity") ?? AlertSeverity.Medium,
        row.GetDateTimeOffset("DetectedAt")!.Value,
        row.GetDateTimeOffset("ChangedAt"),
        row.GetString("PreviousIncidentId"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {DeliveryKey} from {Source} mapped to incident {IncidentId}: {Outcome}")]
    private partial void LogMapped(string source, string deliveryKey, string incidentId, MapOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of alert {DeliveryKey} from {Source} failed; retried on the next sweep")]
    private partial void LogRepairFailed(string source, string deliveryKey, Exception exception);
}

public sealed record RepairReport(int Mapped, int Failed);
