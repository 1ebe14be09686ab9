using System.Globalization;
using BreachNotify.Application.Common;
using BreachNotify.Application.Notices.Templates;

namespace BreachNotify.Application.Notices.Jobs;

/// <summary>A job as created: id, ordinal within its notification, language (and rendering), size and its first and last recipient key.</summary>
public sealed record CreatedJob(string JobId, int Ordinal, NoticeLanguage Language, string TemplateVersion, int Recipients, string? FirstKey, string? LastKey, string Variant = "", string? Controller = null);

/// <summary>
/// Writes the jobs of one notification while the recipients stream by: per rendering (language, and variant where one
/// language has several, <see cref="RenderedNotice.Variant"/>) a bucket of up to
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

    private readonly Dictionary<(NoticeLanguage Language, string Variant), (List<byte[]> Keys, RenderedNotice Notice, int Chunk)> _buckets = [];
    private readonly List<Task> _writes = [];
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.ImportParallelism));
    private int _ordinal;

    public List<CreatedJob> Created { get; } = [];

    /// <summary>Adds a recipient to the job of the rendering it gets.</summary>
    public async Task AddRecipientAsync(RenderedNotice notice, byte[] key)
    {
        var at = (notice.Language, notice.Variant);
        if (!_buckets.TryGetValue(at, out var bucket)) bucket = ([], notice, 0);
        bucket.Keys.Add(key);
        _buckets[at] = bucket;
        if (bucket.Keys.Count >= options.JobSize)
        {
            _buckets[at] = ([], notice, bucket.Chunk + 1);
            await StartAsync(notice, bucket.Chunk, bucket.Keys, null);
        }
    }

    public async Task FlushPartialAsync()
    {
        // In a fixed order (language, then variant), so that ids and ordinals are the same on every attempt.
        foreach (var at in _buckets.Keys.OrderBy(k => k.Language).ThenBy(k => k.Variant, StringComparer.Ordinal).ToList())
        {
            var bucket = _buckets[at];
            if (bucket.Keys.Count > 0)
            {
                _buckets[at] = ([], bucket.Notice, bucket.Chunk + 1);
                await StartAsync(bucket.Notice, bucket.Chunk, bucket.Keys, null);
            }
        }
    }

    public Task AddDirectAsync(RenderedNotice notice, EmailAddressRecord address) => StartAsync(notice, 0, [], address);

    private async Task StartAsync(RenderedNotice notice, int chunk, List<byte[]> keys, EmailAddressRecord? direct)
    {
        var (language, version, variant) = (notice.Language, notice.TemplateVersion, notice.Variant);
        // The default rendering keeps the ids jobs had before renderings had variants.
        var jobId = variant.Length == 0
            ? Ids.Deterministic("job", notification.NotificationId, language.ToWire(), version, chunk.ToString(CultureInfo.InvariantCulture))
            : Ids.Deterministic("job", notification.NotificationId, language.ToWire(), version, variant, chunk.ToString(CultureInfo.InvariantCulture));
        var job = new CreatedJob(jobId, _ordinal++, language, version, direct is null ? keys.Count : 1,
            keys.Count > 0 ? Convert.ToHexStringLower(keys[0]) : null, keys.Count > 0 ? Convert.ToHexStringLower(keys[^1]) : null, variant, notice.Controller);
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
            Variant = created.Variant, Controller = created.Controller,
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
            Created.Select(j => new JobIndexEntry(j.JobId, j.Ordinal, j.Language, j.TemplateVersion, j.Recipients, j.FirstKey, j.LastKey, j.Variant)), cancellationToken);
        // Only jobs still waiting are pending: a job sent meanwhile (a resumed request) must not come back.
        var waiting = new List<PendingJob>();
        foreach (var j in Created)
        {
            if (await jobs.FindAsync(j.JobId, cancellationToken) is { IsDone: false }) waiting.Add(new PendingJob(j.JobId, notification.IncidentId, notification.NotificationId));
        }
        await jobs.AddPendingAsync(waiting, cancellationToken);
    }
}
