using System.Threading.Channels;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>
/// Imports an incident's affected recipients from a stream of rows: validates each row, stores accepted ones
/// insert-if-absent (an address is stored once per incident, so a repeated upload adds nothing), in transactions of
/// 99 rows plus the partition's counters, several partitions at a time. Memory stays flat: at most one batch per
/// partition is held. Never logs addresses or names.
/// </summary>
public sealed partial class RecipientImporter(
    ITableStore store,
    IncidentRepository incidents,
    IOptions<NoticeOptions> options,
    TimeProvider time,
    ILogger<RecipientImporter> logger)
{
    public const int MaxListedRejections = 100;
    public const int RowsPerTransaction = 99; // + the counters row = Table storage's 100 operations
    public const int MaxNameLength = 200;
    public const int MaxExternalIdLength = 200;

    public async Task<ImportResult> ImportAsync(string incidentId, IAsyncEnumerable<RecipientInput> rows, CancellationToken cancellationToken = default)
    {
        var incident = (await incidents.GetAsync(incidentId, cancellationToken)).Incident;
        if (!incident.Status.IsOpen())
            throw new InvalidStateException($"A {incident.Status.ToWire()} incident takes no recipients.");

        var addedAt = time.GetUtcNow();
        var state = new ImportState();
        var shards = new ShardWriter[RecipientKeys.Shards];
        for (var s = 0; s < shards.Length; s++) shards[s] = new ShardWriter(RecipientKeys.Partition(incidentId, s));

        // Reading and writing overlap: full batches go to a bounded channel that a few writers drain (one transaction
        // per partition at a time, so a partition's counters are never contended by this upload).
        var parallelism = Math.Max(1, options.Value.ImportParallelism);
        var channel = Channel.CreateBounded<(ShardWriter Writer, List<(TableEntity, Recipient)> Batch)>(parallelism * 2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writers = Enumerable.Range(0, parallelism).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var (writer, batch) in channel.Reader.ReadAllAsync(stop.Token))
                {
                    await writer.Lock.WaitAsync(stop.Token);
                    try { await FlushAsync(writer, batch, state, stop.Token); }
                    finally { writer.Lock.Release(); }
                }
            }
            catch
            {
                await stop.CancelAsync(); // the reader stops too; the error surfaces below
                throw;
            }
        }, CancellationToken.None)).ToList();

        Exception? readError = null;
        try
        {
            await foreach (var row in rows.WithCancellation(stop.Token))
            {
                var recipient = Validate(row, out var reason);
                if (recipient is null) { state.Reject(row.Position, reason!); continue; }
                var hash = RecipientKeys.Hash(recipient.Email);
                var writer = shards[RecipientKeys.Shard(hash)];
                var entity = RecipientRepository.ToEntity(incidentId, hash, recipient, addedAt);
                if (!writer.Buffered.Add(entity.RowKey)) { state.AddDuplicates(1); continue; }
                writer.Batch.Add((entity, recipient));
                if (writer.Batch.Count == RowsPerTransaction) await channel.Writer.WriteAsync((writer, writer.TakeBatch()), stop.Token);
            }
        }
        catch (RecipientUploadException ex)
        {
            readError = ex; // rows read so far are still written: the upload is repeatable
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A writer failed: its error surfaces below.
        }
        finally
        {
            try
            {
                if (!stop.IsCancellationRequested)
                    foreach (var writer in shards.Where(w => w.Batch.Count > 0)) await channel.Writer.WriteAsync((writer, writer.TakeBatch()), stop.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            channel.Writer.TryComplete();
        }
        await Task.WhenAll(writers);
        cancellationToken.ThrowIfCancellationRequested();

        LogImported(incidentId, state.Accepted, state.Duplicates, state.RejectedCount);
        if (readError is RecipientUploadException upload)
            throw new RecipientUploadException(upload.Field, $"{upload.Message} {state.Accepted} rows before it were stored; the corrected upload can be repeated safely.", upload);
        return new ImportResult(state.Accepted, state.Duplicates, state.RejectedCount, state.Rejected);
    }

    /// <summary>Adds the batch and bumps the counters atomically; rows that already exist are counted as duplicates.</summary>
    private async Task FlushAsync(ShardWriter writer, List<(TableEntity Entity, Recipient Recipient)> batch, ImportState state, CancellationToken cancellationToken)
    {
        var pending = batch;
        for (var attempt = 1; ; attempt++)
        {
            writer.Stats ??= await store.GetAsync(RecipientKeys.Table, writer.PartitionKey, RecipientKeys.StatsRow, cancellationToken)
                ?? new TableEntity(writer.PartitionKey, RecipientKeys.StatsRow);
            var stats = writer.Stats.Clone();
            foreach (var (_, r) in pending)
            {
                var name = RecipientRepository.CounterName(r.Kind, r.Language);
                stats[name] = (stats.GetInt64(name) ?? 0) + 1;
            }
            var ops = pending.Select(p => TableOperation.Add(p.Entity)).ToList();
            ops.Add(writer.Stats.ETag is null ? TableOperation.Add(stats) : TableOperation.Update(stats, writer.Stats.ETag));
            try
            {
                var etags = await store.SubmitTransactionAsync(RecipientKeys.Table, ops, cancellationToken);
                stats.ETag = etags[^1];
                writer.Stats = stats;
                state.AddAccepted(pending.Count);
                return;
            }
            catch (TableTransactionFailedException ex) when (attempt < 20)
            {
                if (ex.FailedOperationIndex == ops.Count - 1)
                {
                    writer.Stats = null; // another upload moved the counters: reload them
                    continue;
                }
                if (ex.InnerException is not EntityAlreadyExistsException) throw;
                // Some addresses are stored already (an earlier upload): keep only those that are not.
                var exists = await Task.WhenAll(pending.Select(p => store.GetAsync(RecipientKeys.Table, p.Entity.PartitionKey, p.Entity.RowKey, cancellationToken)));
                var fresh = pending.Where((_, i) => exists[i] is null).ToList();
                state.AddDuplicates(pending.Count - fresh.Count);
                if (fresh.Count == 0) return;
                pending = fresh;
            }
        }
    }

    /// <summary>Validates one row; the reason never quotes the address.</summary>
    public static Recipient? Validate(RecipientInput row, out string? reason)
    {
        reason = row.Problem;
        if (reason is not null) return null;
        reason = EmailAddresses.Validate(row.Email);
        if (reason is not null) return null;
        var name = Clean(row.Name);
        if (name is { Length: > MaxNameLength }) { reason = $"name is longer than {MaxNameLength} characters."; return null; }
        if (name is not null && name.Any(char.IsControl)) { reason = "name contains a control character."; return null; }
        var country = Clean(row.Country)?.ToUpperInvariant();
        if (country is not null && !CountryCodes.IsValid(country)) { reason = $"country '{Truncate(row.Country!)}' is not an ISO 3166-1 alpha-2 code."; return null; }
        var language = Clean(row.Language)?.ToLowerInvariant();
        if (language is null) language = NoticeLanguages.ForCountry(country);
        else if (!NoticeLanguages.IsKnown(language)) { reason = $"language '{Truncate(row.Language!)}' is not one of nl, en, fr, de."; return null; }
        var kind = Clean(row.Kind)?.ToLowerInvariant() ?? RecipientKinds.DataSubject;
        if (!RecipientKinds.IsKnown(kind)) { reason = $"kind '{Truncate(row.Kind!)}' is not data-subject or controller."; return null; }
        var externalId = Clean(row.ExternalId);
        if (externalId is { Length: > MaxExternalIdLength }) { reason = $"externalId is longer than {MaxExternalIdLength} characters."; return null; }
        if (externalId is not null && externalId.Any(char.IsControl)) { reason = "externalId contains a control character."; return null; }
        return new Recipient(row.Email!.Trim(), name, language, country, kind, externalId);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Truncate(string value) => value.Length <= 20 ? value : value[..20] + "…";

    private sealed class ShardWriter(string partitionKey)
    {
        public string PartitionKey { get; } = partitionKey;
        public List<(TableEntity, Recipient)> Batch { get; private set; } = new(RowsPerTransaction);
        public HashSet<string> Buffered { get; } = new(StringComparer.Ordinal);
        public SemaphoreSlim Lock { get; } = new(1, 1);
        public TableEntity? Stats { get; set; }

        public List<(TableEntity, Recipient)> TakeBatch()
        {
            var batch = Batch;
            Batch = new(RowsPerTransaction);
            Buffered.Clear();
            return batch;
        }
    }

    private sealed class ImportState
    {
        private long _accepted;
        private long _duplicates;
        private readonly List<RejectedRow> _rejected = [];

        public long Accepted => Interlocked.Read(ref _accepted);
        public long Duplicates => Interlocked.Read(ref _duplicates);
        public long RejectedCount { get; private set; }
        public IReadOnlyList<RejectedRow> Rejected => _rejected;

        public void AddAccepted(long n) => Interlocked.Add(ref _accepted, n);
        public void AddDuplicates(long n) => Interlocked.Add(ref _duplicates, n);

        public void Reject(long position, string reason)
        {
            RejectedCount++;
            if (_rejected.Count < MaxListedRejections) _rejected.Add(new RejectedRow(position, reason));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recipients imported for incident {IncidentId}: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected")]
    private partial void LogImported(string incidentId, long accepted, long duplicates, long rejected);
}
