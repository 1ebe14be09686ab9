using BreachNotify.Application.Common;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices.Jobs;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>An incident's recipients as shown: counts, the delivery status of their notices and, when asked for, one page of rows.</summary>
public sealed record RecipientOverview(RecipientCounts Counts, RecipientStatusCounts NoticesByStatus, RecipientPage? Rows);

/// <summary>Reads an incident's recipients for display. Rows are personal data: the caller decides who may ask for them.</summary>
public sealed class RecipientQueries(IncidentRepository incidents, RecipientRepository recipients, NotificationQueries notifications)
{
    public static readonly PageSizeLimits RowPages = new(DefaultSize: 100, MaxSize: 1000);

    /// <param name="rows">The page of rows to include (validated with <see cref="RowPages"/>), or null for counts only.</param>
    public async Task<RecipientOverview> GetAsync(string incidentId, PageRequest? rows, CancellationToken cancellationToken = default)
    {
        _ = await incidents.GetAsync(incidentId, cancellationToken); // 404 for an unknown incident
        var counts = await recipients.CountAsync(incidentId, cancellationToken);
        var notices = await notifications.RecipientNoticeCountsAsync(incidentId, cancellationToken);
        var page = rows is null ? null : await recipients.PageAsync(incidentId, rows, cancellationToken);
        return new RecipientOverview(counts, notices, page);
    }
}
