using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Jobs;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>A recipient's notice: which notification, and what became of it for this recipient.</summary>
/// <param name="Status">queued, sent, delivered, bounced or failed; null when the notification's jobs predate the record
/// of their key ranges (the recipient's job cannot be found without reading every job).</param>
/// <param name="Reason">Why it failed or bounced, when that is known: a refusal at send time, the provider's reason.</param>
public sealed record RecipientNotice(string NotificationId, NoticeKind Kind, NoticePhase Phase, string? Status, string? Reason = null);

/// <summary>One recipient as listed: the stored row and the status of each notice that went to them.</summary>
public sealed record RecipientRow(StoredRecipient Recipient, IReadOnlyList<RecipientNotice> Notices);

/// <summary>An incident's recipients as shown: counts, the delivery status of their notices and, when asked for, one page of rows.</summary>
public sealed record RecipientOverview(RecipientCounts Counts, RecipientStatusCounts NoticesByStatus, IReadOnlyList<RecipientRow>? Rows, string? Continuation);

/// <summary>Reads an incident's recipients for display. Rows are personal data: the caller decides who may ask for them.</summary>
public sealed class RecipientQueries(
    IncidentRepository incidents,
    RecipientRepository recipients,
    NotificationQueries notificationQueries,
    NotificationRepository notifications,
    NoticeJobRepository jobs)
{
    public static readonly PageSizeLimits RowPages = new(DefaultSize: 100, MaxSize: 1000);

    /// <param name="rows">The page of rows to include (validated with <see cref="RowPages"/>), or null for counts only.</param>
    public async Task<RecipientOverview> GetAsync(string incidentId, PageRequest? rows, CancellationToken cancellationToken = default)
    {
        _ = await incidents.GetAsync(incidentId, cancellationToken); // 404 for an unknown incident
        var counts = await recipients.CountAsync(incidentId, cancellationToken);
        var notices = await notificationQueries.RecipientNoticeCountsAsync(incidentId, cancellationToken);
        if (rows is null) return new RecipientOverview(counts, notices, null, null);
        var page = await recipients.PageAsync(incidentId, rows, cancellationToken);
        var lookup = new DeliveryLookup(jobs, (await notifications.ListAsync(incidentId, cancellationToken)).Where(n => n.RecipientKind is not null).ToList());
        var listed = new List<RecipientRow>(page.Items.Count);
        foreach (var r in page.Items) listed.Add(new RecipientRow(r, await lookup.NoticesOfAsync(r, notifications, cancellationToken)));
        return new RecipientOverview(counts, notices, listed, page.ContinuationToken);
    }

    /// <summary>
    /// Finds a recipient's job in each notification from the job index's key ranges (jobs of a language cover consecutive
    /// ranges in job order: partition, then key), confirms it in the job's list and reads the recipient's delivery status
    /// by key. Caches what it reads for one page.
    /// </summary>
    private sealed class DeliveryLookup(NoticeJobRepository jobs, IReadOnlyList<NotificationRecord> notifications)
    {
        private readonly Dictionary<string, IReadOnlyList<JobIndexEntry>> _index = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Dictionary<string, int>> _lists = new(StringComparer.Ordinal);
        private readonly Dictionary<string, NoticeJob?> _jobs = new(StringComparer.Ordinal);

        public async Task<IReadOnlyList<RecipientNotice>> NoticesOfAsync(StoredRecipient r, NotificationRepository repository, CancellationToken cancellationToken)
        {
            var result = new List<RecipientNotice>();
            foreach (var n in notifications)
            {
                // Recipients added after a notification was created are not in it.
                if (n.RecipientKind != r.Kind || r.AddedAt > n.CreatedAt) continue;
                if (!_index.TryGetValue(n.NotificationId, out var index))
                    _index[n.NotificationId] = index = await repository.ListJobIndexAsync(n.IncidentId, n.NotificationId, cancellationToken);
                var ofLanguage = index.Where(j => j.Language == r.Language).ToList();
                if (ofLanguage.Count == 0) continue;
                if (ofLanguage.Any(j => j.FirstKey is null))
                {
                    result.Add(new RecipientNotice(n.NotificationId, n.Kind, n.Phase, null));
                    continue;
                }
                var job = ofLanguage.FirstOrDefault(j => Compare(j.FirstKey!, r.Key) <= 0 && Compare(r.Key, j.LastKey!) <= 0);
                if (job is null || !(await ListAsync(job.JobId, cancellationToken)).TryGetValue(r.Key, out var position)) continue; // not in this notification
                var (status, reason) = await StatusAsync(job.JobId, r.Key, position, cancellationToken);
                result.Add(new RecipientNotice(n.NotificationId, n.Kind, n.Phase, status, reason));
            }
            return result;
        }

        /// <summary>Job order: partition (shard), then key.</summary>
        private static int Compare(string a, string b)
        {
            var c = RecipientKeys.ShardOfRowKey(a).CompareTo(RecipientKeys.ShardOfRowKey(b));
            return c != 0 ? c : string.CompareOrdinal(a, b);
        }

        /// <summary>The job's recipient keys with their positions (the order it sends them in).</summary>
        private async Task<Dictionary<string, int>> ListAsync(string jobId, CancellationToken cancellationToken)
        {
            if (_lists.TryGetValue(jobId, out var keys)) return keys;
            var list = await jobs.GetRecipientsAsync(jobId, cancellationToken);
            keys = new Dictionary<string, int>(list.KeyCount, StringComparer.Ordinal);
            for (var i = 0; i < list.KeyCount; i++) keys[RecipientKeys.RowKey(list.Key(i))] = i;
            _lists[jobId] = keys;
            return keys;
        }

        /// <summary>
        /// The recipient's own delivery row when there is one (delivery events; a refusal at send time, with its reason);
        /// else what the job says: sent once the job's recorded progress is past the recipient, failed when the job failed
        /// before, queued otherwise.
        /// </summary>
        private async Task<(string Status, string? Reason)> StatusAsync(string jobId, string key, int position, CancellationToken cancellationToken)
        {
            if (!_jobs.TryGetValue(jobId, out var job)) _jobs[jobId] = job = await jobs.FindAsync(jobId, cancellationToken);
            if (job is null) return ("queued", null);
            if (job.Status == JobStatus.Sent || job.Progress > position)
            {
                var delivery = await jobs.FindDeliveryAsync(jobId, key, cancellationToken);
                if (delivery is not null) return (delivery.Status, delivery.Status is "failed" or "bounced" ? delivery.Reason : null);
                return ("sent", null);
            }
            return job.Status == JobStatus.Failed ? ("failed", job.Error) : ("queued", null);
        }
    }
}
