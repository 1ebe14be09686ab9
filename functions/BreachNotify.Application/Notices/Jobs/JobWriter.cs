using System.Globalization;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Application.Storage;

namespace BreachNotify.Application.Notices.Jobs;

/// <summary>A job as created: id, ordinal within its notification, language and size.</summary>
public sealed record CreatedJob(string JobId, int Ordinal, string Language, string TemplateVersion, int Recipients);

/// <summary>
/// Writes the jobs of one notification while the recipients stream by: per language a bucket of up to
/// <see cref="NoticeOptions.JobSize"/> recipient keys becomes a job (its two rows in one transaction, insert-if-absent,
/// so a resumed request rewrites nothing). Ids and ordinals follow the deterministic recipient order.
/// </summary>
internal sealed class JobWriter(NotificationService service, string incidentId, string notificationId, string kind, string phase, CancellationToken cancellationToken) : IDisposable
{
    public void Dispose() => _slots.Dispose();

    private readonly Dictionary<string, (List<byte[]> Keys, string Version, int Chunk)> _buckets = new(StringComparer.Ordinal);
    private readonly List<Task> _writes = [];
    private readonly SemaphoreSlim _slots = new(Math.Max(1, service.Options.ImportParallelism));
    private int _ordinal;

    public List<CreatedJob> Created { get; } = [];

    private ITableStore Store => service.Store;

    public async Task AddRecipientAsync(string language, string version, byte[] key)
    {
        if (!_buckets.TryGetValue(language, out var bucket)) bucket = ([], version, 0);
        bucket.Keys.Add(key);
        _buckets[language] = bucket;
        if (bucket.Keys.Count >= service.Options.JobSize)
        {
            _buckets[language] = ([], version, bucket.Chunk + 1);
            await StartAsync(language, version, bucket.Chunk, bucket.Keys, null);
        }
    }

    public async Task FlushPartialAsync()
    {
        foreach (var language in NoticeLanguages.All)
        {
            if (_buckets.TryGetValue(language, out var bucket) && bucket.Keys.Count > 0)
            {
                _buckets[language] = ([], bucket.Version, bucket.Chunk + 1);
                await StartAsync(language, bucket.Version, bucket.Chunk, bucket.Keys, null);
            }
        }
    }

    public Task AddDirectAsync(RenderedNotice notice, EmailAddressRecord address)
        => StartAsync(notice.Language, notice.TemplateVersion, 0, [], address);

    private async Task StartAsync(string language, string version, int chunk, List<byte[]> keys, EmailAddressRecord? direct)
    {
        var jobId = Ids.Deterministic("job", notificationId, language, version, chunk.ToString(CultureInfo.InvariantCulture));
        var job = new CreatedJob(jobId, _ordinal++, language, version, direct is null ? keys.Count : 1);
        Created.Add(job);
        await _slots.WaitAsync(cancellationToken);
        _writes.Add(Task.Run(async () =>
        {
            try { await WriteAsync(job, keys, direct); }
            finally { _slots.Release(); }
        }, cancellationToken));
        if (_writes.Count > 64) { await Task.WhenAll(_writes); _writes.Clear(); }
    }

    private async Task WriteAsync(CreatedJob job, List<byte[]> keys, EmailAddressRecord? direct)
    {
        var now = service.Time.GetUtcNow();
        var row = new TableEntity(job.JobId, NoticeTables.JobRow)
        {
            ["IncidentId"] = incidentId, ["NotificationId"] = notificationId, ["Kind"] = kind, ["Phase"] = phase,
            ["Language"] = job.Language, ["TemplateVersion"] = job.TemplateVersion, ["Ordinal"] = job.Ordinal,
            ["RecipientCount"] = job.Recipients, ["Status"] = JobStatus.Queued, ["CreatedAt"] = now,
            ["Enqueues"] = 1, ["LastEnqueuedAt"] = now, ["Attempts"] = 0,
            ["Delivered"] = 0, ["Bounced"] = 0, ["Failed"] = 0, ["Deferred"] = 0, ["SpamReports"] = 0,
        };
        var list = new TableEntity(job.JobId, NoticeTables.RecipientsRow);
        if (direct is null)
        {
            var bytes = new byte[keys.Count * 32];
            for (var i = 0; i < keys.Count; i++) keys[i].CopyTo(bytes, i * 32);
            list["Keys"] = bytes;
        }
        else
        {
            list["Direct"] = JsonSerializer.Serialize(new[] { direct }, StoredJson.Options);
        }
        try
        {
            await Store.SubmitTransactionAsync(NoticeTables.Jobs, [TableOperation.Add(row), TableOperation.Add(list)], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.InnerException is EntityAlreadyExistsException)
        {
            // Written by an earlier attempt of the same request (same id, same contents): keep it as it is.
        }
    }

    /// <summary>Waits for the job rows, then writes the index and pending rows (idempotent upserts, 100 per transaction).</summary>
    public async Task CompleteAsync()
    {
        await Task.WhenAll(_writes);
        foreach (var chunk in Created.Chunk(100))
        {
            await Store.SubmitTransactionAsync(NoticeTables.Notifications, chunk.Select(j => TableOperation.Upsert(new TableEntity(incidentId, NoticeTables.JobIndexPrefix(notificationId) + j.JobId)
            {
                ["JobId"] = j.JobId, ["Ordinal"] = j.Ordinal, ["Language"] = j.Language, ["TemplateVersion"] = j.TemplateVersion, ["Recipients"] = j.Recipients,
            })).ToList(), cancellationToken);
        }
        // Only jobs still waiting are pending: a job sent meanwhile (a resumed request) must not come back.
        var waiting = new List<CreatedJob>();
        foreach (var j in Created)
        {
            var row = await Store.GetAsync(NoticeTables.Jobs, j.JobId, NoticeTables.JobRow, cancellationToken);
            if (row?.GetString("Status") is JobStatus.Queued or JobStatus.Sending) waiting.Add(j);
        }
        foreach (var chunk in waiting.Chunk(100))
        {
            await Store.SubmitTransactionAsync(NoticeTables.Jobs, chunk.Select(j => TableOperation.Upsert(new TableEntity(NoticeTables.PendingPartition, j.JobId)
            {
                ["IncidentId"] = incidentId, ["NotificationId"] = notificationId,
            })).ToList(), cancellationToken);
        }
    }
}
