using System.Globalization;
using BreachNotify.Application.Common;
using BreachNotify.Application.Notices.Templates;

namespace BreachNotify.Application.Notices.Jobs;

/// <summary>A job as created: id, ordinal within its notification, language, size and its first and last recipient key.</summary>
public sealed record CreatedJob(string JobId, int Ordinal, NoticeLanguage Language, string TemplateVersion, int Recipients, string? FirstKey, string? LastKey);

/// <summary>
/// Writes the jobs of one notification while the recipients stream by: per language a bucket of up to
/// <see cref="NoticeOptions.JobSize"/> recipient keys becomes a job (its two rows in one transaction, insert-if-absent,
/// so a resumed request rewrites nothing). Ids and ordinals follow the deterministic recipient order.
/// </summary>
internal sealed class JobWriter(
    NoticeJobRepository jobs,
    NotificationRepository notifications,
    NoticeOptions options,
    TimeProvider time,
    NotificationRecord notification,
    CancellationToken cancellationToken) : IDisposable
{
    public void Dispose() => _slots.Dispose();

    private readonly Dictionary<NoticeLanguage, (List<byte[]> Keys, string Version, int Chunk)> _buckets = [];
    private readonly List<Task> _writes = [];
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.ImportParallelism));
    private int _ordinal;

    public List<CreatedJob> Created { get; } = [];

    public async Task AddRecipientAsync(NoticeLanguage language, string version, byte[] key)
    {
        if (!_buckets.TryGetValue(language, out var bucket)) bucket = ([], version, 0);
        bucket.Keys.Add(key);
        _buckets[language] = bucket;
        if (bucket.Keys.Count >= options.JobSize)
        {
            _buckets[language] = ([], version, bucket.Chunk + 1);
            await StartAsync(language, version, bucket.Chunk, bucket.Keys, null);
        }
    }

    public async Task FlushPartialAsync()
    {
        foreach (var language in NoticeVocabulary.Languages)
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

    private async Task StartAsync(NoticeLanguage language, string version, int chunk, List<byte[]> keys, EmailAddressRecord? direct)
    {
        var jobId = Ids.Deterministic("job", notification.NotificationId, language.ToWire(), version, chunk.ToString(CultureInfo.InvariantCulture));
        var job = new CreatedJob(jobId, _ordinal++, language, version, direct is null ? keys.Count : 1,
            keys.Count > 0 ? Convert.ToHexStringLower(keys[0]) : null, keys.Count > 0 ? Convert.ToHexStringLower(keys[^1]) : null);
        Created.Add(job);
        await _slots.WaitAsync(cancellationToken);
        _writes.Add(Task.Run(async () =>
        {
            try { await WriteAsync(job, keys, direct); }
            finally { _slots.Release(); }
        }, cancellationToken));
        if (_writes.Count > 64) { await Task.WhenAll(_writes); _writes.Clear(); }
    }

    private async Task WriteAsync(CreatedJob created, List<byte[]> keys, EmailAddressRecord? direct)
    {
        var now = time.GetUtcNow();
        var job = new NoticeJob
        {
            JobId = created.JobId, IncidentId = notification.IncidentId, NotificationId = notification.NotificationId,
            Kind = notification.Kind, Phase = notification.Phase, Language = created.Language, TemplateVersion = created.TemplateVersion,
            Ordinal = created.Ordinal, RecipientCount = created.Recipients, Status = JobStatus.Queued, CreatedAt = now,
            Enqueues = 1, LastEnqueuedAt = now, Attempts = 0,
        };
        var bytes = new byte[keys.Count * 32];
        for (var i = 0; i < keys.Count; i++) keys[i].CopyTo(bytes, i * 32);
        // False: written by an earlier attempt of the same request (same id, same contents); kept as it is.
        _ = await jobs.CreateAsync(job, new JobRecipients(bytes, direct), cancellationToken);
    }

    /// <summary>Waits for the job rows, then writes the index and pending rows (idempotent upserts, 100 per transaction).</summary>
    public async Task CompleteAsync()
    {
        await Task.WhenAll(_writes);
        await notifications.AddJobIndexAsync(notification.IncidentId, notification.NotificationId,
            Created.Select(j => new JobIndexEntry(j.JobId, j.Ordinal, j.Language, j.TemplateVersion, j.Recipients, j.FirstKey, j.LastKey)), cancellationToken);
        // Only jobs still waiting are pending: a job sent meanwhile (a resumed request) must not come back.
        var waiting = new List<PendingJob>();
        foreach (var j in Created)
        {
            if (await jobs.FindAsync(j.JobId, cancellationToken) is { IsDone: false }) waiting.Add(new PendingJob(j.JobId, notification.IncidentId, notification.NotificationId));
        }
        await jobs.AddPendingAsync(waiting, cancellationToken);
    }
}
