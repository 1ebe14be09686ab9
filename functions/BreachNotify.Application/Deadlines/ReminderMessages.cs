using System.Globalization;
using System.Net;
using System.Text;
using BreachNotify.Application.Common;
using BreachNotify.Application.Email;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;

namespace BreachNotify.Application.Deadlines;

/// <summary>
/// Reminder e-mails, plain English text and simple HTML. They carry only what the recipient needs to act: the incident
/// id and title, the obligation, the due instant in UTC and in the organisation's zone, and a link to the incident's
/// page in the dashboard. No facts, no data subjects.
/// </summary>
public static class ReminderMessages
{
    /// <param name="incidentPage">The incident's page in the dashboard (<c>Organisation:DashboardUrl</c>, see
    /// <see cref="Organisation.OrganisationOptions.IncidentPageUrl"/>).</param>
    public static EmailMessage Create(IncidentState incident, PlannedReminder reminder, IReadOnlyList<string> recipients, EmailAddress from, TimeZoneInfo zone, DateTimeOffset now, string incidentPage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(incidentPage);
        var (subject, lines) = Content(incident, reminder, zone, now);
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(line).Append('\n');
        text.Append('\n').Append("Open the incident in BreachNotify: ").Append(incidentPage).Append('\n');
        text.Append("This is an automatic message from BreachNotify's deadline watch.\n");
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<h2>").Append(WebUtility.HtmlEncode(subject)).Append("</h2>");
        foreach (var line in lines) html.Append("<p>").Append(WebUtility.HtmlEncode(line)).Append("</p>");
        html.Append("<p><a href=\"").Append(WebUtility.HtmlEncode(incidentPage)).Append("\">Open incident ").Append(WebUtility.HtmlEncode(incident.Id)).Append(" in BreachNotify</a></p>");
        html.Append("<p style=\"color:#666\">This is an automatic message from BreachNotify's deadline watch.</p></body></html>");
        var category = reminder.Kind switch { ReminderKind.Escalation => "deadline-escalation", ReminderKind.Unconfirmed => "unconfirmed-reminder", _ => "deadline-reminder" };
        return new EmailMessage(
            MessageKey(incident.Id, reminder.Key),
            from,
            subject,
            text.ToString(),
            html.ToString(),
            recipients.Select(r => new EmailRecipient(new EmailAddress(r))).ToList(),
            CustomArgs: new Dictionary<string, string> { ["incidentId"] = incident.Id, ["kind"] = category },
            Categories: [category],
            Language: "en");
    }

    /// <summary>The same reminder always has the same key (the outbox overwrites nothing new on a retry).</summary>
    public static string MessageKey(string incidentId, string reminderKey) => Ids.Deterministic("rem", incidentId, reminderKey);

    private static (string Subject, List<string> Lines) Content(IncidentState s, PlannedReminder r, TimeZoneInfo zone, DateTimeOffset now)
    {
        var lines = new List<string> { $"Incident: {s.Id}", $"Title: {s.Title}" };
        if (r.Kind == ReminderKind.Unconfirmed)
        {
            lines.Add($"Suspected since: {Both(s.DetectedAt, zone)}");
            lines.Add($"This incident has been suspected for more than {Hours(r.Threshold!.Value)}. On its page, confirm it as a personal data breach (this starts the 72-hour clock) or dismiss it with a reason. Awareness must not be postponed by neglect (EDPB Guidelines 9/2022).");
            return ($"[BreachNotify] Suspected incident {s.Id} still unconfirmed", lines);
        }
        var d = r.Deadline!;
        var what = Describe(d);
        lines.Add($"Obligation: {what} ({d.Regime}/{d.Obligation})");
        lines.Add($"Source: {d.Source}");
        lines.Add($"Due: {Both(d.DueAt!.Value, zone)}");
        if (d.OuterBoundAt is { } outer) lines.Add($"Outer legal bound (Reg 1182/71): {Both(outer, zone)}");
        if (d.Reason is { } check) lines.Add($"Check: {check}");
        if (r.Kind == ReminderKind.Escalation)
        {
            lines.Add($"This deadline passed {Hours(now - d.DueAt.Value)} ago and the notice has not been recorded as sent.");
            if (d.Recipient == RecipientKind.Authority) lines.Add("Notify now: a notification after the deadline must give reasons for the delay (GDPR Art 33(1)).");
            return ($"[BreachNotify] OVERDUE: {what} ({d.Regime}) for incident {s.Id}", lines);
        }
        lines.Add($"Time left: about {Hours(d.DueAt.Value - now)} (reminder at {Incident.ThresholdText(r.Threshold!.Value)} before the deadline).");
        return ($"[BreachNotify] {Incident.ThresholdText(r.Threshold!.Value)} left: {what} ({d.Regime}) for incident {s.Id}", lines);
    }

    private static string Describe(Deadline d) => d.Recipient switch
    {
        RecipientKind.Authority => d.Obligation switch
        {
            "early-warning" => "send the early warning to the authority",
            "final-report" => "send the final report to the authority",
            _ => "notify the supervisory authority",
        },
        RecipientKind.DataSubjects => "tell the affected people",
        RecipientKind.Controllers => "tell the controller-customer",
        RecipientKind.Public => "make the public communication",
        _ => "complete " + d.Obligation,
    };

    private static string Both(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var utc = instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        // No local time at the very ends of the calendar (only stored data from before instants were validated).
        return InstantMath.InZone(instant, zone) is { } local ? $"{utc} ({local.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)} {zone.Id})" : utc;
    }

    private static string Hours(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)t.TotalHours} h {t.Minutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)t.TotalMinutes} min");
    }
}
