using BreachNotify.FunctionApp.Composition;
using BreachNotify.FunctionApp.Tests.Deployment.Bicep;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>
/// bicep/ parsed (no compiler here) and held against the code: the settings the app reads (SettingsCatalog), the
/// function.json bindings, the roles the identity needs, and the resource properties the design depends on.
/// </summary>
public sealed class BicepConsistencyTests
{
    private static readonly BicepScope Root = DeploymentModel.Load();
    private static readonly IReadOnlyList<BicepAppSetting> Settings = DeploymentModel.AppSettings(Root);

    // Built-in role ids (platform.md §6, https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private static BVal Setting(string name) => Settings.Single(s => s.Name.IsLiteral && s.Name.Literal == name).Value;

    private static BObj Single(string type) => Root.Modules().SelectMany(m => m.Scope.Resources(type)).Single().Body;

    private static string Lit(BVal v) => Assert.IsType<BStr>(v).Literal;

    [Fact]
    public void The_bicep_parses_and_has_app_settings()
    {
        Assert.True(Settings.Count >= 20, $"only {Settings.Count} app settings found");
        Assert.Contains(Settings, s => s.Display == "Storage__Tables__Endpoint");
    }

    [Fact]
    public void Every_setting_the_code_reads_in_Azure_is_set_and_every_setting_set_is_read()
    {
        var problems = BicepConsistency.SettingProblems(SettingsCatalog.All, Settings);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void One_user_assigned_identity_is_used_for_everything()
    {
        const string clientId = "identity.outputs.clientId";
        foreach (var name in new[] { "AZURE_CLIENT_ID", "AzureWebJobsStorage__clientId", "ServiceBusConnection__clientId", "Storage__Tables__ManagedIdentityClientId" })
            Assert.Equal(new BUnknown(clientId), Setting(name));
        Assert.Equal("ClientId=${identity.outputs.clientId};Authorization=AAD", Assert.IsType<BStr>(Setting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")).Render());

        var (_, site) = DeploymentModel.FunctionAppSite(Root);
        var identity = Assert.IsType<BObj>(site.Path("identity"));
        Assert.Equal("UserAssigned", Lit(identity["type"]!));
        Assert.Equal(["${identity.outputs.id}"], Assert.IsType<BObj>(identity["userAssignedIdentities"]).Props.Keys);
        Assert.Equal(new BUnknown("identity.outputs.id"), site.Path("properties.keyVaultReferenceIdentity"));
        Assert.Equal("UserAssignedIdentity", Lit(site.Path("properties.functionAppConfig.deployment.storage.authentication.type")));
        Assert.Equal(new BUnknown("identity.outputs.id"), site.Path("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));

        // "identity" is the module holding the one user-assigned identity of the deployment.
        var identities = Root.Modules().Where(m => m.Scope.Resources("Microsoft.ManagedIdentity/userAssignedIdentities").Any()).ToList();
        Assert.Equal("identity", Assert.Single(identities).Symbol);
    }

    [Fact]
    public void Flex_consumption_plan_and_custom_handler_runtime()
    {
        var plan = Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", Lit(plan.Path("sku.name")));
        Assert.Equal("FlexConsumption", Lit(plan.Path("sku.tier")));
        Assert.Equal(new BBool(true), plan.Path("properties.reserved")); // Linux

        var (decl, site) = DeploymentModel.FunctionAppSite(Root);
        Assert.Contains("linux", Lit(site["kind"]!), StringComparison.Ordinal);
        Assert.Equal("custom", Lit(site.Path("properties.functionAppConfig.runtime.name")));
        Assert.Equal("blobContainer", Lit(site.Path("properties.functionAppConfig.deployment.storage.type")));
        Assert.Equal(new BBool(true), site.Path("properties.httpsOnly"));
        // functionAppConfig exists from API version 2023-12-01 on.
        Assert.True(string.CompareOrdinal(decl.ApiVersion, "2023-12-01") >= 0, decl.ApiVersion);
    }

    [Fact]
    public void Storage_is_StorageV2_without_shared_keys_on_TLS_1_2_with_deployment_container_and_tables()
    {
        var (file, account) = Root.Modules().SelectMany(m => m.Scope.Resources("Microsoft.Storage/storageAccounts").Select(r => (m.Scope, r.Body))).Single();
        Assert.Equal("StorageV2", Lit(account["kind"]!));
        Assert.Equal(new BBool(false), account.Path("properties.allowSharedKeyAccess"));
        Assert.Equal(new BBool(false), account.Path("properties.allowBlobPublicAccess"));
        Assert.Equal("TLS1_2", Lit(account.Path("properties.minimumTlsVersion")));
        Assert.Single(file.Resources("Microsoft.Storage/storageAccounts/blobServices/containers"));
        var tables = Assert.Single(file.Resources("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.IsType<ForExpr>(tables.Decl.Value);

        // The tables created carry the same prefix the app is told to use.
        var main = Root.File.Find("var", "tableNames")!;
        var names = (BArr)Root.Eval(main.Value!, []);
        Assert.Equal(["bnIncidents", "bnIncidentIndex", "bnIdempotency"], names.Items.Select(i => Lit(i.Value)));
        Assert.Equal("bn", Lit(Root.Param("tablePrefix")));
        Assert.Equal("bn", Lit(Setting("Storage__Tables__TablePrefix")));
    }

    [Fact]
    public void Service_Bus_is_Standard_without_local_auth_and_the_queue_dedupes_and_dead_letters()
    {
        var ns = Single("Microsoft.ServiceBus/namespaces");
        Assert.Equal("Standard", Lit(ns.Path("sku.name"))); // Basic has no duplicate detection
        Assert.Equal(new BBool(true), ns.Path("properties.disableLocalAuth"));

        var queue = Single("Microsoft.ServiceBus/namespaces/queues");
        Assert.Equal("notices", Lit(queue["name"]!));
        Assert.Equal(new BBool(true), queue.Path("properties.requiresDuplicateDetection"));
        Assert.Equal(new BBool(true), queue.Path("properties.deadLetteringOnMessageExpiration"));
        Assert.Equal(new BNum(10), queue.Path("properties.maxDeliveryCount"));
        var window = System.Xml.XmlConvert.ToTimeSpan(Lit(queue.Path("properties.duplicateDetectionHistoryTimeWindow")));
        Assert.InRange(window, TimeSpan.FromSeconds(20), TimeSpan.FromDays(7)); // the service's allowed range
        Assert.True(System.Xml.XmlConvert.ToTimeSpan(Lit(queue.Path("properties.lockDuration"))) <= TimeSpan.FromMinutes(5));

        // The app sends to, and the trigger (when present) listens on, the queue the Bicep creates.
        Assert.Equal(new BUnknown("serviceBus.outputs.queueName"), Setting("Queue__Name"));
        Assert.Equal(new BUnknown("serviceBus.outputs.fullyQualifiedNamespace"), Setting("ServiceBus__FullyQualifiedNamespace"));
        Assert.Equal(new BUnknown("serviceBus.outputs.fullyQualifiedNamespace"), Setting("ServiceBusConnection__fullyQualifiedNamespace"));
        foreach (var b in DeploymentModel.Bindings(RepoPaths.FunctionApp).Where(b => b.Type == "serviceBusTrigger"))
        {
            var queueName = b.Json.GetProperty("queueName").GetString()!;
            if (queueName.StartsWith('%')) Assert.Equal(Setting(queueName.Trim('%').Replace(":", "__", StringComparison.Ordinal)), Setting("Queue__Name"));
            else Assert.Equal("notices", queueName);
        }
    }

    [Fact]
    public void Key_Vault_uses_RBAC_and_secrets_are_references_into_it()
    {
        var vault = Single("Microsoft.KeyVault/vaults");
        Assert.Equal(new BBool(true), vault.Path("properties.enableRbacAuthorization"));
        Assert.Equal("@Microsoft.KeyVault(SecretUri=${keyVault.outputs.sendGridApiKeySecretUri})", Assert.IsType<BStr>(Setting("SendGrid__ApiKey")).Render());
        var webhook = Settings.Single(s => s.Display.StartsWith("Webhooks__", StringComparison.Ordinal));
        Assert.True(webhook.Conditional);
        Assert.Equal("@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/webhook-${toLower(s)}/)", Assert.IsType<BStr>(webhook.Value).Render());
        // The webhook secrets the vault holds are named as the references expect.
        var kv = Root.Module("keyVault");
        var secret = kv.Resources("Microsoft.KeyVault/vaults/secrets").Single(r => r.Decl.Value is ForExpr).Body;
        Assert.Equal("webhook-${toLower(w.key)}", Assert.IsType<BStr>(secret["name"]).Render());
        Assert.Equal("sendgrid-api-key", Lit(kv.Resources("Microsoft.KeyVault/vaults/secrets").Single(r => r.Decl.Value is not ForExpr).Body["name"]!));
    }

    [Fact]
    public void Webhook_credential_kinds_cover_exactly_the_sources_the_code_knows()
    {
        var kinds = (BObj)DeploymentModel.FunctionAppModule(Root).Eval(DeploymentModel.FunctionAppModule(Root).File.Find("var", "webhookCredentialKind")!.Value!, []);
        var known = BreachNotify.Application.Webhooks.WebhookSourceNames.All.Select(n => n.Replace("-", "", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(known.Order(), kinds.Props.Keys.Order());
        Assert.All(kinds.Props.Values, v => Assert.Contains(Lit(v), new[] { "Secrets", "Tokens" }));
    }

    [Fact]
    public void Application_Insights_takes_identity_auth_only()
    {
        var ai = Single("Microsoft.Insights/components");
        Assert.Equal(new BBool(true), ai.Path("properties.DisableLocalAuth"));
        Assert.Single(Root.Modules().SelectMany(m => m.Scope.Resources("Microsoft.OperationalInsights/workspaces")));
    }

    private sealed record Assignment(string Role, string ScopeType, string Module);

    private static List<Assignment> RoleAssignments()
    {
        var list = new List<Assignment>();
        foreach (var (symbol, scope) in Root.Modules())
        {
            foreach (var (decl, body) in scope.Resources("Microsoft.Authorization/roleAssignments"))
            {
                var roleId = Lit(body.Path("properties.roleDefinitionId")).Split('/')[^1];
                Assert.StartsWith("Microsoft.Authorization/roleDefinitions/", Lit(body.Path("properties.roleDefinitionId")), StringComparison.Ordinal);
                var bodyExpr = (ObjExpr)decl.Value!;
                Expr Prop(string key) => bodyExpr.Props.Single(p => BicepScope.KeyOf(p.Key) == key).Value;

                // scope: a resource symbol of this module; its type is the scope's type.
                var scopeSymbol = Assert.IsType<IdentExpr>(Prop("scope")).Name;
                var scopeDecl = scope.File.Find("resource", scopeSymbol)!;
                // name: guid(<scope>.id, principalId, <role id>) — stable and unique per scope, principal and role.
                var guid = Assert.IsType<CallExpr>(Prop("name"));
                Assert.Equal("guid", Assert.IsType<IdentExpr>(guid.Callee).Name);
                Assert.Equal(3, guid.Args.Count);
                Assert.Equal(new MemberExpr(new IdentExpr(scopeSymbol), "id"), guid.Args[0]);
                Assert.Equal(new IdentExpr("principalId"), guid.Args[1]);
                Assert.Equal(roleId, Lit(scope.Eval(guid.Args[2], [])));

                Assert.Equal(new BUnknown("identity.outputs.principalId"), body.Path("properties.principalId"));
                Assert.Equal("ServicePrincipal", Lit(body.Path("properties.principalType")));

                // The scope resource is the one the deployment creates: its name is an output of the module that
                // declares a (non-existing) resource of that type.
                var scopeBody = scope.Resources(scopeDecl.ResourceType!, includeExisting: true).Single(r => r.Decl.Name == scopeSymbol).Body;
                var owner = Assert.IsType<BUnknown>(scopeBody["name"]).Text.Split('.')[0];
                Assert.Contains(Root.Module(owner).Resources(scopeDecl.ResourceType!), r => !r.Decl.Existing);

                list.Add(new Assignment(roleId, scopeDecl.ResourceType!, symbol));
            }
        }
        return list;
    }

    [Fact]
    public void Every_role_the_code_needs_is_assigned_at_the_narrowest_scope_and_nothing_more()
    {
        var expected = new[]
        {
            (StorageBlobDataOwner, "Microsoft.Storage/storageAccounts"),          // host storage (AzureWebJobsStorage), deployment package
            (StorageTableDataContributor, "Microsoft.Storage/storageAccounts"),   // Storage:Provider=AzureTables
            (ServiceBusDataSender, "Microsoft.ServiceBus/namespaces/queues"),     // the app enqueues notice jobs
            (ServiceBusDataReceiver, "Microsoft.ServiceBus/namespaces/queues"),   // the host's serviceBusTrigger
            (KeyVaultSecretsUser, "Microsoft.KeyVault/vaults"),                   // Key Vault references
            (MonitoringMetricsPublisher, "Microsoft.Insights/components"),        // Entra-authenticated telemetry
        };
        var actual = RoleAssignments().Select(a => (a.Role, a.ScopeType)).ToList();
        Assert.Equal(expected.OrderBy(x => x.Item1), actual.OrderBy(x => x.Role));
    }

    [Fact]
    public void The_function_app_waits_for_its_role_assignments()
    {
        var decl = Root.File.Find("module", "functionApp")!;
        var dependsOn = ((ObjExpr)decl.Value!).Props.Single(p => BicepScope.KeyOf(p.Key) == "dependsOn").Value;
        var roleModules = RoleAssignments().Select(a => a.Module).Distinct();
        Assert.All(roleModules, m => Assert.Contains(new IdentExpr(m), Assert.IsType<ArrExpr>(dependsOn).Items));
    }

    [Fact]
    public void The_param_file_sets_every_required_param_and_keeps_secrets_out()
    {
        var paramFile = BicepFile.Load(Path.Combine(DeploymentModel.BicepDirectory, "main.bicepparam"));
        Assert.Equal("main.bicep", paramFile.Declarations.Single(d => d.Kind == "using").Type);
        var given = paramFile.Declarations.Where(d => d.Kind == "param").ToDictionary(d => d.Name);
        var declared = Root.File.Declarations.Where(d => d.Kind == "param").ToDictionary(d => d.Name);
        Assert.All(given.Keys, k => Assert.True(declared.ContainsKey(k), $"main.bicepparam sets unknown param {k}"));
        Assert.All(declared.Values.Where(d => d.Value is null), d => Assert.True(given.ContainsKey(d.Name), $"main.bicepparam does not set required param {d.Name}"));
        foreach (var secure in declared.Values.Where(d => d.IsSecure && given.ContainsKey(d.Name)))
        {
            var text = BicepParser.Print(given[secure.Name].Value!);
            Assert.Contains("readEnvironmentVariable(", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Module_paths_resolve_and_every_module_param_is_declared_there()
    {
        foreach (var decl in Root.File.Declarations.Where(d => d.Kind == "module"))
        {
            var module = Root.Module(decl.Name);
            var passed = ((ObjExpr)((ObjExpr)decl.Value!).Props.Single(p => BicepScope.KeyOf(p.Key) == "params").Value).Props.Select(p => BicepScope.KeyOf(p.Key)).ToList();
            var declared = module.File.Declarations.Where(d => d.Kind == "param").ToList();
            Assert.All(passed, p => Assert.True(declared.Any(d => d.Name == p), $"{decl.Type}: no param {p}"));
            Assert.All(declared.Where(d => d.Value is null), d => Assert.True(passed.Contains(d.Name), $"{decl.Type}: required param {d.Name} not passed"));
        }
    }
}
