using BreachNotify.Adapters.Outbox;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Application.Email;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SendGrid;

namespace BreachNotify.FunctionApp.Composition;

public static class EmailComposition
{
    /// <summary>
    /// Registers <see cref="IEmailSender"/> by <c>Email:Provider</c>: <c>Outbox</c> (default, one .eml per recipient in
    /// <c>Email:Outbox:Directory</c>, relative to the content root) or <c>SendGrid</c> (the official client, one per
    /// process on one pooled HttpClient). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddBreachNotifyEmail(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(EmailCompositionMarker))) return services;
        services.AddSingleton<EmailCompositionMarker>();

        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.SectionName))
            .Validate(o => o.Provider is EmailOptions.OutboxProvider or EmailOptions.SendGridProvider, "Email:Provider must be Outbox or SendGrid.")
            .Validate(o => EmailOptions.IsAddress(o.From.Address), "Email:From:Address must be an e-mail address.")
            .Validate(o => o.Provider != EmailOptions.OutboxProvider || !string.IsNullOrWhiteSpace(o.Outbox.Directory), "Email:Outbox:Directory is required.")
            .Validate(o => o.Outbox.RecipientsPerBatch is >= 1 and <= EmailMessage.MaxRecipients, "Email:Outbox:RecipientsPerBatch must be 1 to 1000.")
            .ValidateOnStart();
        services.AddOptions<SendGridOptions>().Bind(configuration.GetSection(SendGridOptions.SectionName))
            // The provider is read from configuration, not IOptions<EmailOptions>: an invalid Email section must be
            // reported once, by its own validation, not again from here.
            .Validate(s => !string.Equals(configuration[$"{EmailOptions.SectionName}:Provider"], EmailOptions.SendGridProvider, StringComparison.Ordinal) || !string.IsNullOrWhiteSpace(s.ApiKey),
                "SendGrid:ApiKey is required when Email:Provider is SendGrid.")
            .Validate(s => !s.Validate().Any(), "SendGrid settings are invalid (DataResidency global or eu; BaseUrl an absolute https URL, or http to a loopback address; retries 0 to 10; timeouts positive; MaxRecipientsPerRequest 1 to 1000).")
            .ValidateOnStart();

        services.TryAddSingleton<ISendGridClient>(sp =>
        {
            var s = sp.GetRequiredService<IOptions<SendGridOptions>>().Value;
            // Pooled connections are recycled so that DNS changes reach a long-lived process.
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = s.RequestTimeout };
            return SendGridEmailSender.CreateClient(s, http);
        });
        services.TryAddSingleton<IEmailSender>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmailOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            if (options.Provider == EmailOptions.SendGridProvider)
                return new SendGridEmailSender(sp.GetRequiredService<ISendGridClient>(), sp.GetRequiredService<IOptions<SendGridOptions>>().Value, time);
            var env = sp.GetRequiredService<IHostEnvironment>();
            var dir = Path.IsPathRooted(options.Outbox.Directory) ? options.Outbox.Directory : Path.Combine(env.ContentRootPath, options.Outbox.Directory);
            return new OutboxEmailSender(new OutboxEmailSenderOptions { Directory = dir, RecipientsPerBatch = options.Outbox.RecipientsPerBatch }, time);
        });
        return services;
    }

    private sealed class EmailCompositionMarker;
}
