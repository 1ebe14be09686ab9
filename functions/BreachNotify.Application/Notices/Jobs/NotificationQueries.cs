using System.Text.Json;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Storage;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Jobs;

public sealed record RecipientStatusCounts(long Queued, long Sent, long Delivered, long Bounced, long Failed)
{
    public static RecipientStatusCounts operator +(RecipientStatusCounts a, RecipientStatusCounts b)
        => new(a.Queued + b.Queued, a.Sent + b.Sent, a.Delivered + b.Delivered, a.Bounced + b.Bounced, a.Failed + b.Failed);

    public static readonly RecipientStatusCounts Zero = new(0, 0, 0, 0, 0);
}

/// <summary>One job as shown: proof of what was sent (template version, body hash, count, time, provider message id) and delivery.</summary>
public sealed record JobView(
    string JobId, string Language, string TemplateVersion, string Status, int Recipients, int Attempts,
    DateTimeOffset? SentAt, string? ProviderMessageId, string? BodySha256, string? Error, RecipientStatusCounts RecipientStatus, long SpamReports, long Deferred);

public sealed record NotificationView(
    string NotificationId, string Kind, string Phase, string Status, DateTimeOffset CreatedAt, string CreatedBy,
    bool Override, string? ReasonsForDelay, DateTimeOffset? CompletedAt, long Recipients,
    IReadOnlyDictionary<string, long> Languages, IReadOnlyList<string> TemplateVersions,
    IReadOnlyDictionary<string, int> JobsByStatus, RecipientStatusCounts RecipientsByStatus, IReadOnlyList<JobView> Jobs);

/// <summary>Reads notifications with job and per-recipient delivery counts (one point read per job, several at a time).</summary>
public sealed class NotificationQueries(ITableStore store, IncidentRepository incidents, IOptions<NoticeOptions> options)
{
    public async Task<IReadOnlyList<NotificationView>> ListAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        _ = await incidents.GetAsync(incidentId, cancellationToken); // 404 for an unknown incident
        var rows = new List<TableEntity>();
        await foreach (var e in store.QueryAllAsync(NoticeTables.Notifications, TableQuery.WithPrefix(incidentId, NoticeTables.NotificationPrefix), cancellationToken))
            rows.Add(e);
        var result = new List<NotificationView>();
        foreach (var row in rows.OrderBy(r => r.GetDateTimeOffset("CreatedAt")))
            result.Add(await ViewAsync(incidentId, row, cancellationToken));
        return result;
    }

    /// <summary>Delivery counts over every notification of the incident that went to uploaded recipients.</summary>
    public async Task<RecipientStatusCounts> RecipientNoticeCountsAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var total = RecipientStatusCounts.Zero;
        foreach (var n in await ListAsync(incidentId, cancellationToken))
            if (NoticeKinds.RecipientKindFor(n.Kind) is not null) total += n.RecipientsByStatus;
        return total;
    }

    private async Task<NotificationView> ViewAsync(string incidentId, TableEntity row, CancellationToken cancellationToken)
    {
        var notificationId = row.RowKey[NoticeTables.NotificationPrefix.Length..];
        var index = new List<TableEntity>();
        await foreach (var e in store.QueryAllAsync(NoticeTables.Notifications, TableQuery.WithPrefix(incidentId, NoticeTables.JobIndexPrefix(notificationId)), cancellationToken))
            index.Add(e);
        var jobs = new JobView?[index.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, index.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Value.ReadParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var job = await store.GetAsync(NoticeTables.Jobs, index[i].GetString("JobId")!, NoticeTables.JobRow, ct);
            jobs[i] = job is null ? null : ToView(job);
        });
        var views = jobs.Where(j => j is not null).Select(j => j!).OrderBy(j => j.JobId, StringComparer.Ordinal).ToList();
        return new NotificationView(
            notificationId, row.GetString("Kind")!, row.GetString("Phase")!, row.GetString("Status")!, row.GetDateTimeOffset("CreatedAt")!.Value,
            row.GetString("CreatedBy")!, row.GetBoolean("Override") ?? false, row.GetString("ReasonsForDelay"), row.GetDateTimeOffset("CompletedAt"),
            row.GetInt64("Recipients") ?? views.Sum(j => (long)j.Recipients),
            row.GetString("Languages") is { } l ? JsonSerializer.Deserialize<Dictionary<string, long>>(l)! : views.GroupBy(j => j.Language).ToDictionary(g => g.Key, g => g.Sum(j => (long)j.Recipients)),
            row.GetString("TemplateVersions") is { } t ? JsonSerializer.Deserialize<List<string>>(t)! : views.Select(j => j.TemplateVersion).Distinct().ToList(),
            new[] { JobStatus.Queued, JobStatus.Sending, JobStatus.Sent, JobStatus.Failed }.ToDictionary(s => s, s => views.Count(j => j.Status == s)),
            views.Aggregate(RecipientStatusCounts.Zero, (a, j) => a + j.RecipientStatus),
            views);
    }

    public static JobView ToView(TableEntity job)
    {
        var status = job.GetString("Status")!;
        var n = job.GetInt32("RecipientCount") ?? 0;
        long delivered = job.GetInt64("Delivered") ?? 0, bounced = job.GetInt64("Bounced") ?? 0, failed = job.GetInt64("Failed") ?? 0;
        var counts = status switch
        {
            JobStatus.Sent => new RecipientStatusCounts(0, n - delivered - bounced - failed, delivered, bounced, failed),
            JobStatus.Failed => new RecipientStatusCounts(0, 0, 0, 0, n),
            _ => new RecipientStatusCounts(n, 0, 0, 0, 0),
        };
        return new JobView(job.PartitionKey, job.GetString("Language")!, job.GetString("TemplateVersion")!, status, n, job.GetInt32("Attempts") ?? 0,
            job.GetDateTimeOffset("SentAt"), job.GetString("ProviderMessageId"), job.GetString("BodySha256"), job.GetString("Error"), counts,
            job.GetInt64("SpamReports") ?? 0, job.GetInt64("Deferred") ?? 0);
    }
}
