using System.Threading.Channels;
using BreachNotify.Application.Incidents;
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
    RecipientRepository recipients,
    IncidentRepository incidents,
    IOptions<NoticeOptions> options,
    TimeProvider time,
    ILogger<RecipientImporter> logger)
{
    public const int MaxListedRejections = 100;
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
        for (var s = 0; s < shards.Length; s++) shards[s] = new ShardWriter(recipients.OpenShard(incidentId, s));

        // Reading and writing overlap: full batches go to a bounded channel that a few writers drain (one transaction
        // per partition at a time, so a partition's counters are never contended by this upload).
        var parallelism = Math.Max(1, options.Value.ImportParallelism);
        var channel = Channel.CreateBounded<(ShardWriter Writer, List<NewRecipient> Batch)>(parallelism * 2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writers = Enumerable.Range(0, parallelism).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var (writer, batch) in channel.Reader.ReadAllAsync(stop.Token))
                {
                    await writer.Lock.WaitAsync(stop.Token);
                    try
                    {
                        var (added, duplicates) = await writer.Shard.AddAsync(batch, stop.Token);
                        state.AddAccepted(added);
                        state.AddDuplicates(duplicates);
                    }
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
                var added = new NewRecipient(hash, recipient, addedAt);
                if (!writer.Buffered.Add(added.Key)) { state.AddDuplicates(1); continue; }
                writer.Batch.Add(added);
                if (writer.Batch.Count == RecipientRepository.RowsPerTransaction) await channel.Writer.WriteAsync((writer, writer.TakeBatch()), stop.Token);
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
        var languageText = Clean(row.Language)?.ToLowerInvariant();
        NoticeLanguage language;
        if (languageText is null) language = NoticeVocabulary.LanguageForCountry(country);
        else if (!NoticeVocabulary.TryParseLanguage(languageText, out language)) { reason = $"language '{Truncate(row.Language!)}' is not one of nl, en, fr, de."; return null; }
        var kindText = Clean(row.Kind)?.ToLowerInvariant();
        var kind = RecipientKind.DataSubject;
        if (kindText is not null && !NoticeVocabulary.TryParseRecipientKind(kindText, out kind)) { reason = $"kind '{Truncate(row.Kind!)}' is not data-subject or controller."; return null; }
        var externalId = Clean(row.ExternalId);
        if (externalId is { Length: > MaxExternalIdLength }) { reason = $"externalId is longer than {MaxExternalIdLength} characters."; return null; }
        if (externalId is not null && externalId.Any(char.IsControl)) { reason = "externalId contains a control character."; return null; }
        return new Recipient(row.Email!.Trim(), name, language, country, kind, externalId);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Truncate(string value) => value.Length <= 20 ? value : value[..20] + "…";

    private sealed class ShardWriter(RecipientRepository.ShardWriter shard)
    {
        public RecipientRepository.ShardWriter Shard { get; } = shard;
        public List<NewRecipient> Batch { get; private set; } = new(RecipientRepository.RowsPerTransaction);
        public HashSet<string> Buffered { get; } = new(StringComparer.Ordinal);
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public List<NewRecipient> TakeBatch()
        {
            var batch = Batch;
            Batch = new(RecipientRepository.RowsPerTransaction);
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
