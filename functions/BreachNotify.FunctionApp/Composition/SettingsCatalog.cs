using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

/// <summary>What the Azure deployment (bicep/) must do with a setting.</summary>
public enum AzureProvisioning
{
    /// <summary>Read only when running standalone (e.g. the SQLite path). The Bicep must not set it.</summary>
    NotInAzure,

    /// <summary>The code's default suits Azure; the Bicep may set it.</summary>
    Default,

    /// <summary>The Bicep must offer it (from a parameter, possibly in a loop or only when given), but a deployment
    /// may leave it out: API keys, webhook credentials.</summary>
    Parameter,

    /// <summary>The Bicep must set it, and in Azure the app refuses to start without it (or with another value than
    /// <see cref="SettingDefinition.AzureValue"/>).</summary>
    Required,
}

/// <summary>Who reads the setting.</summary>
public enum SettingSource
{
    /// <summary>Bound to a public settable property of an options class with a <c>SectionName</c> constant. A test finds
    /// those by reflection: every such property is catalogued and every catalogued one exists.</summary>
    Options,

    /// <summary>Read directly, by our code or a library it uses (e.g. Azure.Identity reads <c>AZURE_CLIENT_ID</c>).</summary>
    Direct,

    /// <summary>Read by the Functions host or the platform, not by the handler: host storage, a binding's
    /// <c>connection</c> (identity-based: <c>{connection}__fullyQualifiedNamespace</c>…), Application Insights.</summary>
    Host,

    /// <summary>Named by an open issue and set by the Bicep, but not read by any code yet. The reflection test fails as
    /// soon as an options class binds it: then change the entry to <see cref="Options"/>.</summary>
    Planned,
}

/// <summary>One setting. <see cref="Key"/> uses ':' (configuration form); placeholders: <c>{n}</c> = a list index,
/// any other <c>{name}</c> = a dictionary key.</summary>
public sealed record SettingDefinition(
    string Key,
    AzureProvisioning Azure,
    SettingSource Source,
    string Description,
    bool Secret = false,
    string? AzureValue = null)
{
    /// <summary>The app-setting / environment-variable form: '__' for ':'.</summary>
    public string EnvironmentName => Key.Replace(":", "__", StringComparison.Ordinal);

    public bool HasPlaceholder => Key.Contains('{', StringComparison.Ordinal);
}

/// <summary>
/// Every setting the app reads, in one list, with what the Azure deployment must do about it. Used at start-up (in
/// Azure: required settings present, fixed values right) and by tests: against the options classes (reflection) and
/// against bicep/ (compiled), so the code, this list and the deployment cannot drift apart.
/// To add a setting: add its options property (in a class with a <c>SectionName</c> const) and one line here; if it
/// must be set in Azure, add it to bicep/modules/functionapp.bicep too (the consistency test says what is missing).
/// </summary>
public static class SettingsCatalog
{
    /// <summary>Set by App Service / Functions on every instance in Azure (Flex Consumption included); its presence
    /// is how the app knows it runs in Azure.
    /// https://learn.microsoft.com/azure/app-service/reference-app-settings</summary>
    public const string AzureMarker = "WEBSITE_SITE_NAME";

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        // Functions host and platform
        new("AzureWebJobsStorage", AzureProvisioning.NotInAzure, SettingSource.Host, "host storage connection string for local tooling (Azurite); Azure uses the identity-based form"),
        new("FUNCTIONS_WORKER_RUNTIME", AzureProvisioning.NotInAzure, SettingSource.Host, "dotnet-isolated, for local Core Tools; Flex Consumption rejects it (runtime is functionAppConfig.runtime)"),
        new("AzureWebJobsStorage:accountName", AzureProvisioning.Required, SettingSource.Host, "host storage account (identity-based)"),
        new("AzureWebJobsStorage:credential", AzureProvisioning.Required, SettingSource.Host, "host storage credential", AzureValue: "managedidentity"),
        new("AzureWebJobsStorage:clientId", AzureProvisioning.Required, SettingSource.Host, "host storage: the user-assigned identity"),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", AzureProvisioning.Required, SettingSource.Host, "host telemetry; the worker's OpenTelemetry exporter sends there too"),
        new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", AzureProvisioning.Required, SettingSource.Host, "host telemetry with Entra ID (local auth is off)"),
        // Storage
        new("Storage:Provider", AzureProvisioning.Required, SettingSource.Options, "Sqlite (embedded) or AzureTables", AzureValue: "AzureTables"),
        new("Storage:Sqlite:Path", AzureProvisioning.NotInAzure, SettingSource.Options, "SQLite database file"),
        new("Storage:Sqlite:BusyTimeout", AzureProvisioning.NotInAzure, SettingSource.Options, "SQLite writer lock wait"),
        new("Storage:Tables:Endpoint", AzureProvisioning.Required, SettingSource.Options, "Table endpoint (Entra ID auth)"),
        new("Storage:Tables:ConnectionString", AzureProvisioning.NotInAzure, SettingSource.Options, "account-key or Azurite connection string (shared keys are off in Azure)", Secret: true),
        new("Storage:Tables:TablePrefix", AzureProvisioning.Default, SettingSource.Options, "prefix for every table name"),
        new("Storage:Tables:MaxRetries", AzureProvisioning.Default, SettingSource.Options, "retries of transient Table storage failures"),
        new("Storage:Tables:NetworkTimeout", AzureProvisioning.Default, SettingSource.Options, "per-attempt Table storage timeout"),

        // API
        new("Auth:ApiKeys:{n}:Name", AzureProvisioning.Parameter, SettingSource.Options, "API key owner"),
        new("Auth:ApiKeys:{n}:Role", AzureProvisioning.Parameter, SettingSource.Options, "viewer, reporter or dpo"),
        new("Auth:ApiKeys:{n}:KeySha256", AzureProvisioning.Parameter, SettingSource.Options, "SHA-256 (hex) of the key"),
        new("Api:MaxRequestBodyBytes", AzureProvisioning.Default, SettingSource.Options, "request body limit"),

        // Hosting
        new("Standalone:RunTimers", AzureProvisioning.NotInAzure, SettingSource.Options, "run timers in-process when standalone"),
        new(AzureMarker, AzureProvisioning.Default, SettingSource.Direct, "set by the platform: marks Azure"),
        // Telemetry (OpenTelemetry traces and metrics; docs/architecture.md "Observability")
        new("Telemetry:Console", AzureProvisioning.NotInAzure, SettingSource.Options, "also write spans and metrics to standard output"),
        new("Telemetry:ServiceName", AzureProvisioning.Default, SettingSource.Options, "OpenTelemetry service.name"),
        new("OTEL_EXPORTER_OTLP_ENDPOINT", AzureProvisioning.Default, SettingSource.Direct, "export to an OTLP collector as well"),
        new("AZURE_CLIENT_ID", AzureProvisioning.Required, SettingSource.Direct, "the user-assigned managed identity of the one shared TokenCredential (every Azure client)"),

        // Monitor webhooks (issue 8)
        new("Webhooks:ReplayWindow", AzureProvisioning.Default, SettingSource.Options, "replay window for signed timestamps"),
        new("Webhooks:MaxBodyBytes", AzureProvisioning.Default, SettingSource.Options, "largest webhook body"),
        new("Webhooks:FailedAttemptsLoggedPerMinute", AzureProvisioning.Default, SettingSource.Options, "failed verifications recorded per source and minute"),
        new("Webhooks:RepairAfter", AzureProvisioning.Default, SettingSource.Options, "age after which an unmapped alert is mapped by the repair sweep"),
        // Every other child of Webhooks is a source, read by WebhookComposition.Bind (not by property binding).
        new("Webhooks:{source}:Secrets:{n}", AzureProvisioning.Parameter, SettingSource.Direct, "HMAC secrets per source (Key Vault)", Secret: true),
        new("Webhooks:{source}:Tokens:{n}", AzureProvisioning.Parameter, SettingSource.Direct, "bearer tokens per source (Key Vault)", Secret: true),
        new("Webhooks:{source}:SignatureHeader", AzureProvisioning.Default, SettingSource.Direct, "signature header (grafana)"),
        new("Webhooks:{source}:TimestampHeader", AzureProvisioning.Default, SettingSource.Direct, "timestamp header (grafana)"),

        // Notices (issue 5) and sending (issue 6): docs/notices.md
        new("Email:Provider", AzureProvisioning.Required, SettingSource.Options, "Outbox (standalone) or SendGrid", AzureValue: "SendGrid"),
        new("Email:Outbox:Directory", AzureProvisioning.NotInAzure, SettingSource.Options, ".eml outbox folder"),
        new("Email:Outbox:RecipientsPerBatch", AzureProvisioning.NotInAzure, SettingSource.Options, ".eml files written per send call (recorded on the job before the next)"),
        new("SendGrid:ApiKey", AzureProvisioning.Required, SettingSource.Options, "SendGrid key (Key Vault)", Secret: true),
        new("Queue:Provider", AzureProvisioning.Required, SettingSource.Options, "Embedded (standalone) or ServiceBus", AzureValue: "ServiceBus"),
        new("Queue:Name", AzureProvisioning.Required, SettingSource.Options, "notices queue (also the SendNotice trigger's queueName)"),
        new("ServiceBus:FullyQualifiedNamespace", AzureProvisioning.Required, SettingSource.Options, "namespace host name for sending"),
        new("Organisation:Name", AzureProvisioning.Required, SettingSource.Options, "organisation named in notices"),
        new("Organisation:Dpo:Name", AzureProvisioning.Required, SettingSource.Options, "DPO name in notices"),
        new("Organisation:Dpo:Email", AzureProvisioning.Required, SettingSource.Options, "DPO e-mail in notices; receives deadline reminders and escalations"),
        new("Organisation:Dpo:Phone", AzureProvisioning.Parameter, SettingSource.Options, "DPO phone in notices"),
        new("Organisation:LeadAuthority", AzureProvisioning.Required, SettingSource.Options, "lead supervisory authority (country code)"),
        new("Organisation:LeadAuthorityName", AzureProvisioning.Default, SettingSource.Options, "the lead authority's name in notices (default: the registry's, per language)"),
        new("Organisation:Dpo:Title:{language}", AzureProvisioning.Default, SettingSource.Options, "the contact point's title in notices of that language (default: data protection officer)"),
        new("Organisation:TimeZone", AzureProvisioning.Required, SettingSource.Options, "IANA time zone for local times (dashboard, due times)"),
        new("Organisation:AuthorityNoticeEmail", AzureProvisioning.Parameter, SettingSource.Options, "where the authority notice is mailed"),
        new("Organisation:PublicNoticeEmail", AzureProvisioning.Default, SettingSource.Options, "where the public communication is mailed (default: the DPO)"),
        new("Organisation:DashboardUrl", AzureProvisioning.Required, SettingSource.Options, "the dashboard's URL as people open it (…/api/ui/): reminder e-mails link to incidents there"),
        new("Notices:MaxUploadBytes", AzureProvisioning.Default, SettingSource.Options, "recipients upload body limit"),
        new("Notices:ImportParallelism", AzureProvisioning.Default, SettingSource.Options, "notice jobs written at once (1 with SQLite, 4 otherwise)"),
        new("Notices:JobSize", AzureProvisioning.Default, SettingSource.Options, "recipients per notice job (≤ 1000)"),
        new("Notices:ReadParallelism", AzureProvisioning.Default, SettingSource.Options, "recipient reads in flight while a job is sent"),
        new("Notices:RequeueAfter", AzureProvisioning.Default, SettingSource.Options, "the sweep re-enqueues a job still waiting this long"),
        new("Notices:MaxEnqueues", AzureProvisioning.Default, SettingSource.Options, "enqueues before a job is reported exhausted"),
        new("Notices:SendLease", AzureProvisioning.Default, SettingSource.Options, "lease of a job being sent"),
        new("Notices:FallbackLanguage", AzureProvisioning.Default, SettingSource.Options, "language for uploaded recipients whose language has no notice texts (empty: reject them)"),
        new("Recipients:RetainFor", AzureProvisioning.Default, SettingSource.Options, "recipients' addresses and names are erased this long after their incident is closed (default 30d)"),
        new("Queue:Embedded:VisibilityTimeout", AzureProvisioning.NotInAzure, SettingSource.Options, "embedded queue: lease of a received message"),
        new("Queue:Embedded:MaxDeliveryCount", AzureProvisioning.NotInAzure, SettingSource.Options, "embedded queue: deliveries before dead-lettering"),
        new("Queue:Embedded:RetryDelay", AzureProvisioning.NotInAzure, SettingSource.Options, "embedded queue: first retry backoff"),
        new("Queue:Embedded:MaxRetryDelay", AzureProvisioning.NotInAzure, SettingSource.Options, "embedded queue: longest retry backoff"),
        new("ServiceBus:ConnectionString", AzureProvisioning.NotInAzure, SettingSource.Options, "SAS connection string instead of managed identity (local auth is off in Azure)", Secret: true),
        new("ServiceBus:MaxDeliveryCount", AzureProvisioning.Default, SettingSource.Options, "the queue's maxDeliveryCount: a message failing on its last delivery is dead-lettered with the reason"),
        // The consumer of queued notice jobs (SendQueuedNotices timer): NoticeQueueDrainOptions.
        new("SendQueuedNotices:Concurrency", AzureProvisioning.Default, SettingSource.Options, "queue drain: notice jobs sent at once"),
        new("SendQueuedNotices:BatchSize", AzureProvisioning.Default, SettingSource.Options, "queue drain: messages asked for per receive"),
        new("SendQueuedNotices:TimeBudget", AzureProvisioning.Default, SettingSource.Options, "queue drain: stop taking messages after this long (below the function timeout)"),
        new("SendQueuedNotices:ReceiveWait", AzureProvisioning.Default, SettingSource.Options, "queue drain: wait for a first message before the queue counts as empty"),
        new("SendQueuedNotices:LockRenewalMargin", AzureProvisioning.Default, SettingSource.Options, "queue drain: renew a message's lock when this much of it is left"),
        new("Webhooks:sendgrid:PublicKey", AzureProvisioning.Default, SettingSource.Options, "SendGrid signed event webhook verification key (proof of delivery)"),
        new("Webhooks:sendgrid:MaxBodyBytes", AzureProvisioning.Default, SettingSource.Options, "largest SendGrid event webhook body"),
        new("Webhooks:sendgrid:ReplayWindow", AzureProvisioning.Default, SettingSource.Options, "how old a signed SendGrid event timestamp may be"),
        // E-mail sender (wired by the deadlines issue; used by notices too)
        new("Email:From:Address", AzureProvisioning.Default, SettingSource.Options, "sender address of every e-mail (with SendGrid: a verified sender)"),
        new("Email:From:Name", AzureProvisioning.Default, SettingSource.Options, "sender display name"),
        new("SendGrid:BaseUrl", AzureProvisioning.Default, SettingSource.Options, "SendGrid API host override (EU subusers, proxy)"),
        new("SendGrid:SandboxMode", AzureProvisioning.Default, SettingSource.Options, "SendGrid validates without delivering"),
        new("SendGrid:DataResidency", AzureProvisioning.Default, SettingSource.Options, "global or eu (api.eu.sendgrid.com, EU-pinned subusers)"),
        new("SendGrid:MaxRetries", AzureProvisioning.Default, SettingSource.Options, "retries of SendGrid 5xx/408/network failures"),
        new("SendGrid:RetryDelay", AzureProvisioning.Default, SettingSource.Options, "first back-off of those retries (doubled each time)"),
        new("SendGrid:RequestTimeout", AzureProvisioning.Default, SettingSource.Options, "timeout of one SendGrid request"),
        new("SendGrid:RateLimitMaxWait", AzureProvisioning.Default, SettingSource.Options, "longest wait for X-RateLimit-Reset after a 429"),
        new("SendGrid:RateLimitMaxRetries", AzureProvisioning.Default, SettingSource.Options, "429s one send may wait out"),
        new("SendGrid:MaxRecipientsPerRequest", AzureProvisioning.Default, SettingSource.Options, "personalizations per SendGrid request (≤ 1000; each request is recorded on its job before the next)"),

        // Incidents (issue 13): instants a client sends
        new("Incidents:ClockSkew", AzureProvisioning.Default, SettingSource.Options, "how far ahead of the server's clock a client-sent instant may be"),

        // Deadlines (issue 4): docs/deadlines.md
        new("Deadlines:EnabledRegimes:{n}", AzureProvisioning.Default, SettingSource.Options, "regimes that count (default gdpr)"),
        new("Deadlines:Regimes:{id}:Name", AzureProvisioning.Default, SettingSource.Options, "a configured regime's name"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:Id", AzureProvisioning.Default, SettingSource.Options, "obligation id"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:Recipient", AzureProvisioning.Default, SettingSource.Options, "authority, data-subjects, controllers, public or internal"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:Within", AzureProvisioning.Default, SettingSource.Options, "period as elapsed time"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:WithinMonths", AzureProvisioning.Default, SettingSource.Options, "period in calendar months"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:Anchor", AzureProvisioning.Default, SettingSource.Options, "earlier obligation that starts the clock (empty: awareness)"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:AppliesWhen:{n}", AzureProvisioning.Default, SettingSource.Options, "applicability conditions"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:Legal", AzureProvisioning.Default, SettingSource.Options, "legal period: report the Reg 1182/71 outer bound"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:RequiresReasonsForDelay", AzureProvisioning.Default, SettingSource.Options, "a late notice must give reasons"),
        new("Deadlines:Regimes:{id}:Obligations:{n}:Source", AzureProvisioning.Default, SettingSource.Options, "where the rule comes from"),
        new("Deadlines:DueSoon", AzureProvisioning.Default, SettingSource.Options, "status due-soon from this long before the deadline"),
        new("Deadlines:UndueDelayTarget", AzureProvisioning.Default, SettingSource.Options, "internal target for without-undue-delay obligations"),
        new("Deadlines:ProcessorNotifyController", AzureProvisioning.Default, SettingSource.Options, "contract deadline to tell the controller-customer"),
        new("Deadlines:ReminderThresholds:{n}", AzureProvisioning.Default, SettingSource.Options, "reminders at this much time left"),
        new("Deadlines:SuspectedReminderAfter", AzureProvisioning.Default, SettingSource.Options, "remind about suspected incidents unconfirmed this long"),
        new("Deadlines:ClaimLease", AzureProvisioning.Default, SettingSource.Options, "take over a claimed, unsent reminder after this"),
        new("Deadlines:SweepParallelism", AzureProvisioning.Default, SettingSource.Options, "open incidents read at once per sweep"),
        new("Escalation:Recipients:{n}", AzureProvisioning.Default, SettingSource.Options, "also receive escalations of overdue deadlines"),
        new("Escalation:IncludeReminders", AzureProvisioning.Default, SettingSource.Options, "also receive threshold reminders"),

        // Timer schedules: each TimerTrigger names its own as %<Function>:Schedule% (six-field NCRONTAB with seconds). The
        // Functions host resolves them from app settings (it has no defaults: Required); standalone falls back to the
        // defaults in Hosting/TimerSchedules.cs.
        new("DeadlineWatch:Schedule", AzureProvisioning.Required, SettingSource.Host, "deadline sweep schedule"),
        new("NoticeSweep:Schedule", AzureProvisioning.Required, SettingSource.Host, "notice sweep schedule"),
        new("WebhookRepair:Schedule", AzureProvisioning.Required, SettingSource.Host, "webhook repair sweep schedule"),
        new("SendQueuedNotices:Schedule", AzureProvisioning.Required, SettingSource.Host, "queue drain schedule"),
        new("RecipientRetention:Schedule", AzureProvisioning.Required, SettingSource.Host, "recipient retention sweep schedule"),
    ];

    /// <summary>Azure when the platform marker is present.</summary>
    public static bool IsAzure(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[AzureMarker]);

    /// <summary>Problems with the settings required in Azure: missing, or not the value Azure needs. Names only, never values.</summary>
    public static IReadOnlyList<string> AzureProblems(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var s in All.Where(s => s.Azure == AzureProvisioning.Required))
        {
            var value = configuration[s.Key];
            if (string.IsNullOrWhiteSpace(value))
                problems.Add($"{s.Key} ({s.EnvironmentName}) is required in Azure: {s.Description}.");
            else if (s.AzureValue is not null && !string.Equals(value, s.AzureValue, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{s.Key} ({s.EnvironmentName}) must be {s.AzureValue} in Azure.");
        }
        return problems;
    }

    /// <summary>Registers the start-up check: in Azure, a missing required setting stops the app with a list of names.</summary>
    public static IServiceCollection AddSettingsCatalogCheck(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AzureSettingsCheck>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AzureSettingsCheck>>(new AzureSettingsValidator(configuration));
        return services;
    }
}

/// <summary>Marker options type: validating it at start-up runs <see cref="SettingsCatalog.AzureProblems"/>.</summary>
public sealed class AzureSettingsCheck;

internal sealed class AzureSettingsValidator(IConfiguration configuration) : IValidateOptions<AzureSettingsCheck>
{
    public ValidateOptionsResult Validate(string? name, AzureSettingsCheck options)
    {
        if (!SettingsCatalog.IsAzure(configuration)) return ValidateOptionsResult.Success;
        var problems = SettingsCatalog.AzureProblems(configuration);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
