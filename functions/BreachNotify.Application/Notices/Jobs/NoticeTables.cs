using System.Text;
using BreachNotify.Application.Storage;

namespace BreachNotify.Application.Notices.Jobs;

/// <summary>
/// Table layout of notifications and notice jobs.
/// <list type="bullet">
/// <item><c>Notifications</c>, partition = incident id: <c>n|{notificationId}</c> the notification, <c>r|{notificationId}|{language}</c>
/// the rendered notice (what is sent; <c>r|{notificationId}|{language}|{variant}</c> for a further rendering in the same
/// language, e.g. per controller-customer), <c>j|{notificationId}|{jobId}</c> one index row per job, <c>s|{sha256(reference)}</c> an
/// authority portal submission.</item>
/// <item><c>NoticeJobs</c>, partition = job id: <c>job</c> the job (status, lease, proof of sending, delivery counters),
/// <c>recipients</c> the recipients' keys (32-byte SHA-256 each) or the configured address, <c>d|{hash}</c> a recipient's
/// delivery status and <c>e|{hash}</c> a delivery event already applied; all in one partition so an event, the status it
/// changes and the counters move in one transaction.</item>
/// <item><c>NoticeJobs</c>, partition <c>pending</c>: jobs not yet sent or failed, for the sweep (never a scan); partition
/// <c>creating</c>: notifications whose jobs are being written, so the sweep finishes one a crash left half-way.</item>
/// <item><c>Notifications</c>, <c>k|{kind}|{phase}</c>: which notification gave that kind and phase (a second one needs a resend).</item>
/// </list>
/// Only the repositories (<see cref="NotificationRepository"/>, <see cref="NoticeJobRepository"/>) read and write these rows.
/// </summary>
internal static class NoticeTables
{
    public const string Notifications = "Notifications";
    public const string Jobs = "NoticeJobs";
    public const string JobRow = "job";
    public const string RecipientsRow = "recipients";
    public const string PendingPartition = "pending";

    public static string NotificationRow(string notificationId) => "n|" + notificationId;
    public static string RenderedRow(string notificationId, string language, string variant = "")
        => "r|" + notificationId + "|" + language + (variant.Length == 0 ? "" : "|" + variant);
    public static string JobIndexPrefix(string notificationId) => "j|" + notificationId + "|";
    public static string DeliveryRow(string recipientHash) => "d|" + recipientHash;
    public static string EventRow(string eventHash) => "e|" + eventHash;
    public static string SubmissionRow(string referenceHash) => "s|" + referenceHash;

    /// <summary>The claim of a kind and phase: the notification that gives it (a second one must be a deliberate resend).</summary>
    public static string KindPhaseRow(string kind, string phase) => "k|" + kind + "|" + phase;

    /// <summary>Partition of <c>NoticeJobs</c> listing notifications being created (row key = notification id), for the sweep.</summary>
    public const string CreatingPartition = "creating";

    public const string NotificationPrefix = "n|";

    private const int ChunkBytes = 60_000; // Table storage: binary properties up to 64 KiB

    /// <summary>Stores long UTF-8 text as binary chunks <c>{name}0</c>, <c>{name}1</c>, … (an entity holds up to 1 MiB).</summary>
    public static void WriteText(TableEntity entity, string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var i = 0;
        for (var offset = 0; offset < bytes.Length || i == 0; offset += ChunkBytes, i++)
            entity[name + i] = bytes.AsSpan(offset, Math.Min(ChunkBytes, bytes.Length - offset)).ToArray();
    }

    public static string ReadText(TableEntity entity, string name)
    {
        using var ms = new MemoryStream();
        for (var i = 0; entity.GetBinary(name + i) is { } chunk; i++) ms.Write(chunk);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
