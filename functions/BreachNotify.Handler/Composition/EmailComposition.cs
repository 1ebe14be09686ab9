using BreachNotify.Adapters.Outbox;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Application.Email;
using BreachNotify.Application.Notices;
using Microsoft.Extensions.Options;

namespace BreachNotify.Handler.Composition;

/// <summary>Which <see cref="IEmailSender"/> to use (section <c>Email</c>).</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";
    public const string Outbox = "Outbox";
    public const string SendGrid = "SendGrid";

    /// <summary>Outbox (standalone default: one .eml file per recipient) or SendGrid.</summary>
    public string Provider { get; set; } = Outbox;

    /// <summary>Email:Outbox:Directory; relative paths resolve against the handler's content root.</summary>
    public string OutboxDirectory { get; set; } = ".outbox";
}

/// <summary>SendGrid settings (section <c>SendGrid</c>); the API key comes from configuration or a Key Vault reference.</summary>
public sealed class SendGridSettings
{
    public const string SectionName = "SendGrid";

    public string? ApiKey { get; set; }

    /// <summary>Default https://api.sendgrid.com; EU-pinned subusers use https://api.eu.sendgrid.com.</summary>
    public Uri BaseUrl { get; set; } = SendGridClientOptions.GlobalBaseUri;

    /// <summary>SendGrid validates but delivers nothing (mail_settings.sandbox_mode).</summary>
    public bool SandboxMode { get; set; }
}

public static class EmailComposition
{
    public static IServiceCollection AddBreachNotifyEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>().Configure(o =>
        {
            o.Provider = configuration["Email:Provider"] ?? EmailOptions.Outbox;
            o.OutboxDirectory = configuration["Email:Outbox:Directory"] ?? o.OutboxDirectory;
        }).Validate(o => o.Provider is EmailOptions.Outbox or EmailOptions.SendGrid, "Email:Provider must be Outbox or SendGrid.")
          .Validate(o => !string.IsNullOrWhiteSpace(o.OutboxDirectory), "Email:Outbox:Directory must not be empty.")
          .ValidateOnStart();
        services.AddOptions<SendGridSettings>().Bind(configuration.GetSection(SendGridSettings.SectionName))
            .Validate(o => o.BaseUrl.IsAbsoluteUri && o.BaseUrl.Scheme is "https" or "http", "SendGrid:BaseUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        services.AddOptions<EmailFromOptions>().Bind(configuration.GetSection(EmailFromOptions.SectionName))
            .Validate(o => string.IsNullOrWhiteSpace(o.Address) || Application.Notices.Recipients.EmailAddresses.Validate(o.Address) is null, "Email:From:Address is not a valid e-mail address.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>>(sp => new SendGridKeyValidator(sp.GetRequiredService<IOptions<SendGridSettings>>()));

        services.AddSingleton<IEmailSender>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<EmailOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            if (o.Provider == EmailOptions.SendGrid)
            {
                var s = sp.GetRequiredService<IOptions<SendGridSettings>>().Value;
                var client = new SendGridClient(new SendGridClientOptions { ApiKey = s.ApiKey, BaseUri = s.BaseUrl, SandboxMode = s.SandboxMode, TimeProvider = time });
                return new SendGridEmailSender(client, time);
            }
            var env = sp.GetRequiredService<IHostEnvironment>();
            var dir = Path.IsPathRooted(o.OutboxDirectory) ? o.OutboxDirectory : Path.Combine(env.ContentRootPath, o.OutboxDirectory);
            return new OutboxEmailSender(new OutboxEmailSenderOptions { Directory = dir }, time);
        });
        return services;
    }

    private sealed class SendGridKeyValidator(IOptions<SendGridSettings> sendGrid) : IValidateOptions<EmailOptions>
    {
        public ValidateOptionsResult Validate(string? name, EmailOptions options)
            => options.Provider == EmailOptions.SendGrid && string.IsNullOrWhiteSpace(sendGrid.Value.ApiKey)
                ? ValidateOptionsResult.Fail("SendGrid:ApiKey is required when Email:Provider is SendGrid.")
                : ValidateOptionsResult.Success;
    }
}
