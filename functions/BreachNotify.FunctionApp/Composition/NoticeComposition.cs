using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Organisation;
using BreachNotify.Application.Notices.Authorities;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Sending;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Adapters.Recipients;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.FunctionApp.Hosting;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

public static class NoticeComposition
{
    public static IServiceCollection AddBreachNotifyNotices(this IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        services.AddOptions<NoticeOptions>()
            .Configure(o => { if ((configuration["Storage:Provider"] ?? StorageOptions.Sqlite) == StorageOptions.Sqlite) o.ImportParallelism = 1; })
            .Bind(configuration.GetSection(NoticeOptions.SectionName))
            .Validate(o => !o.Validate().Any(), "Notices settings are invalid (see Notices:* in the README).").ValidateOnStart();
        // The Organisation section is bound by the deadlines composition; notices add their own checks.
        services.AddOptions<OrganisationOptions>()
            .Validate(o => !OrganisationNoticeSettings.Validate(o).Any(), "Organisation settings for notices are invalid (Organisation:LeadAuthority must be in GET /api/authorities; AuthorityNoticeEmail and PublicNoticeEmail must be e-mail addresses).")
            .ValidateOnStart();
        services.AddBreachNotifyEmail(configuration);
        services.AddBreachNotifyQueue(configuration, mode);

        services.AddSingleton(SupervisoryAuthorityRegistry.Default);
        services.AddSingleton(NoticeTemplateCatalog.Default);
        services.AddSingleton(sp => new NoticeComposer(sp.GetRequiredService<IOptions<OrganisationOptions>>().Value, sp.GetRequiredService<SupervisoryAuthorityRegistry>(), sp.GetRequiredService<NoticeTemplateCatalog>()));
        // Deadline rules come from the deadlines feature (regimes, obligations met).
        services.AddSingleton<INoticeObligations, DeadlineNoticeObligations>();
        services.AddSingleton<RecipientRepository>();
        services.AddSingleton<NotificationRepository>();
        services.AddSingleton<NoticeJobRepository>();
        services.AddSingleton<RecipientQueries>();
        services.AddOptions<RecipientOptions>()
            .Bind(configuration.GetSection(RecipientOptions.SectionName))
            .Validate(o => !o.Validate().Any(), "Recipients settings are invalid (Recipients:RetainFor between 0s and 1098d).").ValidateOnStart();
        services.AddSingleton<RecipientErasure>();
        services.AddSingleton<RecipientRetention>();
        services.AddSingleton<RecipientImporter>();
        services.AddSingleton<IRecipientFileReader, RecipientFileReader>();
        services.AddSingleton<RecipientUpload>();
        services.AddSingleton<NoticeContentService>();
        services.AddSingleton<NotificationService>();
        services.AddSingleton<NotificationQueries>();
        services.AddSingleton<AuthoritySubmissionService>();
        services.AddSingleton<SendNoticeProcessor>();
        services.AddSingleton<NoticeSweeper>();
        services.AddSingleton<DeliveryEventService>();
        services.AddOptions<DeliveryEventWebhookOptions>().Bind(configuration.GetSection(DeliveryEventWebhookOptions.SectionName))
            .Validate(o => !o.Validate().Any(), "Webhooks:sendgrid settings are invalid (MaxBodyBytes 1024..67108864, ReplayWindow positive).")
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicKey) || SendGridEventWebhookVerifier.IsValidKey(o.PublicKey), "Webhooks:sendgrid:PublicKey is not a base64 ECDSA P-256 public key (SubjectPublicKeyInfo).")
            .ValidateOnStart();
        services.AddSingleton<IDeliveryEventWebhook, SendGridDeliveryEventWebhook>();
        services.AddSingleton<DeliveryEventIntake>();
        services.AddHostedService<NoticeStoreInitializer>();
        return services;
    }
}

/// <summary>Creates the notice tables before the first request, and builds the e-mail sender at start (the outbox removes
/// temp files a crash left behind when it is built).</summary>
public sealed class NoticeStoreInitializer(RecipientRepository recipients, NotificationService notifications, StoreNoticeQueue queue, BreachNotify.Application.Email.IEmailSender sender) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await recipients.InitializeAsync(cancellationToken);
        await notifications.InitializeAsync(cancellationToken);
        await queue.InitializeAsync(cancellationToken);
        _ = sender;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
