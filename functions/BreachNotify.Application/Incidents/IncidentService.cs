using BreachNotify.Application.Common;
using BreachNotify.Application.Risk;
using BreachNotify.Domain.Risk;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Incidents;

/// <summary>
/// Incident use cases. Reads the clock only through the injected <see cref="TimeProvider"/>; each change is one
/// atomic write guarded by an ETag. Callers that sent If-Match get a 412 when stale; callers that did not
/// are retried on a fresh copy, since their change does not depend on what they saw.
/// </summary>
public sealed partial class IncidentService(
    IncidentRepository repository,
    ITableStore store,
    TimeProvider time,
    IOptions<IncidentOptions> options,
    ILogger<IncidentService> logger)
{
    private TimeSpan ClockSkew => options.Value.ClockSkew;

    public const string IdempotencyTable = "Idempotency";
    private const int MaxAttempts = 5;

    public Task InitializeAsync(CancellationToken cancellationToken = default)
        => Task.WhenAll(repository.InitializeAsync(cancellationToken), store.CreateTableIfNotExistsAsync(IdempotencyTable, cancellationToken));

    /// <summary>
    /// Opens an incident. With an idempotency key, a repeat of the same request returns the incident created the
    /// first time; the same key with a different request is a conflict.
    /// </summary>
    public async Task<CreateResult> CreateAsync(IncidentDraft draft, BreachFacts? facts, Actor actor, string? idempotencyKey, string requestFingerprint, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var id = Ids.New("inc", now);
        // Everything is validated before anything is written.
        var assessment = facts is null ? null : RiskAssessor.Assess(facts, "facts.");
        var incident = Incident.Report(id, draft, actor, now, ClockSkew);
        if (facts is not null) incident.RecordAssessment(facts, assessment!, RiskAssessor.Snapshot(facts, assessment!), actor, now);

        TableEntity? claim = null;
        if (!string.IsNullOrEmpty(idempotencyKey))
        {
            claim = new TableEntity("create-incident|" + actor.Name, Ids.Sha256Hex(idempotencyKey))
            {
                ["Fingerprint"] = requestFingerprint,
                ["ResourceId"] = id,
                ["CreatedAt"] = now,
            };
            try
            {
                await store.AddAsync(IdempotencyTable, claim, cancellationToken);
            }
            catch (EntityAlreadyExistsException)
            {
                var existing = (await store.GetAsync(IdempotencyTable, claim.PartitionKey, claim.RowKey, cancellationToken))!;
                if (existing.GetString("Fingerprint") != requestFingerprint)
                    throw new ConflictException("This Idempotency-Key was already used for a different request.");
                var earlier = await repository.FindAsync(existing.GetString("ResourceId")!, cancellationToken)
                    ?? throw new ConflictException("A request with this Idempotency-Key is still in progress; retry shortly.");
                LogIdempotentReplay(earlier.Incident.Id);
                return new CreateResult(earlier, Created: false);
            }
        }

        try
        {
            var etag = await repository.SaveAsync(incident, expectedETag: null, cancellationToken);
            LogCreated(incident.Id, incident.Status.ToWire(), incident.State.Source.Kind);
            return new CreateResult(new StoredIncident(incident, etag), Created: true);
        }
        catch when (claim is not null)
        {
            // Release the key so the client's retry can succeed.
            await store.DeleteAsync(IdempotencyTable, claim.PartitionKey, claim.RowKey, null, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Opens an incident under an id the caller chose (monitor intake claims the id first, so that concurrent or
    /// repeated deliveries agree on it). <paramref name="then"/> may append further entries to the same atomic save.
    /// Returns null when an incident with this id already exists: nothing is written then.
    /// </summary>
    public async Task<StoredIncident?> OpenAsync(string id, IncidentDraft draft, Actor actor, Action<Incident, DateTimeOffset>? then = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var incident = Incident.Report(id, draft, actor, now, ClockSkew);
        then?.Invoke(incident, now);
        try
        {
            var etag = await repository.SaveAsync(incident, expectedETag: null, cancellationToken);
            LogCreated(incident.Id, incident.Status.ToWire(), incident.State.Source.Kind);
            return new StoredIncident(incident, etag);
        }
        catch (ConcurrencyConflictException)
        {
            return null;
        }
    }

    public Task<StoredIncident> GetAsync(string id, CancellationToken cancellationToken = default) => repository.GetAsync(id, cancellationToken);

    /// <summary>The incident, or null when it does not exist (yet).</summary>
    public Task<StoredIncident?> FindAsync(string id, CancellationToken cancellationToken = default) => repository.FindAsync(id, cancellationToken);

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string id, CancellationToken cancellationToken = default)
        => repository.GetTimelineAsync(id, cancellationToken);

    /// <summary>
    /// The timeline with its hash chain checked against the head recorded with the incident (GET …/audit). A broken
    /// chain is logged by incident id and entry number only.
    /// </summary>
    public async Task<TimelineAudit> AuditAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = await repository.GetRecordAsync(id, cancellationToken);
        var s = record.Stored.Incident.State;
        var verification = TimelineChain.Verify(s.Id, record.Timeline, s.TimelineCount, s.TimelineHead, s.LegacyTimelineEntries);
        if (verification is { Broken: true, FirstInvalid: { } broken }) LogChainBroken(s.Id, broken.Sequence);
        return new TimelineAudit(s.Id, record.Timeline, verification);
    }

    public Task<IncidentSummaryPage> ListAsync(IncidentStatus? status, int page, int pageSize, CancellationToken cancellationToken = default)
        => repository.ListAsync(status, page, pageSize, cancellationToken);

    /// <param name="mergeFacts">Given the current facts (or null), returns the new facts (a merge patch applied to them).</param>
    public Task<StoredIncident> UpdateAsync(string id, IncidentChanges changes, Func<BreachFacts?, BreachFacts>? mergeFacts, string? ifMatch, Actor actor, CancellationToken cancellationToken = default)
        => ChangeAsync(id, ifMatch, (i, now) =>
        {
            // Facts first so an invalid facts patch fails before anything else is applied.
            BreachFacts? facts = null;
            RiskAssessment? assessment = null;
            if (mergeFacts is not null)
            {
                facts = mergeFacts(i.State.Facts);
                assessment = RiskAssessor.Assess(facts, "facts.");
            }
            i.Update(changes, actor, now, ClockSkew);
            if (facts is not null) i.RecordAssessment(facts, assessment!, RiskAssessor.Snapshot(facts, assessment!), actor, now);
        }, cancellationToken);

    /// <summary>Records the DPO's decision on notices, based on the current assessment (override flagged).</summary>
    public Task<StoredIncident> DecideAsync(string id, bool notifyAuthority, bool notifyDataSubjects, bool publicCommunication, string rationale, string? ifMatch, Actor actor, CancellationToken cancellationToken = default)
        => ChangeAsync(id, ifMatch, (i, now) =>
        {
            var decision = i.RecordDecision(notifyAuthority, notifyDataSubjects, publicCommunication, rationale, RiskAssessor.DecisionSnapshot, actor, now);
            LogDecision(id, decision.IsOverride);
        }, cancellationToken);

    public Task<StoredIncident> ConfirmAsync(string id, DateTimeOffset awareAt, string? note, string? ifMatch, Actor actor, CancellationToken cancellationToken = default)
        => ChangeAsync(id, ifMatch, (i, now) => i.Confirm(awareAt, note, actor, now, ClockSkew), cancellationToken);

    public Task<StoredIncident> DismissAsync(string id, string reason, string? ifMatch, Actor actor, CancellationToken cancellationToken = default)
        => ChangeAsync(id, ifMatch, (i, now) => i.Dismiss(reason, actor, now), cancellationToken);

    public Task<StoredIncident> CloseAsync(string id, string? note, string? ifMatch, Actor actor, CancellationToken cancellationToken = default)
        => ChangeAsync(id, ifMatch, (i, now) => i.Close(note, actor, now), cancellationToken);

    /// <summary>
    /// Loads, applies <paramref name="change"/> and saves atomically. Other features (assessment, decisions,
    /// deadlines, notifications) change incidents through this too, so every change lands on the timeline.
    /// </summary>
    public async Task<StoredIncident> ChangeAsync(string id, string? ifMatch, Action<Incident, DateTimeOffset> change, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await repository.GetAsync(id, cancellationToken);
            if (ifMatch is not null && ifMatch != "*" && !string.Equals(ifMatch, stored.ETag, StringComparison.Ordinal))
                throw new PreconditionFailedException($"Incident '{id}' has changed since you read it (ETag mismatch). Reload and retry.");
            var incident = stored.Incident;
            change(incident, time.GetUtcNow());
            if (incident.NewEntries.Count == 0) return stored; // nothing changed: no write, no timeline noise
            try
            {
                var etag = await repository.SaveAsync(incident, stored.ETag, cancellationToken);
                LogChanged(id, incident.Status.ToWire(), incident.NewEntries.Count);
                return new StoredIncident(incident, etag);
            }
            catch (ConcurrencyConflictException) when (ifMatch is null || ifMatch == "*")
            {
                if (attempt >= MaxAttempts) throw;
                LogRetry(id, attempt);
            }
            catch (ConcurrencyConflictException ex)
            {
                throw new PreconditionFailedException($"Incident '{id}' has changed since you read it (ETag mismatch). Reload and retry.", ex);
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> unless the timeline already holds an entry that <paramref name="recorded"/> matches:
    /// the check and the save are one conditional write (the timeline is read as of the state's ETag, and a save after
    /// someone else's fails and is tried again on the newer timeline), so concurrent callers record it once. True when
    /// this call recorded it.
    /// </summary>
    public async Task<bool> RecordOnceAsync(string id, Func<TimelineEntry, bool> recorded, Action<Incident, DateTimeOffset> change, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var record = await repository.GetRecordAsync(id, cancellationToken);
            if (record.Timeline.Any(recorded)) return false;
            var incident = record.Stored.Incident;
            change(incident, time.GetUtcNow());
            if (incident.NewEntries.Count == 0) return false;
            try
            {
                await repository.SaveAsync(incident, record.Stored.ETag, cancellationToken);
                LogChanged(id, incident.Status.ToWire(), incident.NewEntries.Count);
                return true;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxRecordOnceAttempts)
            {
                LogRetry(id, attempt);
            }
        }
    }

    // Each failed save means another change landed; a burst of concurrent notices on one incident is the worst case.
    private const int MaxRecordOnceAttempts = 20;

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId} created with status {Status} from {Source}")]
    private partial void LogCreated(string incidentId, string status, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId} changed: status {Status}, {Entries} timeline entries")]
    private partial void LogChanged(string incidentId, string status, int entries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Decision recorded on incident {IncidentId}; override: {IsOverride}")]
    private partial void LogDecision(string incidentId, bool isOverride);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotent replay returned incident {IncidentId}")]
    private partial void LogIdempotentReplay(string incidentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timeline of incident {IncidentId} fails its hash chain at entry {Sequence}")]
    private partial void LogChainBroken(string incidentId, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Concurrent change of incident {IncidentId}, attempt {Attempt}; retrying")]
    private partial void LogRetry(string incidentId, int attempt);
}

public sealed record CreateResult(StoredIncident Stored, bool Created);

/// <summary>An incident's timeline as stored and what checking its hash chain found.</summary>
public sealed record TimelineAudit(string IncidentId, IReadOnlyList<TimelineEntry> Entries, ChainVerification Verification);
