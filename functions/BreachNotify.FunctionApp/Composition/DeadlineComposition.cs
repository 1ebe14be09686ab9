using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Organisation;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

public static class DeadlineComposition
{
    /// <summary>Deadline rules (<c>Deadlines</c>, <c>Organisation</c>), the reminder ledger and the e-mail sender the DeadlineWatch timer uses.</summary>
    public static IServiceCollection AddBreachNotifyDeadlines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBreachNotifyEmail(configuration);
        services.AddOptions<OrganisationOptions>().Bind(configuration.GetSection(OrganisationOptions.SectionName))
            .Validate(o => o.TryResolveTimeZone(out _), "Organisation:TimeZone is not a known time zone id (e.g. Europe/Amsterdam).")
            .Validate(o => o.Dpo.Email is null || Application.Email.EmailOptions.IsAddress(o.Dpo.Email), "Organisation:Dpo:Email must be an e-mail address.")
            .Validate(o => o.TryResolveDashboardUrl(out _), "Organisation:DashboardUrl must be the dashboard's absolute http(s) URL without query or fragment, e.g. https://breachnotify.example.org/api/ui/ (reminder e-mails link to incidents there).")
            .ValidateOnStart();
        services.AddOptions<DeadlineOptions>().Bind(configuration.GetSection(DeadlineOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeadlineOptions>, DeadlineOptionsValidator>();
        services.AddOptions<EscalationOptions>().Bind(configuration.GetSection(EscalationOptions.SectionName))
            .Validate(o => o.Recipients.All(Application.Email.EmailOptions.IsAddress), "Escalation:Recipients must all be e-mail addresses.")
            .ValidateOnStart();
        services.AddSingleton<DeadlineService>();
        services.AddSingleton<ReminderLedger>();
        services.AddSingleton<DeadlineWatch>();
        services.AddHostedService<DeadlineStoreInitializer>();
        return services;
    }
}

/// <summary>Creates the reminder ledger table at start-up.</summary>
public sealed class DeadlineStoreInitializer(ReminderLedger ledger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ledger.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Reports every problem of the Deadlines section at start-up (unknown regime, bad condition, anchor...).</summary>
public sealed class DeadlineOptionsValidator(IOptions<OrganisationOptions> organisation) : IValidateOptions<DeadlineOptions>
{
    public ValidateOptionsResult Validate(string? name, DeadlineOptions options)
    {
        // An unknown zone is reported by the Organisation options; validate the rules in UTC meanwhile.
        organisation.Value.TryResolveTimeZone(out var zone);
        var problems = options.Validate(zone);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
