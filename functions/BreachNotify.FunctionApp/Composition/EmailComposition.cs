using BreachNotify.Adapters.Outbox;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Application.Email;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

/// <summary>Settings under <c>SendGrid</c> (used when <c>Email:Provider</c> is SendGrid). The API key comes from configuration only (Key Vault reference in Azure).</summary>
public sealed class SendGridSettings
{
    public const string SectionName = "SendGrid";

    public string? ApiKey { get; set; }

    /// <summary>Overrides the API host (e.g. https://api.eu.sendgrid.com for EU-pinned subusers, or a proxy).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>SendGrid validates and answers 200 without delivering.</summary>
    public bool SandboxMode { get; set; }
}

public static class EmailComposition
{
    /// <summary>
    /// Registers <see cref="IEmailSender"/> by <c>Email:Provider</c>: <c>Outbox</c> (default, one .eml per recipient in
    /// <c>Email:Outbox:Directory</c>, relative to the content root) or <c>SendGrid</c>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddBreachNotifyEmail(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(EmailCompositionMarker))) return services;
        services.AddSingleton<EmailCompositionMarker>();

        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.SectionName))
            .Validate(o => o.Provider is EmailOptions.OutboxProvider or EmailOptions.SendGridProvider, "Email:Provider must be Outbox or SendGrid.")
            .Validate(o => EmailOptions.IsAddress(o.From.Address), "Email:From:Address must be an e-mail address.")
            .Validate(o => o.Provider != EmailOptions.OutboxProvider || !string.IsNullOrWhiteSpace(o.Outbox.Directory), "Email:Outbox:Directory is required.")
            .ValidateOnStart();
        services.AddOptions<SendGridSettings>().Bind(configuration.GetSection(SendGridSettings.SectionName))
            .Validate<IOptions<EmailOptions>>((s, e) => e.Value.Provider != EmailOptions.SendGridProvider || !string.IsNullOrWhiteSpace(s.ApiKey),
                "SendGrid:ApiKey is required when Email:Provider is SendGrid.")
            .Validate(s => s.BaseUrl is null || s.BaseUrl.IsAbsoluteUri && s.BaseUrl.Scheme == Uri.UriSchemeHttps, "SendGrid:BaseUrl must be an absolute https URL.")
            .ValidateOnStart();

        services.TryAddSingleton<IEmailSender>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmailOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            if (options.Provider == EmailOptions.SendGridProvider)
            {
                var s = sp.GetRequiredService<IOptions<SendGridSettings>>().Value;
                var client = new SendGridClient(new SendGridClientOptions { ApiKey = s.ApiKey, BaseUri = s.BaseUrl, SandboxMode = s.SandboxMode, TimeProvider = time });
                return new SendGridEmailSender(client, time);
            }
            var env = sp.GetRequiredService<IHostEnvironment>();
            var dir = Path.IsPathRooted(options.Outbox.Directory) ? options.Outbox.Directory : Path.Combine(env.ContentRootPath, options.Outbox.Directory);
            return new OutboxEmailSender(new OutboxEmailSenderOptions { Directory = dir }, time);
        });
        return services;
    }

    private sealed class EmailCompositionMarker;
}
