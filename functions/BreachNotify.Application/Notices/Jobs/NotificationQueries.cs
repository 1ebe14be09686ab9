using BreachNotify.Application.Incidents;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Jobs;

public sealed record RecipientStatusCounts(long Queued, long Sent, long Delivered, long Bounced, long Failed)
{
    public static RecipientStatusCounts operator +(RecipientStatusCounts a, RecipientStatusCounts b)
        => new(a.Queued + b.Queued, a.Sent + b.Sent, a.Delivered + b.Delivered, a.Bounced + b.Bounced, a.Failed + b.Failed);

    public static readonly RecipientStatusCounts Zero = new(0, 0, 0, 0, 0);
}

/// <summary>One job as shown: proof of what was sent (template version, body hash, count, time, provider message id) and delivery.</summary>
/// <param name="Recipients">The job's recipients: sent, refused and (while it is being sent) still to send.</param>
/// <param name="Controller">The controller-customer the job's recipients belong to (controller notices of a breach that touches several).</param>
/// <param name="Refused">Recipients refused alone at send time (counted as failed in <paramref name="RecipientStatus"/>; each
/// recipient's reason is on the recipients rows).</param>
public sealed record JobView(
    string JobId, string Language, string TemplateVersion, string Status, int Recipients, int Attempts,
    DateTimeOffset? SentAt, string? ProviderMessageId, string? BodySha256, string? Error, RecipientStatusCounts RecipientStatus, long SpamReports, long Deferred,
    string? Controller = null, long Refused = 0);

public sealed record NotificationView(
    string NotificationId, string Kind, string Phase, string Status, DateTimeOffset CreatedAt, string CreatedBy,
    bool Override, string? ReasonsForDelay, DateTimeOffset? CompletedAt, long Recipients,
    IReadOnlyDictionary<string, long> Languages, IReadOnlyList<string> TemplateVersions,
    IReadOnlyDictionary<string, int> JobsByStatus, RecipientStatusCounts RecipientsByStatus, IReadOnlyList<JobView> Jobs);

/// <summary>Reads notifications with job and per-recipient delivery counts (one point read per job, several at a time).</summary>
public sealed class NotificationQueries(NotificationRepository notifications, NoticeJobRepository jobs, IncidentRepository incidents, IOptions<NoticeOptions> options)
{
    public async Task<IReadOnlyList<NotificationView>> ListAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        _ = await incidents.GetAsync(incidentId, cancellationToken); // 404 for an unknown incident
        var result = new List<NotificationView>();
        foreach (var n in await notifications.ListAsync(incidentId, cancellationToken))
            result.Add(await ViewAsync(n, cancellationToken));
        return result;
    }

    /// <summary>Delivery counts over every notification of the incident that went to uploaded recipients.</summary>
    public async Task<RecipientStatusCounts> RecipientNoticeCountsAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var total = RecipientStatusCounts.Zero;
        foreach (var n in await notifications.ListAsync(incidentId, cancellationToken))
            if (n.RecipientKind is not null) total += (await ViewAsync(n, cancellationToken)).RecipientsByStatus;
        return total;
    }

    private async Task<NotificationView> ViewAsync(NotificationRecord n, CancellationToken cancellationToken)
    {
        var index = await notifications.ListJobIndexAsync(n.IncidentId, n.NotificationId, cancellationToken);
        var found = new JobView?[index.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, index.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Value.ReadParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var job = await jobs.FindAsync(index[i].JobId, ct);
            found[i] = job is null ? null : ToView(job);
        });
        var views = found.Where(j => j is not null).Select(j => j!).OrderBy(j => j.JobId, StringComparer.Ordinal).ToList();
        return new NotificationView(
            n.NotificationId, n.Kind.ToWire(), n.Phase.ToWire(), NotificationRepository.Wire(n.Status), n.CreatedAt,
            n.CreatedBy, n.Override, n.ReasonsForDelay, n.CompletedAt,
            n.Recipients ?? views.Sum(j => (long)j.Recipients),
            n.Languages?.ToDictionary(l => l.Key.ToWire(), l => l.Value) ?? views.GroupBy(j => j.Language).ToDictionary(g => g.Key, g => g.Sum(j => (long)j.Recipients)),
            n.TemplateVersions ?? views.Select(j => j.TemplateVersion).Distinct().ToList(),
            Enum.GetValues<JobStatus>().ToDictionary(NoticeJobRepository.Wire, s => views.Count(j => j.Status == NoticeJobRepository.Wire(s))),
            views.Aggregate(RecipientStatusCounts.Zero, (a, j) => a + j.RecipientStatus),
            views);
    }

    /// <summary>
    /// A job's recipients by status. A sent job's <see cref="NoticeJob.RecipientCount"/> is what was sent, beside the
    /// refused; before that it is the job's size, of which <see cref="NoticeJob.SentRecipients"/> went out so far (a job
    /// being sent in units, or one that failed after part of it was sent).
    /// </summary>
    public static JobView ToView(NoticeJob job)
    {
        var n = job.RecipientCount;
        var (total, sentOrLater, unsent) = job.Status switch
        {
            JobStatus.Sent => ((long)n + job.Refused, (long)n, 0L),
            JobStatus.Failed => (n, job.SentRecipients, 0L),
            _ => (n, job.SentRecipients, Math.Max(0, n - job.SentRecipients - job.Refused)),
        };
        var failed = job.Status == JobStatus.Failed ? total - sentOrLater + job.Failed : job.Refused + job.Failed;
        var sent = Math.Max(0, sentOrLater - job.Delivered - job.Bounced - job.Failed);
        var counts = new RecipientStatusCounts(unsent, sent, job.Delivered, job.Bounced, failed);
        return new JobView(job.JobId, job.Language.ToWire(), job.TemplateVersion, NoticeJobRepository.Wire(job.Status), (int)total, job.Attempts,
            job.SentAt, job.ProviderMessageId, job.BodySha256, job.Error, counts, job.SpamReports, job.Deferred, job.Controller, job.Refused);
    }
}
