using BreachNotify.Application.Common;
using BreachNotify.Application.Email;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Organisation;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Deadlines;

/// <summary>What one sweep did (counts only).</summary>
/// <param name="IndexRepaired">Index rows a crash left missing, stale or orphaned that the sweep put right.</param>
public sealed record DeadlineSweepResult(int Incidents, int Reminders, int Escalations, int Unconfirmed, int AlreadyClaimed, int Skipped, int Failed, int IndexRepaired = 0)
{
    public int Sent => Reminders + Escalations + Unconfirmed;
}

/// <summary>
/// The deadline watch (timer function DeadlineWatch): reads the open-incident index (never all incidents), computes
/// each incident's deadlines and sends the reminders that are due, each claimed in <see cref="ReminderLedger"/>
/// before it is sent and recorded on the incident's timeline after. It also repairs that index where a crash left it
/// behind (<see cref="IncidentRepository.RepairIndexAsync"/>): orphan and ended rows out, missing and stale rows up to date.
/// </summary>
public sealed partial class DeadlineWatch(
    IncidentRepository repository,
    IncidentService incidents,
    DeadlineService deadlines,
    ReminderLedger ledger,
    IEmailSender email,
    IOptions<DeadlineOptions> deadlineOptions,
    IOptions<EscalationOptions> escalation,
    IOptions<OrganisationOptions> organisation,
    IOptions<EmailOptions> emailOptions,
    TimeProvider time,
    Telemetry.BreachNotifyTelemetry telemetry,
    ILogger<DeadlineWatch> logger)
{
    public static readonly Actor WatchActor = new("deadline-watch", "system");

    /// <param name="isPastDue">The timer fired late. Logged only: catching up is the same planning (only the most urgent reminder per obligation).</param>
    public async Task<DeadlineSweepResult> SweepAsync(bool isPastDue, CancellationToken cancellationToken = default)
    {
        using var activity = Telemetry.BreachNotifyTelemetry.ActivitySource.StartActivity("DeadlineWatch sweep");
        var now = time.GetUtcNow();
        if (isPastDue) LogPastDue();
        var counts = new Counts();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<(string Regime, DeadlineStatus Status), long>();
        // Reading and planning run a few incidents at once (SQLite WAL and Table storage serve parallel readers);
        // claims, sends and timeline writes then run one at a time: SQLite has a single writer, and parallel writers
        // only wait on each other's locks.
        var due = new System.Collections.Concurrent.ConcurrentQueue<(IncidentState State, PlannedReminder Reminder)>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = deadlineOptions.Value.SweepParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(repository.ListOpenAsync(cancellationToken), parallel, async (summary, ct) =>
        {
            Interlocked.Increment(ref counts.Incidents);
            try
            {
                var stored = await repository.FindAsync(summary.Id, ct);
                if (await repository.RepairIndexAsync(summary, stored, now, ct) != IndexRepair.None) Interlocked.Increment(ref counts.IndexRepaired);
                if (stored is null || !stored.Incident.Status.IsOpen()) return;
                var state = stored.Incident.State;
                var computed = deadlines.Compute(state, now);
                foreach (var d in computed) statuses.AddOrUpdate((d.Regime, d.Status), 1, (_, n) => n + 1);
                foreach (var reminder in ReminderPlanner.Plan(state, computed, deadlines.ReminderPolicy, now))
                    due.Enqueue((state, reminder));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref counts.Failed);
                LogIncidentFailed(summary.Id, RedactedException.Of(ex));
            }
        });
        foreach (var (state, reminder) in due)
        {
            try
            {
                await ExecuteAsync(state, reminder, now, counts, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref counts.Failed);
                LogIncidentFailed(state.Id, RedactedException.Of(ex));
            }
        }
        // Every status of every regime seen, zero included, so a status that empties drops to 0 on a dashboard.
        var regimes = deadlineOptions.Value.EffectiveEnabledRegimes.Union(statuses.Keys.Select(k => k.Regime), StringComparer.Ordinal).ToList();
        telemetry.Deadlines(regimes.SelectMany(r => Enum.GetValues<DeadlineStatus>().Select(s =>
            (r, System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(s.ToString()), statuses.GetValueOrDefault((r, s))))));
        var result = new DeadlineSweepResult(counts.Incidents, counts.Reminders, counts.Escalations, counts.Unconfirmed, counts.AlreadyClaimed, counts.Skipped, counts.Failed, counts.IndexRepaired);
        LogSwept(result.Incidents, result.Sent, result.AlreadyClaimed, result.Skipped, result.Failed);
        return result;
    }

    private async Task ExecuteAsync(IncidentState state, PlannedReminder reminder, DateTimeOffset now, Counts counts, CancellationToken ct)
    {
        var etag = await ledger.TryClaimAsync(state.Id, reminder.Key, now, deadlineOptions.Value.ClaimLease, ct);
        if (etag is null)
        {
            Interlocked.Increment(ref counts.AlreadyClaimed);
            return;
        }
        foreach (var skipped in reminder.Skipped) await ledger.MarkSkippedAsync(state.Id, skipped, reminder.Key, now, ct);

        var recipients = Recipients(state, reminder.Kind);
        try
        {
            if (recipients.Count > 0)
                await email.SendAsync(ReminderMessages.Create(state, reminder, recipients, emailOptions.Value.FromAddress, deadlines.TimeZone, now,
                    organisation.Value.IncidentPageUrl(state.Id)), ct);
            else
                LogNoRecipients(Describe(reminder), state.Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Give the claim back: the next sweep retries (transient), or keeps reporting the problem (permanent).
            await ledger.ReleaseAsync(state.Id, reminder.Key, etag, CancellationToken.None);
            Interlocked.Increment(ref counts.Failed);
            LogSendFailed(Describe(reminder), state.Id, RedactedException.Of(ex));
            return;
        }
        await ledger.MarkSentAsync(state.Id, reminder.Key, etag, recipients.Count, now, ct);
        var record = new ReminderSent(reminder.Key, reminder.Kind, reminder.Deadline?.Regime, reminder.Deadline?.Obligation, reminder.Threshold,
            reminder.Deadline?.DueAt, now, recipients.Count, reminder.Skipped);
        await incidents.ChangeAsync(state.Id, null, (i, at) => i.RecordReminder(record, WatchActor, at), ct);
        Interlocked.Add(ref counts.Skipped, reminder.Skipped.Count);
        switch (reminder.Kind)
        {
            case ReminderKind.Escalation: Interlocked.Increment(ref counts.Escalations); break;
            case ReminderKind.Unconfirmed: Interlocked.Increment(ref counts.Unconfirmed); break;
            default: Interlocked.Increment(ref counts.Reminders); break;
        }
        LogSent(Describe(reminder), state.Id, recipients.Count);
    }

    /// <summary>What a reminder is, in words, for the log: which kind, and for a deadline which obligation.</summary>
    internal static string Describe(PlannedReminder reminder) => reminder.Kind switch
    {
        ReminderKind.Unconfirmed => $"Reminder that the suspected incident is still unconfirmed after {Incident.ThresholdText(reminder.Threshold!.Value)}",
        ReminderKind.Escalation => $"Escalation of the missed deadline {reminder.Deadline!.Regime}/{reminder.Deadline.Obligation}",
        _ => $"Reminder of the deadline {reminder.Deadline!.Regime}/{reminder.Deadline.Obligation}, {Incident.ThresholdText(reminder.Threshold!.Value)} or less left",
    };

    /// <summary>The owner (when it is an e-mail address), the DPO, and for escalations the escalation list. Deduplicated.</summary>
    internal IReadOnlyList<string> Recipients(IncidentState state, ReminderKind kind)
    {
        var list = new List<string>();
        void Add(string? address)
        {
            var a = address?.Trim();
            if (EmailOptions.IsAddress(a) && !list.Contains(a!, StringComparer.OrdinalIgnoreCase)) list.Add(a!);
        }
        Add(state.Owner);
        Add(organisation.Value.Dpo.Email);
        if (kind == ReminderKind.Escalation || escalation.Value.IncludeReminders)
            foreach (var r in escalation.Value.Recipients) Add(r);
        return list;
    }

    private sealed class Counts
    {
        public int Incidents, Reminders, Escalations, Unconfirmed, AlreadyClaimed, Skipped, Failed, IndexRepaired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deadline watch started late (timer past due); catching up with the most urgent reminder per obligation")]
    private partial void LogPastDue();

    [LoggerMessage(Level = LogLevel.Information, Message = "Deadline watch: {Incidents} open incidents, {Sent} sent, {AlreadyClaimed} already claimed, {Skipped} thresholds passed over, {Failed} failed")]
    private partial void LogSwept(int incidents, int sent, int alreadyClaimed, int skipped, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Reminder} for incident {IncidentId}: e-mailed to {Recipients} recipients")]
    private partial void LogSent(string reminder, string incidentId, int recipients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reminder} for incident {IncidentId}: nobody to send it to; configure Organisation:Dpo:Email or Escalation:Recipients")]
    private partial void LogNoRecipients(string reminder, string incidentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reminder} for incident {IncidentId}: could not be sent; the claim was released for the next sweep")]
    private partial void LogSendFailed(string reminder, string incidentId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deadline watch failed for incident {IncidentId}")]
    private partial void LogIncidentFailed(string incidentId, Exception exception);
}
