using System.Threading.Channels;
using BreachNotify.Application.Email;
using BreachNotify.Application.Incidents;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>
/// Imports an incident's affected recipients from a stream of rows: validates each row, stores accepted ones
/// insert-if-absent (an address is stored once per incident, so a repeated upload adds nothing), in transactions of
/// 99 rows plus the partition's counters. Rows are written a chunk at a time, each partition's rows in key order: with
/// keys that are hashes, rows written in arrival order land on a different page each, and every page a commit changes is
/// written again (WAL and checkpoint in SQLite); in key order a commit's rows share pages. Memory stays flat: one chunk
/// being read and one being written. Never logs addresses or names.
/// </summary>
public sealed partial class RecipientImporter(
    RecipientRepository recipients,
    IncidentRepository incidents,
    TimeProvider time,
    IOptions<NoticeOptions> options,
    ILogger<RecipientImporter> logger)
{
    public const int MaxListedRejections = 100;
    public const int MaxNameLength = 200;
    public const int MaxExternalIdLength = 200;
    public const int MaxControllerLength = 200;

    /// <summary>Rows per chunk: about 20 MiB held per chunk.</summary>
    public const int ChunkRows = 50_000;

    public async Task<ImportResult> ImportAsync(string incidentId, IAsyncEnumerable<RecipientInput> rows, CancellationToken cancellationToken = default)
    {
        var incident = (await incidents.GetAsync(incidentId, cancellationToken)).Incident;
        if (!incident.Status.IsOpen())
            throw new InvalidStateException($"A {incident.Status.ToWire()} incident takes no recipients.");

        var addedAt = time.GetUtcNow();
        var fallback = options.Value.Fallback;
        var state = new ImportState();
        // Reading and writing overlap: a full chunk goes to the writer while the next one fills. The writer sends one batch
        // per partition at a time as a group, which the store commits together (SQLite) or writes side by side (Table storage).
        var channel = Channel.CreateBounded<Chunk>(1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = recipients.OpenWriter(incidentId);
        var writing = Task.Run(async () =>
        {
            try
            {
                var marked = false;
                await foreach (var chunk in channel.Reader.ReadAllAsync(stop.Token))
                {
                    // Before the first row is written (not before the upload is read: a refused upload writes nothing):
                    // the retention timer finds incidents that hold recipients' data through this index.
                    if (!marked) { await recipients.MarkHolderAsync(incidentId, stop.Token); marked = true; }
                    foreach (var group in chunk.Groups())
                    {
                        foreach (var outcome in await writer.AddAsync(group, stop.Token))
                        {
                            state.AddAccepted(outcome.Added);
                            state.AddDuplicates(outcome.Duplicates);
                            state.AddErased(outcome.Erased);
                        }
                    }
                }
            }
            catch
            {
                await stop.CancelAsync(); // the reader stops too; the error surfaces below
                throw;
            }
        }, CancellationToken.None);

        Exception? readError = null;
        var filling = new Chunk();
        try
        {
            await foreach (var row in rows.WithCancellation(stop.Token))
            {
                var recipient = Validate(row, fallback, out var reason, out var warning);
                if (recipient is null) { state.Reject(row.Position, reason!); continue; }
                if (warning is not null) state.Warn(row.Position, warning);
                var hash = RecipientHash.Of(RecipientKeys.Hash(recipient.Email));
                if (!filling.Add(new NewRecipient(hash, recipient, addedAt))) { state.AddDuplicates(1); continue; }
                if (filling.Count == ChunkRows)
                {
                    await channel.Writer.WriteAsync(filling, stop.Token);
                    // Start the next chunk only once the writer has taken this one: two chunks in memory, not three.
                    await channel.Writer.WaitToWriteAsync(stop.Token);
                    filling = new Chunk();
                }
            }
        }
        catch (RecipientUploadException ex)
        {
            readError = ex; // rows read so far are still written: the upload is repeatable
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The writer failed: its error surfaces below.
        }
        finally
        {
            try
            {
                if (!stop.IsCancellationRequested && filling.Count > 0) await channel.Writer.WriteAsync(filling, stop.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            channel.Writer.TryComplete();
        }
        await writing;
        cancellationToken.ThrowIfCancellationRequested();

        LogImported(incidentId, state.Accepted, state.Duplicates, state.RejectedCount, state.Erased, state.WarningCount);
        if (readError is RecipientUploadException upload)
            throw new RecipientUploadException(upload.Field, $"{upload.Message} {state.Accepted} rows before it were stored; the corrected upload can be repeated safely.", upload);
        return new ImportResult(state.Accepted, state.Duplicates, state.RejectedCount, state.Rejected, state.Erased)
        {
            WarningCount = state.WarningCount, Warnings = state.Warnings,
        };
    }

    /// <summary>
    /// Validates one row; the reason never quotes the address. A language we have no notice text for is replaced by
    /// <paramref name="fallback"/> (<c>Notices:FallbackLanguage</c>) with a <paramref name="warning"/>, or rejected
    /// without one. A country with several of our languages needs the language (no silent guess).
    /// </summary>
    public static Recipient? Validate(RecipientInput row, NoticeLanguage? fallback, out string? reason, out string? warning)
    {
        warning = null;
        reason = row.Problem;
        if (reason is not null) return null;
        reason = EmailAddresses.Validate(row.Email);
        if (reason is not null) return null;
        var name = Clean(row.Name);
        if (name is { Length: > MaxNameLength }) { reason = $"name is longer than {MaxNameLength} characters."; return null; }
        if (name is not null && name.Any(char.IsControl)) { reason = "name contains a control character."; return null; }
        var country = Clean(row.Country)?.ToUpperInvariant();
        if (country is not null && !CountryCodes.IsValid(country)) { reason = $"country '{Truncate(row.Country!)}' is not an ISO 3166-1 alpha-2 code."; return null; }
        var language = Language(row.Language, country, fallback, out reason, out warning);
        if (language is null) return null;
        var kindText = Clean(row.Kind)?.ToLowerInvariant();
        var kind = RecipientKind.DataSubject;
        if (kindText is not null && !NoticeVocabulary.TryParseRecipientKind(kindText, out kind)) { reason = $"kind '{Truncate(row.Kind!)}' is not data-subject or controller."; return null; }
        var externalId = Clean(row.ExternalId);
        if (externalId is { Length: > MaxExternalIdLength }) { reason = $"externalId is longer than {MaxExternalIdLength} characters."; return null; }
        if (externalId is not null && externalId.Any(char.IsControl)) { reason = "externalId contains a control character."; return null; }
        var controller = Clean(row.Controller);
        if (controller is { Length: > MaxControllerLength }) { reason = $"controller is longer than {MaxControllerLength} characters."; return null; }
        if (controller is not null && controller.Any(char.IsControl)) { reason = "controller contains a control character."; return null; }
        return new Recipient(row.Email!.Trim(), name, language.Value, country, kind, externalId, controller);
    }

    private static NoticeLanguage? Language(string? text, string? country, NoticeLanguage? fallback, out string? reason, out string? warning)
    {
        (reason, warning) = (null, null);
        var given = Clean(text);
        if (given is null)
        {
            if (NoticeVocabulary.LanguageForCountry(country) is { } byCountry) return byCountry;
            var options = string.Join(", ", NoticeVocabulary.MultilingualCountries[country!].Select(l => l.ToWire()));
            reason = $"country {country} has several official languages ({options}): give the recipient's language.";
            return null;
        }
        if (NoticeVocabulary.ParseLanguageTag(given, out var other) is { } language) return language;
        if (other && fallback is { } to)
        {
            warning = $"language '{Truncate(given)}' has no notice text: the recipient gets the {to.ToWire()} notice (Notices:FallbackLanguage).";
            return to;
        }
        reason = $"language '{Truncate(given)}' is not one of nl, en, fr, de.";
        return null;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Truncate(string value) => value.Length <= 20 ? value : value[..20] + "…";

    /// <summary>Up to <see cref="ChunkRows"/> new recipients by partition; an address already in the chunk is a duplicate (the first row wins).</summary>
    private sealed class Chunk
    {
        private readonly List<NewRecipient>[] _shards = Enumerable.Range(0, RecipientKeys.Shards).Select(_ => new List<NewRecipient>()).ToArray();
        private readonly HashSet<RecipientHash> _keys = [];

        public int Count => _keys.Count;

        public bool Add(NewRecipient recipient)
        {
            if (!_keys.Add(recipient.Hash)) return false;
            _shards[recipient.Hash.Shard].Add(recipient);
            return true;
        }

        /// <summary>Each partition's rows in key order, cut into batches; a group takes the next batch of every partition.</summary>
        public IEnumerable<IReadOnlyList<(int Shard, IReadOnlyList<NewRecipient> Batch)>> Groups()
        {
            foreach (var rows in _shards) rows.Sort((a, b) => RecipientHash.Compare(a.Hash, b.Hash));
            var size = RecipientRepository.RowsPerTransaction;
            for (var start = 0; ; start += size)
            {
                var group = new List<(int, IReadOnlyList<NewRecipient>)>();
                for (var shard = 0; shard < _shards.Length; shard++)
                {
                    var rows = _shards[shard];
                    if (start < rows.Count) group.Add((shard, rows.GetRange(start, Math.Min(size, rows.Count - start))));
                }
                if (group.Count == 0) yield break;
                yield return group;
            }
        }
    }

    private sealed class ImportState
    {
        private long _accepted;
        private long _duplicates;
        private long _erased;
        private readonly List<RejectedRow> _rejected = [];

        public long Accepted => Interlocked.Read(ref _accepted);
        public long Duplicates => Interlocked.Read(ref _duplicates);
        public long Erased => Interlocked.Read(ref _erased);
        public long RejectedCount { get; private set; }
        public IReadOnlyList<RejectedRow> Rejected => _rejected;
        private readonly List<RejectedRow> _warnings = [];
        public long WarningCount { get; private set; }
        public IReadOnlyList<RejectedRow> Warnings => _warnings;

        public void Warn(long position, string reason)
        {
            WarningCount++;
            if (_warnings.Count < MaxListedRejections) _warnings.Add(new RejectedRow(position, reason));
        }

        public void AddAccepted(long n) => Interlocked.Add(ref _accepted, n);
        public void AddDuplicates(long n) => Interlocked.Add(ref _duplicates, n);
        public void AddErased(long n) => Interlocked.Add(ref _erased, n);

        public void Reject(long position, string reason)
        {
            RejectedCount++;
            if (_rejected.Count < MaxListedRejections) _rejected.Add(new RejectedRow(position, reason));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recipients imported for incident {IncidentId}: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected, {Erased} erased earlier, {Warnings} with warnings")]
    private partial void LogImported(string incidentId, long accepted, long duplicates, long rejected, long erased, long warnings);
}
