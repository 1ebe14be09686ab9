namespace BreachNotify.Application.Deadlines;

/// <summary>
/// The regimes shipped with the product (docs/deadlines.md lists each with its legal source). Enable them by id;
/// redefine one by configuring <c>Deadlines:Regimes:{id}</c> in full.
/// </summary>
public static class BuiltInRegimes
{
    public static IReadOnlyDictionary<string, RegimeOptions> Create(TimeSpan processorNotifyController) => new Dictionary<string, RegimeOptions>(StringComparer.Ordinal)
    {
        ["gdpr"] = Gdpr("GDPR (Regulation (EU) 2016/679)", "GDPR", processorNotifyController),
        // UK GDPR keeps Art 33/34 word for word; the ICO is the authority.
        ["uk-gdpr"] = Gdpr("UK GDPR (ICO)", "UK GDPR", processorNotifyController),
        ["nis2"] = new RegimeOptions
        {
            Name = "NIS2 (Directive (EU) 2022/2555) significant incidents",
            Obligations =
            [
                new() { Id = "early-warning", Recipient = "authority", Within = TimeSpan.FromHours(24), Source = "NIS2 Art 23(4)(a): early warning within 24 hours of becoming aware" },
                new() { Id = "notification", Recipient = "authority", Within = TimeSpan.FromHours(72), Source = "NIS2 Art 23(4)(b): incident notification within 72 hours of becoming aware" },
                new() { Id = "final-report", Recipient = "authority", WithinMonths = 1, Anchor = "notification", Source = "NIS2 Art 23(4)(d): final report within one month after the incident notification" },
            ],
        },
        ["policy"] = new RegimeOptions
        {
            Name = "Our privacy policy",
            Obligations =
            [
                new()
                {
                    Id = "notify-customers", Recipient = "data-subjects", Within = TimeSpan.FromHours(72), Legal = false,
                    AppliesWhen = ["breach-type:confidentiality", "protection:none"],
                    Source = "Privacy policy: every affected customer within 72 hours of an unencrypted data leak",
                },
            ],
        },
    };

    private static RegimeOptions Gdpr(string name, string law, TimeSpan processorNotifyController) => new()
    {
        Name = name,
        Obligations =
        [
            new()
            {
                Id = "notify-authority", Recipient = "authority", Within = TimeSpan.FromHours(72), AppliesWhen = ["controller", "authority-notice"],
                RequiresReasonsForDelay = true, Source = $"{law} Art 33(1): without undue delay and, where feasible, within 72 hours of becoming aware",
            },
            new()
            {
                Id = "notify-data-subjects", Recipient = "data-subjects", AppliesWhen = ["controller", "data-subject-notice"],
                Source = $"{law} Art 34(1): without undue delay when likely to result in a high risk",
            },
            new()
            {
                Id = "public-communication", Recipient = "public", AppliesWhen = ["controller", "public-communication"],
                Source = $"{law} Art 34(3)(c): a public communication instead of individual notices",
            },
            new()
            {
                Id = "notify-controller", Recipient = "controllers", Within = processorNotifyController, Legal = false, AppliesWhen = ["processor"],
                Source = $"{law} Art 33(2): without undue delay; contract deadline (Deadlines:ProcessorNotifyController)",
            },
        ],
    };
}
