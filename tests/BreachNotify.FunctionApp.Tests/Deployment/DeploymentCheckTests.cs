using System.Text.Json;
using System.Text.Json.Nodes;
using BreachNotify.FunctionApp.Composition;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>Each check fails when the deployment is broken on purpose: the compiled snapshot edited, or the Bicep
/// itself edited and compiled again.</summary>
public sealed class DeploymentCheckTests
{
    private static DeploymentSnapshot Example => CompiledDeployment.Shared.Example;

    private static DeploymentSnapshot Full => CompiledDeployment.Shared.Full;

    private static JsonObject Resource(JsonObject root, string type, string? nameEndsWith = null)
        => root["predictedResources"]!.AsArray().Select(n => n!.AsObject())
            .First(r => (string)r["type"]! == type && (nameEndsWith is null || ((string)r["name"]!).EndsWith(nameEndsWith, StringComparison.Ordinal)));

    private static JsonArray Settings(JsonObject root) => Resource(root, "Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray();

    private static DeploymentSnapshot Without(DeploymentSnapshot d, params string[] names) => d.With(root =>
    {
        var settings = Settings(root);
        foreach (var s in settings.Where(s => names.Contains((string)s!["name"]!)).ToList()) settings.Remove(s);
    });

    private static DeploymentSnapshot WithSetting(DeploymentSnapshot d, string name, string value) => d.With(root =>
    {
        var settings = Settings(root);
        var existing = settings.FirstOrDefault(s => (string)s!["name"]! == name);
        if (existing is not null) existing["value"] = value;
        else settings.Add(new JsonObject { ["name"] = name, ["value"] = value });
    });

    private static List<string> SettingProblems(DeploymentSnapshot d, bool everyParameterGiven = false) => DeploymentChecks.Settings(SettingsCatalog.All, d, everyParameterGiven);

    [Fact]
    public void A_required_setting_missing_from_the_deployment_is_reported()
        => Assert.Equal(["Storage__Tables__Endpoint is required in Azure (Table endpoint (Entra ID auth)) but the Bicep does not set it."],
            SettingProblems(Without(Example, "Storage__Tables__Endpoint")));

    [Fact]
    public void A_missing_timer_schedule_is_reported()
        => Assert.Equal(["SendQueuedNotices__Schedule is required in Azure (queue drain schedule) but the Bicep does not set it."],
            SettingProblems(Without(Example, "SendQueuedNotices__Schedule")));

    [Fact]
    public void A_wrong_fixed_value_an_unread_setting_a_standalone_setting_and_a_Flex_forbidden_setting_are_reported()
    {
        var broken = WithSetting(WithSetting(WithSetting(WithSetting(Example, "Storage__Provider", "Sqlite"),
            "Storage__Tables__Endpont", "typo"), "Storage__Sqlite__Path", "/tmp/x.db"), "FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated");
        var problems = SettingProblems(broken);
        Assert.Contains("Storage__Provider must be 'AzureTables' in Azure, the Bicep sets 'Sqlite'.", problems);
        Assert.Contains("Storage__Tables__Endpont is set by the Bicep but nothing reads it (not in SettingsCatalog).", problems);
        Assert.Contains(problems, p => p.StartsWith("Storage__Sqlite__Path is set by the Bicep but is read only standalone", StringComparison.Ordinal));
        Assert.Contains("FUNCTIONS_WORKER_RUNTIME must not be set on Flex Consumption.", problems);
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void A_secret_as_a_plain_value_and_a_parameter_nothing_can_set_are_reported()
    {
        var broken = WithSetting(Without(Full, Full.AppSettings.Select(s => s.Name).Where(n => n.StartsWith("Auth__", StringComparison.Ordinal)).ToArray()), "SendGrid__ApiKey", "SG.literal");
        var problems = SettingProblems(broken, everyParameterGiven: true);
        Assert.Contains("SendGrid__ApiKey is a secret: its value must be a Key Vault reference, not 'SG.literal'.", problems);
        Assert.Contains(problems, p => p.StartsWith("Auth__ApiKeys__{n}__KeySha256 must be settable", StringComparison.Ordinal));
        // The example deployment gives no webhook credential, which is fine there and only there.
        Assert.Contains(problems.Concat(SettingProblems(Example, everyParameterGiven: true)), p => p.StartsWith("Webhooks__{source}__Secrets__{n} must be settable", StringComparison.Ordinal));
    }

    [Fact]
    public void Setting_names_match_catalog_placeholders()
    {
        var role = SettingsCatalog.All.Single(s => s.Key == "Auth:ApiKeys:{n}:Role");
        Assert.True(DeploymentChecks.Matches(role, "Auth__ApiKeys__12__Role"));
        Assert.False(DeploymentChecks.Matches(role, "Auth__ApiKeys__x__Role"));
        Assert.False(DeploymentChecks.Matches(role, "Auth__ApiKeys____Role"));
        Assert.False(DeploymentChecks.Matches(role, "Auth__ApiKeys__0__Name"));
        Assert.True(DeploymentChecks.Matches(SettingsCatalog.All.Single(s => s.Key == "Webhooks:{source}:Tokens:{n}"), "Webhooks__alertmanager__Tokens__0"));
    }

    private static FunctionBinding Binding(string function, string type, string? connection, params string[] refs)
        => new(function, type, connection, refs, JsonDocument.Parse("{}").RootElement);

    [Fact]
    public void A_binding_connection_without_identity_settings_and_an_unset_setting_reference_are_reported()
    {
        // A catalogued host connection that no binding uses is dead configuration.
        var catalog = SettingsCatalog.All.Append(new SettingDefinition("OldBus:fullyQualifiedNamespace", AzureProvisioning.Required, SettingSource.Host, "a trigger connection no longer used")).ToList();
        var problems = DeploymentChecks.Connections([Binding("Audit", "serviceBusTrigger", "AuditBus", "Audit:Queue")], catalog, Example);
        Assert.Contains("Audit: connection 'AuditBus' needs app setting AuditBus__fullyQualifiedNamespace.", problems);
        Assert.Contains("Audit: connection 'AuditBus' needs AuditBus__credential=managedidentity.", problems);
        Assert.Contains("Audit: AuditBus__clientId must be the client id of the deployment's identity.", problems);
        Assert.Contains("Audit: connection 'AuditBus' has no SettingsCatalog entries.", problems);
        Assert.Contains("Audit: binding refers to %Audit:Queue% but the Bicep does not set Audit__Queue.", problems);
        Assert.Contains("SettingsCatalog entry OldBus:fullyQualifiedNamespace is a host setting no function binding uses.", problems);
    }

    [Fact]
    public void Host_storage_with_a_key_or_another_identity_is_reported()
    {
        var broken = WithSetting(WithSetting(Example, "AzureWebJobsStorage__credential", "connectionstring"), "AzureWebJobsStorage__clientId", "00000000-0000-0000-0000-000000000000");
        var problems = DeploymentChecks.Connections([], SettingsCatalog.All, broken);
        Assert.Contains("host: connection 'AzureWebJobsStorage' needs AzureWebJobsStorage__credential=managedidentity.", problems);
        Assert.Contains("host: AzureWebJobsStorage__clientId must be the client id of the deployment's identity.", problems);
    }

    [Fact]
    public void A_timer_schedule_coming_into_use_asks_for_the_catalog_to_be_updated()
    {
        // A schedule catalogued as planned (not read yet) that a timer starts to read.
        var catalog = SettingsCatalog.All.Select(d => d.Key == "DeadlineWatch:Schedule" ? d with { Source = SettingSource.Planned } : d).ToList();
        var problems = DeploymentChecks.Connections([Binding("DeadlineWatch", "timerTrigger", null, "DeadlineWatch:Schedule")], catalog, Example);
        Assert.Contains("DeadlineWatch now reads %DeadlineWatch:Schedule%: change SettingsCatalog entry DeadlineWatch:Schedule from Planned.", problems);
        Assert.DoesNotContain(problems, p => p.Contains("does not set", StringComparison.Ordinal)); // the Bicep sets it
    }

    [Fact]
    public void A_second_identity_or_a_setting_naming_another_client_id_is_reported()
    {
        var otherClient = WithSetting(Example, "Storage__Tables__ManagedIdentityClientId", "11111111-1111-1111-1111-111111111111");
        Assert.Equal(["Storage__Tables__ManagedIdentityClientId must be the client id of the deployment's identity, not '11111111-1111-1111-1111-111111111111'."],
            DeploymentChecks.Identity(otherClient));

        var second = Example.With(root =>
        {
            var identity = Resource(root, "Microsoft.ManagedIdentity/userAssignedIdentities").DeepClone().AsObject();
            identity["id"] = (string)identity["id"]! + "-2";
            identity["name"] = (string)identity["name"]! + "-2";
            root["predictedResources"]!.AsArray().Add(identity);
        });
        Assert.Equal(["The deployment must create exactly one user-assigned identity, it creates 2."], DeploymentChecks.Identity(second));

        var systemAssigned = Example.With(root => Resource(root, "Microsoft.Web/sites")["identity"]!["type"] = "SystemAssigned, UserAssigned");
        Assert.Equal(["The function app's identity type must be UserAssigned, not SystemAssigned, UserAssigned."], DeploymentChecks.Identity(systemAssigned));
    }

    private static DeploymentSnapshot WithoutRole(DeploymentSnapshot d, string roleId) => d.With(root =>
    {
        var resources = root["predictedResources"]!.AsArray();
        resources.Remove(resources.Single(r => ((string?)r!["properties"]?["roleDefinitionId"])?.EndsWith(roleId, StringComparison.Ordinal) == true));
    });

    [Fact]
    public void A_missing_role_an_extra_role_and_a_role_for_someone_else_are_reported()
    {
        Assert.Equal([$"Role {Roles.ServiceBusDataReceiver} on Microsoft.ServiceBus/namespaces/queues is not assigned."],
            DeploymentChecks.RoleAssignments(WithoutRole(Example, Roles.ServiceBusDataReceiver), DeploymentChecks.ExpectedRoles));

        // Storage Queue Data Contributor: the host needs no queue storage (no queue or blob triggers).
        var extra = Example.With(root =>
        {
            var copy = root["predictedResources"]!.AsArray().Select(r => r!.AsObject())
                .Single(r => ((string?)r["properties"]?["roleDefinitionId"])?.EndsWith(Roles.StorageBlobDataOwner, StringComparison.Ordinal) == true).ToJsonString()
                .Replace(Roles.StorageBlobDataOwner, Roles.StorageQueueDataContributor, StringComparison.Ordinal);
            root["predictedResources"]!.AsArray().Add(JsonNode.Parse(copy));
        });
        Assert.Equal([$"Role {Roles.StorageQueueDataContributor} on Microsoft.Storage/storageAccounts is assigned but not needed (least privilege)."],
            DeploymentChecks.RoleAssignments(extra, DeploymentChecks.ExpectedRoles));

        var someoneElse = Example.With(root =>
        {
            var r = root["predictedResources"]!.AsArray().Select(n => n!.AsObject()).First(n => (string)n["type"]! == "Microsoft.Authorization/roleAssignments");
            r["properties"]!["principalId"] = "22222222-2222-2222-2222-222222222222";
        });
        Assert.Contains(DeploymentChecks.RoleAssignments(someoneElse, DeploymentChecks.ExpectedRoles), p => p.Contains("is assigned to '22222222-2222-2222-2222-222222222222', not the deployment's identity", StringComparison.Ordinal));
    }

    [Fact]
    public void A_role_at_a_wider_scope_is_reported()
    {
        // The sender role moved from the queue to the namespace.
        var wider = Example.With(root =>
        {
            var queue = (string)Resource(root, "Microsoft.ServiceBus/namespaces/queues")["id"]!;
            var ns = (string)Resource(root, "Microsoft.ServiceBus/namespaces")["id"]!;
            var r = root["predictedResources"]!.AsArray().Select(n => n!.AsObject())
                .Single(n => ((string?)n["properties"]?["roleDefinitionId"])?.EndsWith(Roles.ServiceBusDataSender, StringComparison.Ordinal) == true);
            r["id"] = ((string)r["id"]!).Replace(queue, ns, StringComparison.Ordinal);
            r["name"] = ((string)r["name"]!).Replace(queue, ns, StringComparison.Ordinal);
        });
        var problems = DeploymentChecks.RoleAssignments(wider, DeploymentChecks.ExpectedRoles);
        Assert.Contains($"Role {Roles.ServiceBusDataSender} on Microsoft.ServiceBus/namespaces/queues is not assigned.", problems);
        Assert.Contains($"Role {Roles.ServiceBusDataSender} on Microsoft.ServiceBus/namespaces is assigned but not needed (least privilege).", problems);
    }

    [Fact]
    public void A_reference_to_a_secret_not_deployed_and_a_secret_from_a_literal_are_reported()
    {
        var vault = Example.One("Microsoft.KeyVault/vaults")!.Id;
        var secure = DeploymentConsistencyTests.SecureParameters;
        var dangling = WithSetting(Example, "SendGrid__ApiKey", $"[format('@Microsoft.KeyVault(SecretUri={{0}})', reference('{vault}/secrets/other', '2023-07-01').secretUri)]");
        var problems = DeploymentChecks.Secrets(dangling, secure);
        Assert.Contains(problems, p => p.StartsWith("SendGrid__ApiKey refers to no secret this deployment creates", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.EndsWith("/sendgrid-api-key is stored but no app setting refers to it.", StringComparison.Ordinal));

        var literal = Example.With(root => Resource(root, "Microsoft.KeyVault/vaults/secrets", "/sendgrid-api-key")["properties"]!["value"] = "SG.in-the-template");
        Assert.Contains(DeploymentChecks.Secrets(literal, secure), p => p.EndsWith("must take its value from a secure parameter, not 'SG.in-the-template'.", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_resource_property_the_design_depends_on_is_checked()
    {
        var broken = Example.With(root =>
        {
            Resource(root, "Microsoft.Storage/storageAccounts")["properties"]!["allowSharedKeyAccess"] = true;
            Resource(root, "Microsoft.Storage/storageAccounts")["properties"]!["minimumTlsVersion"] = "TLS1_0";
            Resource(root, "Microsoft.ServiceBus/namespaces")["sku"]!["name"] = "Basic";
            Resource(root, "Microsoft.ServiceBus/namespaces")["properties"]!["disableLocalAuth"] = false;
            Resource(root, "Microsoft.ServiceBus/namespaces/queues")["properties"]!["requiresDuplicateDetection"] = false;
            Resource(root, "Microsoft.ServiceBus/namespaces/queues")["properties"]!["deadLetteringOnMessageExpiration"] = false;
            Resource(root, "Microsoft.ServiceBus/namespaces/queues")["properties"]!.AsObject().Remove("maxDeliveryCount");
            Resource(root, "Microsoft.KeyVault/vaults")["properties"]!["enableRbacAuthorization"] = false;
            Resource(root, "Microsoft.Insights/components")["properties"]!["DisableLocalAuth"] = false;
            Resource(root, "Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["runtime"]!["name"] = "custom";
            Resource(root, "Microsoft.Web/serverfarms")["sku"]!["name"] = "Y1";
        });
        var problems = DeploymentChecks.Resources(broken, DeploymentConsistencyTests.AppDotnetVersion);
        string[] expected =
        [
            "properties.allowSharedKeyAccess must be false, is true.",
            "properties.minimumTlsVersion must be TLS1_2, is TLS1_0.",
            "sku.name must be Standard, is Basic.",
            "properties.disableLocalAuth must be true, is false.",
            "properties.requiresDuplicateDetection must be true, is false.",
            "properties.deadLetteringOnMessageExpiration must be true, is false.",
            "The queue must dead-letter after maxDeliveryCount deliveries, has (absent).",
            "properties.enableRbacAuthorization must be true, is false.",
            "properties.DisableLocalAuth must be true, is false.",
            "properties.functionAppConfig.runtime.name must be dotnet-isolated, is custom.",
            "sku.name must be FC1, is Y1.",
        ];
        Assert.All(expected, e => Assert.Contains(problems, p => p.EndsWith(e, StringComparison.Ordinal)));
        Assert.True(expected.Length == problems.Count, string.Join(Environment.NewLine, problems));

        Assert.Contains("Microsoft.Web/sites " + Example.Site!.ShortName + ": properties.functionAppConfig.runtime.version must be 11.0, is 10.0.",
            DeploymentChecks.Resources(Example, "11.0"));
    }

    [Fact]
    public void Removing_a_setting_and_a_role_from_the_Bicep_fails_the_compiled_checks()
    {
        // End to end: edit a copy of bicep/, compile and expand it again, run the same checks.
        var work = Directory.CreateTempSubdirectory("bn-bicep-broken-").FullName;
        try
        {
            var copy = CompiledDeployment.CopyBicep(work);
            Edit(Path.Combine(copy, "modules", "functionapp.bicep"), "  { name: 'Queue__Name', value: queueName }\n", "");
            var roles = Path.Combine(copy, "modules", "roles.bicep");
            var text = File.ReadAllText(roles);
            var start = text.IndexOf("resource queueReceiver ", StringComparison.Ordinal);
            Assert.True(start >= 0);
            File.WriteAllText(roles, text[..start] + text[(text.IndexOf("\n}\n", start, StringComparison.Ordinal) + 3)..]);

            var (_, broken) = CompiledDeployment.Snapshot(copy, "main.bicepparam", null);
            Assert.Equal(["Queue__Name is required in Azure (notices queue (also the SendNotice trigger's queueName)) but the Bicep does not set it.", "Queue__Name must be the queue the deployment creates (notices), is '(not set)'."],
                SettingProblems(broken).Concat(DeploymentChecks.Resources(broken, DeploymentConsistencyTests.AppDotnetVersion)));
            Assert.Equal([$"Role {Roles.ServiceBusDataReceiver} on Microsoft.ServiceBus/namespaces/queues is not assigned."],
                DeploymentChecks.RoleAssignments(broken, DeploymentChecks.ExpectedRoles));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Edit(string path, string remove, string insert)
    {
        var text = File.ReadAllText(path);
        Assert.Contains(remove, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(remove, insert, StringComparison.Ordinal));
    }
}
