using System.Globalization;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Webhooks.Intake;

/// <summary>A stored alert's address: its source (partition) and delivery key.</summary>
public sealed record AlertRef(string Source, string DeliveryKey);

/// <summary>What the intake did with one verified request.</summary>
public sealed record IntakeResult(string RequestId, int Alerts, IReadOnlyList<AlertRef> Accepted, int Duplicates);

public sealed record StoredAlertRecord(StoredMonitorAlert Alert, bool Mapped, string? IncidentId);

/// <summary>One request as the delivery log shows it. Failed verifications carry no alerts, and no body is ever kept.</summary>
public sealed record DeliveryRecord(
    string Id,
    string Source,
    DateTimeOffset ReceivedAt,
    string Verification,
    int HttpStatus,
    long BodyBytes,
    int AlertCount,
    int Accepted,
    int Duplicates,
    string? ErrorField,
    long SuppressedBefore,
    IReadOnlyList<DeliveredAlert> Alerts);

public sealed record DeliveredAlert(string DeliveryId, string ExternalKey, string Status, string Title, string Severity, bool Mapped, string? IncidentId);

public sealed record DeliveryPage(IReadOnlyList<DeliveryRecord> Items, int Page, int PageSize, bool HasMore);

/// <summary>
/// The table <see cref="Table"/>, one partition per source, holding three kinds of rows:
/// <list type="bullet">
/// <item><c>a-{sha256(DeliveryId)}</c>: the stored alert (dedupe: adding it twice fails), later marked mapped.</item>
/// <item><c>p-{sha256(DeliveryId)}</c>: "not yet mapped", written in the same transaction as the alert, deleted once
/// mapped: the repair sweep reads this prefix of each source's partition (never a scan).</item>
/// <item><c>r-{inverted ticks}-{request id}</c>: the delivery log, newest first: verification outcome, status, counts;
/// never a body.</item>
/// </list>
/// </summary>
public sealed class WebhookDeliveryStore(ITableStore store, TimeProvider time, IOptionsMonitor<WebhookOptions> options)
{
    public const string Table = "WebhookDeliveries";
    public const int MaxAlertsListed = 20;
    private const string AlertPrefix = "a-";
    private const string PendingPrefix = "p-";
    private const string RequestPrefix = "r-";
    private readonly FailedAttemptLimiter _limiter = new();

    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.CreateTableIfNotExistsAsync(Table, cancellationToken);

    /// <summary>
    /// Stores each alert with its pending marker, atomically, unless its delivery key was seen before (a redelivery),
    /// then logs the request. Returns the newly stored alerts, to be mapped.
    /// </summary>
    public async Task<IntakeResult> AcceptAsync(string source, IReadOnlyList<MonitorAlert> alerts, long bodyBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var now = time.GetUtcNow();
        var requestId = Ids.New("whd", now);
        var stored = alerts.Select(a => StoredMonitorAlert.From(a, now)).ToList();
        var log = RequestRow(source, now, requestId, Wire.Valid, 202, bodyBytes);
        log["AlertCount"] = alerts.Count;
        log["AlertKeys"] = string.Join(",", stored.Select(a => a.DeliveryKey).Distinct(StringComparer.Ordinal).Take(MaxAlertsListed));

        // The usual delivery holds one alert: its rows and the log row go in one transaction (one write).
        if (stored.Count == 1)
        {
            log["Accepted"] = 1;
            log["Duplicates"] = 0;
            try
            {
                await store.SubmitTransactionAsync(Table, [.. AlertRows(source, stored[0], requestId, now), TableOperation.Add(log)], cancellationToken);
                return new IntakeResult(requestId, 1, [new AlertRef(source, stored[0].DeliveryKey)], 0);
            }
            catch (TableTransactionFailedException ex) when (ex.InnerException is EntityAlreadyExistsException && ex.FailedOperationIndex == 0)
            {
                log["Accepted"] = 0;
                log["Duplicates"] = 1;
                await store.AddAsync(Table, log, cancellationToken);
                return new IntakeResult(requestId, 1, [], 1);
            }
        }

        var accepted = new List<AlertRef>();
        var duplicates = 0;
        foreach (var alert in stored)
        {
            try
            {
                await store.SubmitTransactionAsync(Table, AlertRows(source, alert, requestId, now), cancellationToken);
                accepted.Add(new AlertRef(source, alert.DeliveryKey));
            }
            catch (TableTransactionFailedException ex) when (ex.InnerException is EntityAlreadyExistsException)
            {
                duplicates++;
            }
        }

        log["Accepted"] = accepted.Count;
        log["Duplicates"] = duplicates;
        await store.AddAsync(Table, log, cancellationToken);
        return new IntakeResult(requestId, alerts.Count, accepted, duplicates);
    }

    /// <summary>The alert and its pending marker: added together, so a stored alert is always found by the repair sweep.</summary>
    private static List<TableOperation> AlertRows(string source, StoredMonitorAlert alert, string requestId, DateTimeOffset now) =>
    [
        TableOperation.Add(new TableEntity(source, AlertPrefix + alert.DeliveryKey)
        {
            ["Data"] = StoredJson.Serialize(alert),
            ["RequestId"] = requestId,
            ["ReceivedAt"] = now,
            ["Mapped"] = false,
        }),
        TableOperation.Add(new TableEntity(source, PendingPrefix + alert.DeliveryKey) { ["ReceivedAt"] = now }),
    ];

    /// <summary>A correctly signed request whose body could not be read: logged with the field at fault.</summary>
    public async Task RecordMalformedAsync(string source, string field, long bodyBytes, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var log = RequestRow(source, now, Ids.New("whd", now), Wire.Valid, 400, bodyBytes);
        log["ErrorField"] = StoredMonitorAlert.Cut(field, 200);
        await store.AddAsync(Table, log, cancellationToken);
    }

    /// <summary>
    /// A request that failed verification: metadata only (outcome, size, time), and at most
    /// <see cref="WebhookOptions.FailedAttemptsLoggedPerMinute"/> per source and minute; the rest are counted into the
    /// next row that is written (<c>SuppressedBefore</c>). Returns whether a row was written.
    /// </summary>
    public async Task<bool> RecordRejectedAsync(string source, VerificationResult result, long bodyBytes, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (!_limiter.TryAcquire(source, now, options.CurrentValue.FailedAttemptsLoggedPerMinute, out var suppressed)) return false;
        var log = RequestRow(source, now, Ids.New("whd", now), result.ToWire(), 401, bodyBytes);
        log["SuppressedBefore"] = suppressed;
        await store.AddAsync(Table, log, cancellationToken);
        return true;
    }

    public async Task<StoredAlertRecord?> GetAlertAsync(string source, string deliveryKey, CancellationToken cancellationToken = default)
    {
        var row = await store.GetAsync(Table, source, AlertPrefix + deliveryKey, cancellationToken);
        return row is null
            ? null
            : new StoredAlertRecord(StoredJson.Deserialize<StoredMonitorAlert>(row.GetString("Data")!), row.GetBoolean("Mapped") == true, row.GetString("IncidentId"));
    }

    /// <summary>Records which incident the alert went to and drops its pending marker. Idempotent.</summary>
    public async Task MarkMappedAsync(string source, string deliveryKey, string incidentId, CancellationToken cancellationToken = default)
    {
        var update = new TableEntity(source, AlertPrefix + deliveryKey)
        {
            ["Mapped"] = true,
            ["IncidentId"] = incidentId,
            ["MappedAt"] = time.GetUtcNow(),
        };
        try
        {
            await store.MergeAsync(Table, update, "*", cancellationToken);
        }
        catch (EntityNotFoundException)
        {
            // Nothing to mark; the marker below is dropped all the same.
        }
        await ClearPendingAsync(source, deliveryKey, cancellationToken);
    }

    public Task ClearPendingAsync(string source, string deliveryKey, CancellationToken cancellationToken = default)
        => store.DeleteAsync(Table, source, PendingPrefix + deliveryKey, null, cancellationToken);

    /// <summary>Alerts stored at or before <paramref name="receivedBy"/> and not yet mapped, source by source.</summary>
    public async IAsyncEnumerable<AlertRef> ListPendingAsync(DateTimeOffset receivedBy, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var source in WebhookSourceNames.All)
        {
            await foreach (var row in store.QueryAllAsync(Table, TableQuery.WithPrefix(source, PendingPrefix), cancellationToken))
            {
                if (row.GetDateTimeOffset("ReceivedAt") is { } at && at <= receivedBy)
                    yield return new AlertRef(source, row.RowKey[PendingPrefix.Length..]);
            }
        }
    }

    /// <summary>The delivery log, newest first, of one source or of all (merged); page is 1-based.</summary>
    public async Task<DeliveryPage> ListAsync(string? source, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        // In long: a page number times a size must not wrap round to a small (or negative) count.
        var skip = (long)(page - 1) * pageSize;
        var wanted = skip + pageSize + 1;
        var rows = new List<TableEntity>();
        foreach (var s in source is null ? WebhookSourceNames.All : [source])
        {
            var taken = 0;
            await foreach (var row in store.QueryAllAsync(Table, TableQuery.WithPrefix(s, RequestPrefix, (int)Math.Min(wanted, TableQuery.MaxPageSize)), cancellationToken))
            {
                rows.Add(row);
                if (++taken >= wanted) break;
            }
        }

        // Row keys start with inverted ticks, so ordinal order is newest first; ties broken by the time-ordered id.
        var ordered = rows.OrderBy(r => r.RowKey, StringComparer.Ordinal).Skip((int)Math.Min(skip, int.MaxValue)).ToList();
        var items = new List<DeliveryRecord>();
        foreach (var row in ordered.Take(pageSize))
            items.Add(await ToRecordAsync(row, cancellationToken));
        return new DeliveryPage(items, page, pageSize, ordered.Count > pageSize);
    }

    private async Task<DeliveryRecord> ToRecordAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var alerts = new List<DeliveredAlert>();
        var keys = row.GetString("AlertKeys");
        if (!string.IsNullOrEmpty(keys))
        {
            foreach (var key in keys.Split(','))
            {
                if (await GetAlertAsync(row.PartitionKey, key, cancellationToken) is { } a)
                    alerts.Add(new DeliveredAlert(a.Alert.DeliveryId, a.Alert.ExternalKey, a.Alert.Status.ToWire(), a.Alert.Title, a.Alert.Severity, a.Mapped, a.IncidentId));
            }
        }

        return new DeliveryRecord(
            row.GetString("RequestId")!,
            row.PartitionKey,
            row.GetDateTimeOffset("ReceivedAt")!.Value,
            row.GetString("Verification")!,
            row.GetInt32("HttpStatus") ?? 0,
            row.GetInt64("BodyBytes") ?? 0,
            row.GetInt32("AlertCount") ?? 0,
            row.GetInt32("Accepted") ?? 0,
            row.GetInt32("Duplicates") ?? 0,
            row.GetString("ErrorField"),
            row.GetInt64("SuppressedBefore") ?? 0,
            alerts);
    }

    private static TableEntity RequestRow(string source, DateTimeOffset now, string requestId, string verification, int status, long bodyBytes) =>
        new(source, RequestPrefix + (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + requestId)
        {
            ["RequestId"] = requestId,
            ["ReceivedAt"] = now,
            ["Verification"] = verification,
            ["HttpStatus"] = status,
            ["BodyBytes"] = bodyBytes,
        };

    private static class Wire
    {
        public const string Valid = "valid";
    }
}

/// <summary>
/// Fixed one-minute windows per source: the first <c>limit</c> failures of a window may be written, the rest are
/// counted and reported with the next one written. Per instance, in memory: a bound on what an unauthenticated
/// caller can make us store, not an exact count.
/// </summary>
internal sealed class FailedAttemptLimiter
{
    private readonly Dictionary<string, (long Minute, int Used, long Suppressed)> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public bool TryAcquire(string source, DateTimeOffset now, int limit, out long suppressedBefore)
    {
        var minute = now.ToUnixTimeSeconds() / 60;
        lock (_lock)
        {
            var w = _windows.GetValueOrDefault(source);
            if (w.Minute != minute) w = (minute, 0, w.Suppressed);
            if (w.Used >= limit)
            {
                _windows[source] = w with { Suppressed = w.Suppressed + 1 };
                suppressedBefore = 0;
                return false;
            }

            suppressedBefore = w.Suppressed;
            _windows[source] = (minute, w.Used + 1, 0);
            return true;
        }
    }
}
