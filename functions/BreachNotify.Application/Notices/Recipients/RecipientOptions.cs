namespace BreachNotify.Application.Notices.Recipients;

/// <summary>Settings under <c>Recipients</c>: how long the affected recipients' personal data is kept.</summary>
public sealed class RecipientOptions
{
    public const string SectionName = "Recipients";

    /// <summary>Longest <see cref="RetainFor"/> accepted: a typo such as 3000d should not keep data for years.</summary>
    public static readonly TimeSpan MaxRetainFor = TimeSpan.FromDays(3 * 366);

    /// <summary>
    /// How long after an incident is closed (or dismissed) its recipients' addresses and names are kept before the
    /// <c>RecipientRetention</c> timer erases them (GDPR Art 5(1)(e)): time to answer questions about the notices and
    /// to send a last follow-up. Keys, kinds, languages and delivery statuses stay as proof of who was notified.
    /// Elapsed time (e.g. <c>30d</c>, <c>720h</c>); 0 erases at the first run after closing.
    /// </summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Every configuration problem, for ValidateOnStart (empty = valid).</summary>
    public IEnumerable<string> Validate()
    {
        if (RetainFor < TimeSpan.Zero || RetainFor > MaxRetainFor)
            yield return $"Recipients:RetainFor must be between 0s and {MaxRetainFor.TotalDays:0}d.";
    }
}
