using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json;
using BreachNotify.FunctionApp.Composition;
using NCrontab;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>
/// The compiled deployment (bicep snapshot: the ARM engine's expansion of the compiled template) held against the
/// code: the settings the app reads (SettingsCatalog), the function bindings, the one identity, the roles, the
/// secrets and the resource properties the design depends on. DeploymentCheckTests shows each check failing.
/// </summary>
public sealed class DeploymentConsistencyTests
{
    private static CompiledDeployment Compiled => CompiledDeployment.Shared;

    private static void AssertNone(List<string> problems) => Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

    /// <summary>The .NET version the app targets ("10.0" for net10.0), which the Flex runtime must match.</summary>
    public static string AppDotnetVersion
    {
        get
        {
            var framework = typeof(SettingsCatalog).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
            return new FrameworkName(framework).Version.ToString(2);
        }
    }

    public static IReadOnlySet<string> SecureParameters => Compiled.Template.GetProperty("parameters").EnumerateObject()
        .Where(p => p.Value.TryGetProperty("type", out var t) && t.GetString()!.StartsWith("secure", StringComparison.OrdinalIgnoreCase))
        .Select(p => p.Name).ToHashSet();

    [Fact]
    public void Every_setting_the_code_reads_in_Azure_is_set_and_every_setting_set_is_read()
    {
        AssertNone(DeploymentChecks.Settings(SettingsCatalog.All, Compiled.Example, everyParameterGiven: false));
        AssertNone(DeploymentChecks.Settings(SettingsCatalog.All, Compiled.Full, everyParameterGiven: true));
    }

    [Fact]
    public void Every_binding_connection_is_identity_based_and_every_setting_reference_is_set()
    {
        var bindings = FunctionBindings.Load();
        Assert.NotEmpty(bindings);
        AssertNone(DeploymentChecks.Connections(bindings, SettingsCatalog.All, Compiled.Example));
    }

    [Fact]
    public void One_user_assigned_identity_is_used_for_everything()
    {
        AssertNone(DeploymentChecks.Identity(Compiled.Example));
        AssertNone(DeploymentChecks.Identity(Compiled.Full));
        // The settings that must name it are there (the check above holds every *ClientId setting to it).
        foreach (var name in new[] { "AZURE_CLIENT_ID", "AzureWebJobsStorage__clientId" })
            Assert.True(Arm.IsReference(Compiled.Example.Setting(name), Compiled.Example.Identity!.Id, "clientId"), name);
    }

    [Fact]
    public void Exactly_the_roles_the_code_needs_at_the_narrowest_scope()
        => AssertNone(DeploymentChecks.RoleAssignments(Compiled.Example, DeploymentChecks.ExpectedRoles));

    [Fact]
    public void Secrets_are_Key_Vault_references_to_secrets_from_secure_parameters()
    {
        AssertNone(DeploymentChecks.Secrets(Compiled.Example, SecureParameters));
        AssertNone(DeploymentChecks.Secrets(Compiled.Full, SecureParameters));
        Assert.Equal(1 + CompiledDeployment.WebhookSourceKeys.Count, Compiled.Full.OfType("Microsoft.KeyVault/vaults/secrets").Count());
    }

    [Fact]
    public void The_resources_have_the_properties_the_design_depends_on()
    {
        Assert.Equal("10.0", AppDotnetVersion);
        AssertNone(DeploymentChecks.Resources(Compiled.Example, AppDotnetVersion));
        AssertNone(DeploymentChecks.Resources(Compiled.Full, AppDotnetVersion));
    }

    [Fact]
    public void The_example_deployment_has_the_documented_defaults()
    {
        var d = Compiled.Example;
        var queue = d.One("Microsoft.ServiceBus/namespaces/queues")!;
        Assert.Equal("notices", queue.ShortName);
        Assert.Equal("10", queue.Text("properties.maxDeliveryCount"));
        Assert.Equal("PT1H", queue.Text("properties.duplicateDetectionHistoryTimeWindow"));
        Assert.Equal(["bnIdempotency", "bnIncidentIndex", "bnIncidents"], d.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").Select(t => t.ShortName).Order());
        Assert.Equal("bn", d.Setting("Storage__Tables__TablePrefix"));
        Assert.Equal(["Auth__ApiKeys__0__KeySha256", "Auth__ApiKeys__0__Name", "Auth__ApiKeys__0__Role"], d.AppSettings.Select(s => s.Name).Where(n => n.StartsWith("Auth__", StringComparison.Ordinal)).Order());
        Assert.DoesNotContain(d.AppSettings, s => s.Name.StartsWith("Webhooks__", StringComparison.Ordinal) || s.Name.StartsWith("Organisation__AuthorityNoticeEmail", StringComparison.Ordinal));
    }

    [Fact]
    public void Reminder_links_go_to_the_app_s_own_dashboard_unless_another_address_is_given()
    {
        var app = Compiled.Example.Site!;
        Assert.Equal($"https://{app.ShortName}.azurewebsites.net/api/ui/", Compiled.Example.Setting("Organisation__DashboardUrl"));
        Assert.Equal("https://breaches.example.org/api/ui/", Compiled.Full.Setting("Organisation__DashboardUrl"));
        Assert.All([Compiled.Example, Compiled.Full], d => Assert.True(
            new BreachNotify.Application.Organisation.OrganisationOptions { DashboardUrl = d.Setting("Organisation__DashboardUrl")! }.TryResolveDashboardUrl(out _)));
    }

    [Fact]
    public void Timer_schedules_are_set_as_six_field_NCRONTAB()
    {
        var expected = new Dictionary<string, string>
        {
            ["DeadlineWatch__Schedule"] = "0 */5 * * * *",
            ["NoticeSweep__Schedule"] = "0 */5 * * * *",
            ["WebhookRepair__Schedule"] = "0 */2 * * * *",
            ["SendQueuedNotices__Schedule"] = "*/10 * * * * *",
            ["RecipientRetention__Schedule"] = "0 0 3 * * *",
        };
        var set = Compiled.Example.AppSettings.Where(s => s.Name.EndsWith("__Schedule", StringComparison.Ordinal)).ToDictionary(s => s.Name, s => s.Value);
        Assert.Equal(expected.OrderBy(p => p.Key), set.OrderBy(p => p.Key));
        Assert.All(set.Values, v => Assert.NotNull(CrontabSchedule.TryParse(v, new CrontabSchedule.ParseOptions { IncludingSeconds = true })));
    }

    [Fact]
    public void Webhook_credential_kinds_cover_exactly_the_sources_the_code_knows()
    {
        // The kind per source is a variable of the compiled function app module.
        var module = CompiledDeployment.Modules(Compiled.Template).Single(m => CompiledDeployment.Declares(m.Module, "Microsoft.Web/sites")).Module;
        var kinds = module.GetProperty("properties").GetProperty("template").GetProperty("variables").GetProperty("webhookCredentialKind")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(CompiledDeployment.WebhookSourceKeys.Order(), kinds.Keys.Order());
        Assert.All(kinds.Values, v => Assert.Contains(v, new[] { "Secrets", "Tokens" }));

        // Given every source, the deployment sets one credential per source, of its kind.
        var webhookSettings = Compiled.Full.AppSettings.Where(s => s.Name.StartsWith("Webhooks__", StringComparison.Ordinal)).Select(s => s.Name).Order();
        Assert.Equal(kinds.Select(k => $"Webhooks__{k.Key}__{k.Value}__0").Order(), webhookSettings);
    }
}
