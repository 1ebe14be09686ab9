using System.Globalization;
using BreachNotify.Application.Email;
using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>What an erasure did. <see cref="NotFound"/>: addresses asked for that are not among the recipients.</summary>
/// <param name="AlreadyErased">Recipients in scope whose data had been erased before this erasure.</param>
public sealed record ErasureResult(string ErasureId, bool All, long Erased, long AlreadyErased, long NotFound);

/// <summary>
/// Erases recipients' personal data (addresses, names, countries, external ids) for an erasure request (GDPR Art 17) or
/// at the end of retention, keeping what proves who was notified: each recipient's key (SHA-256 of the address), kind,
/// language, the counts and the per-notice delivery statuses (which are kept by key in the notice jobs). Each batch is one
/// transaction with its partition's erased counters, and a journal row is written first and removed after the
/// <c>recipients-erased</c> timeline entry, so an erasure interrupted by a restart is resumed (by the next erasure request
/// or the retention timer) and counted exactly once. Never logs addresses.
/// </summary>
public sealed partial class RecipientErasure(RecipientRepository recipients, IncidentService incidents, TimeProvider time, ILogger<RecipientErasure> logger)
{
    public const string Action = "recipients-erased";
    public const int MaxEmails = 1000;
    public const string RequestReason = "request";
    public const string RetentionReason = "retention";

    /// <summary>
    /// Erases the recipients with the given addresses, or every recipient when <paramref name="emails"/> is null. An
    /// erasure of the incident left unfinished (a restart) is completed first. Safe to repeat.
    /// </summary>
    public async Task<ErasureResult> EraseAsync(string incidentId, IReadOnlyList<string?>? emails, Actor actor, CancellationToken cancellationToken = default)
    {
        var keys = Validate(emails);
        _ = await incidents.GetAsync(incidentId, cancellationToken); // 404 for an unknown incident
        return await RunAsync(incidentId, keys, actor, RequestReason, cancellationToken);
    }

    /// <summary>Erases every recipient of the incident at the end of its retention (the retention timer).</summary>
    public Task<ErasureResult> EraseForRetentionAsync(string incidentId, CancellationToken cancellationToken = default)
        => RunAsync(incidentId, null, Actor.System, RetentionReason, cancellationToken);

    /// <summary>Completes the incident's erasure left unfinished by a restart, if there is one.</summary>
    public async Task<ErasureResult?> ResumeAsync(string incidentId, CancellationToken cancellationToken = default)
        => await recipients.FindErasureAsync(incidentId, cancellationToken) is { } pending ? await CompleteAsync(pending, cancellationToken) : null;

    private static List<byte[]>? Validate(IReadOnlyList<string?>? emails)
    {
        if (emails is null) return null;
        var errors = new FieldErrors();
        if (emails.Count == 0) errors.Add("emails", "Give at least one address, or send {} to erase every recipient.");
        if (emails.Count > MaxEmails) errors.Add("emails", $"At most {MaxEmails} addresses per request.");
        for (var i = 0; i < emails.Count && i < MaxEmails; i++)
        {
            // The reason never quotes the address.
            if (EmailAddresses.Validate(emails[i]) is { } problem) errors.Add(string.Create(CultureInfo.InvariantCulture, $"emails[{i}]"), problem);
        }
        errors.ThrowIfAny();
        return emails.Select(e => RecipientKeys.Hash(e!)).DistinctBy(Convert.ToHexString).ToList();
    }

    private async Task<ErasureResult> RunAsync(string incidentId, List<byte[]>? keys, Actor actor, string reason, CancellationToken cancellationToken)
    {
        while (true)
        {
            // One erasure at a time per incident: an unfinished one is completed first, so its count stays its own.
            await ResumeAsync(incidentId, cancellationToken);
            var before = (await recipients.CountAsync(incidentId, cancellationToken)).TotalErased;
            var now = time.GetUtcNow();
            var journal = new ErasureJournal(Ids.New("era", now), incidentId, keys?.SelectMany(k => k).ToArray(), before, now, actor.Name, actor.Role, reason);
            if (!await recipients.StartErasureAsync(journal, cancellationToken)) continue; // another erasure started meanwhile
            LogStarted(incidentId, journal.ErasureId, keys is null ? "all" : "some", reason);
            return await CompleteAsync((await recipients.FindErasureAsync(incidentId, cancellationToken))!, cancellationToken);
        }
    }

    /// <summary>Erases what the journal asks for (again, when resumed: rows already erased are skipped), then records it once.</summary>
    private async Task<ErasureResult> CompleteAsync(ErasureJournal journal, CancellationToken cancellationToken)
    {
        var notFound = 0L;
        if (!journal.Completing)
            notFound = journal.Keys is null ? await EraseAllAsync(journal, cancellationToken) : await EraseKeysAsync(journal, cancellationToken);
        else if (journal.Keys is not null)
            notFound = await CountNotFoundAsync(journal, cancellationToken);

        var erasedNow = (await recipients.CountAsync(journal.IncidentId, cancellationToken)).TotalErased;
        var erased = erasedNow - journal.ErasedBefore;
        var asked = journal.Keys is null ? 0 : journal.Keys.Length / 32;
        var result = new ErasureResult(journal.ErasureId, journal.Keys is null, erased,
            journal.Keys is null ? journal.ErasedBefore : Math.Max(0, asked - notFound - erased), notFound);

        // Exactly one process records it: the one whose conditional claim succeeds; a later resume finds the entry and only
        // removes the journal.
        var claimed = await recipients.ClaimErasureCompletionAsync(journal, cancellationToken);
        if (claimed is null) return result;
        await RecordAsync(claimed, result, cancellationToken);
        await recipients.FinishErasureAsync(claimed, cancellationToken);
        LogErased(journal.IncidentId, journal.ErasureId, result.Erased, result.AlreadyErased, result.NotFound);
        return result;
    }

    /// <summary>Every partition side by side: each round erases the next batch of every partition (one group).</summary>
    private async Task<long> EraseAllAsync(ErasureJournal journal, CancellationToken cancellationToken)
    {
        var writer = recipients.OpenWriter(journal.IncidentId);
        var now = time.GetUtcNow();
        var shards = Enumerable.Range(0, RecipientKeys.Shards)
            .Select(s => (Shard: s, Batches: Batches(recipients.ReadSummariesAsync(journal.IncidentId, s, cancellationToken)).GetAsyncEnumerator(cancellationToken)))
            .ToList();
        try
        {
            while (shards.Count > 0)
            {
                var moved = await Task.WhenAll(shards.Select(s => s.Batches.MoveNextAsync().AsTask()));
                var group = new List<(int, IReadOnlyList<RecipientSummary>)>();
                for (var i = shards.Count - 1; i >= 0; i--)
                {
                    if (moved[i]) group.Add((shards[i].Shard, shards[i].Batches.Current));
                    else
                    {
                        await shards[i].Batches.DisposeAsync();
                        shards.RemoveAt(i);
                    }
                }
                if (group.Count > 0) await writer.EraseAsync(group, now, cancellationToken);
            }
        }
        finally
        {
            foreach (var s in shards) await s.Batches.DisposeAsync();
        }
        return 0;
    }

    private static async IAsyncEnumerable<IReadOnlyList<RecipientSummary>> Batches(IAsyncEnumerable<RecipientSummary> rows)
    {
        var batch = new List<RecipientSummary>(RecipientRepository.RowsPerTransaction);
        await foreach (var r in rows)
        {
            if (r.ErasedAt is not null) continue;
            batch.Add(r);
            if (batch.Count == RecipientRepository.RowsPerTransaction)
            {
                yield return batch;
                batch = new List<RecipientSummary>(RecipientRepository.RowsPerTransaction);
            }
        }
        if (batch.Count > 0) yield return batch;
    }

    /// <returns>How many of the keys are not among the recipients.</returns>
    private async Task<long> EraseKeysAsync(ErasureJournal journal, CancellationToken cancellationToken)
    {
        var (found, notFound) = await ReadKeysAsync(journal, cancellationToken);
        var writer = recipients.OpenWriter(journal.IncidentId);
        var now = time.GetUtcNow();
        var perShard = found.Where(r => r.ErasedAt is null).GroupBy(r => RecipientKeys.ShardOfRowKey(r.Key))
            .Select(g => (Shard: g.Key, Batches: g.Chunk(RecipientRepository.RowsPerTransaction).ToList())).ToList();
        for (var round = 0; perShard.Any(s => s.Batches.Count > round); round++)
        {
            var group = perShard.Where(s => s.Batches.Count > round).Select(s => (s.Shard, (IReadOnlyList<RecipientSummary>)s.Batches[round])).ToList();
            await writer.EraseAsync(group, now, cancellationToken);
        }
        return notFound;
    }

    private async Task<long> CountNotFoundAsync(ErasureJournal journal, CancellationToken cancellationToken)
        => (await ReadKeysAsync(journal, cancellationToken)).NotFound;

    private async Task<(List<RecipientSummary> Found, long NotFound)> ReadKeysAsync(ErasureJournal journal, CancellationToken cancellationToken)
    {
        var keys = Enumerable.Range(0, journal.Keys!.Length / 32).Select(i => RecipientKeys.RowKey(journal.Keys.AsSpan(i * 32, 32))).ToList();
        var rows = await Task.WhenAll(keys.Select(k => recipients.FindSummaryAsync(journal.IncidentId, k, cancellationToken)));
        return (rows.Where(r => r is not null).Select(r => r!).ToList(), rows.Count(r => r is null));
    }

    private async Task RecordAsync(ErasureJournal journal, ErasureResult result, CancellationToken cancellationToken)
    {
        var timeline = await incidents.GetTimelineAsync(journal.IncidentId, cancellationToken);
        if (timeline.Any(e => e.Action == Action && e.Details is not null && e.Details.Contains(journal.ErasureId, StringComparison.Ordinal))) return;
        var details = StoredJson.Serialize(new
        {
            erasureId = journal.ErasureId,
            scope = result.All ? "all" : "some",
            requested = journal.Keys is null ? (int?)null : journal.Keys.Length / 32,
            erased = result.Erased,
            alreadyErased = result.AlreadyErased,
            notFound = journal.Keys is null ? (long?)null : result.NotFound,
            reason = journal.Reason,
            startedAt = Incident.Format(journal.StartedAt),
        });
        var note = journal.Reason == RetentionReason
            ? "Retention ended (Recipients:RetainFor after closing): addresses and names erased; keys, kinds, languages and delivery statuses kept."
            : "Erasure (GDPR Art 17): addresses and names erased; keys, kinds, languages and delivery statuses kept.";
        var actor = new Actor(journal.By, journal.ByRole);
        await incidents.ChangeAsync(journal.IncidentId, null, (incident, now) => incident.Record(Action,
            [new FieldChange("recipients.erased", null, result.Erased.ToString(CultureInfo.InvariantCulture))], note, details, actor, now), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure {ErasureId} of recipients of incident {IncidentId} started: {Scope}, {Reason}")]
    private partial void LogStarted(string incidentId, string erasureId, string scope, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure {ErasureId} of recipients of incident {IncidentId} done: {Erased} erased, {AlreadyErased} erased before, {NotFound} not found")]
    private partial void LogErased(string incidentId, string erasureId, long erased, long alreadyErased, long notFound);
}
