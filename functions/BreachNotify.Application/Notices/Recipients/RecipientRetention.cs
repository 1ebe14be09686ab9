using BreachNotify.Application.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BreachNotify.Application.Notices.Recipients;

/// <param name="Holders">Incidents that held recipients' data when the run started.</param>
/// <param name="Erased">Incidents whose recipients were erased by this run (retention ended).</param>
/// <param name="Recipients">Recipients erased by this run.</param>
/// <param name="Resumed">Erasures left unfinished by a restart and completed by this run.</param>
public sealed record RetentionResult(int Holders, int Erased, long Recipients, int Resumed);

/// <summary>
/// The RecipientRetention timer: recipients' addresses and names are kept until <see cref="RecipientOptions.RetainFor"/>
/// after their incident was closed or dismissed (GDPR Art 5(1)(e)), then erased as by an erasure request, with a
/// <c>recipients-erased</c> entry on the incident's timeline. Reads the holders index (incidents that took recipients),
/// never the recipients themselves; completes any erasure a restart left unfinished. A closed incident takes no more
/// recipients, so once erased it leaves the index.
/// </summary>
public sealed partial class RecipientRetention(
    RecipientRepository recipients,
    RecipientErasure erasure,
    IncidentRepository incidents,
    IOptions<RecipientOptions> options,
    TimeProvider time,
    ILogger<RecipientRetention> logger)
{
    /// <summary>Marker: incidents that took recipients before the holders index existed are in it.</summary>
    private const string BackfillMarker = "holders-backfilled";

    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken = default)
    {
        await BackfillAsync(cancellationToken);
        var holders = await recipients.ListHoldersAsync(cancellationToken);
        int erasedIncidents = 0, resumed = 0;
        long erasedRecipients = 0;
        foreach (var incidentId in holders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await erasure.ResumeAsync(incidentId, cancellationToken) is { } done)
            {
                resumed++;
                erasedRecipients += done.Erased;
            }
            var stored = await incidents.FindAsync(incidentId, cancellationToken);
            if (stored is null)
            {
                await recipients.RemoveHolderAsync(incidentId, cancellationToken);
                continue;
            }
            var state = stored.Incident.State;
            if (state.ClosedAt is not { } closedAt || time.GetUtcNow() - closedAt < options.Value.RetainFor) continue;
            var counts = await recipients.CountAsync(incidentId, cancellationToken);
            if (counts.Total > counts.TotalErased)
            {
                var result = await erasure.EraseForRetentionAsync(incidentId, cancellationToken);
                erasedIncidents++;
                erasedRecipients += result.Erased;
                LogRetentionEnded(incidentId, result.Erased);
            }
            await recipients.RemoveHolderAsync(incidentId, cancellationToken);
        }
        return new RetentionResult(holders.Count, erasedIncidents, erasedRecipients, resumed);
    }

    /// <summary>Once: incidents that took recipients before the index existed are added to it.</summary>
    private async Task BackfillAsync(CancellationToken cancellationToken)
    {
        if (await recipients.HasMarkerAsync(BackfillMarker, cancellationToken)) return;
        await foreach (var incident in incidents.ListAllAsync(cancellationToken))
        {
            if ((await recipients.CountAsync(incident.Id, cancellationToken)).Total > 0)
                await recipients.MarkHolderAsync(incident.Id, cancellationToken);
        }
        await recipients.SetMarkerAsync(BackfillMarker, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention of incident {IncidentId} ended: {Erased} recipients erased")]
    private partial void LogRetentionEnded(string incidentId, long erased);
}
