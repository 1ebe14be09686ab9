using BreachNotify.Application.Notices.Recipients;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Notices;

/// <summary>
/// Timer (<c>%RecipientRetention:Schedule%</c>, default daily at 03:00 UTC): erases the recipients' addresses and names
/// of incidents closed longer than <c>Recipients:RetainFor</c> ago, and completes erasures a restart left unfinished.
/// </summary>
public sealed partial class RecipientRetentionFunction(RecipientRetention retention, ILogger<RecipientRetentionFunction> logger)
{
    [Function("RecipientRetention")]
    public async Task Run([TimerTrigger("%RecipientRetention:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var r = await retention.RunAsync(cancellationToken);
        LogRan(r.Holders, r.Erased, r.Recipients, r.Resumed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recipient retention: {Holders} incidents hold recipients, {Erased} reached the end of retention, {Recipients} recipients erased, {Resumed} unfinished erasures completed")]
    private partial void LogRan(int holders, int erased, long recipients, int resumed);
}
