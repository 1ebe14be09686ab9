using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using BreachNotify.FunctionApp.Composition;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>Built-in role ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).</summary>
public static class Roles
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    public const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
}

/// <summary>
/// The checks of a deployment snapshot against the code, as functions returning problems (empty = fine), so tests can
/// show each one catches a deployment broken on purpose.
/// </summary>
public static class DeploymentChecks
{
    /// <summary>Settings Flex Consumption does not use or rejects (the runtime is functionAppConfig.runtime).
    /// https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations</summary>
    public static readonly string[] NotOnFlex = ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_NODE_DEFAULT_VERSION"];

    /// <summary>The roles the identity needs, at the narrowest scope that works, and no others (docs/deploy.md says why).</summary>
    public static readonly IReadOnlyList<(string Role, string ScopeType)> ExpectedRoles =
    [
        (Roles.StorageBlobDataOwner, "Microsoft.Storage/storageAccounts"),        // host storage, deployment package
        (Roles.StorageTableDataContributor, "Microsoft.Storage/storageAccounts"), // Storage:Provider=AzureTables
        (Roles.ServiceBusDataSender, "Microsoft.ServiceBus/namespaces/queues"),   // ServiceBusSender: enqueue notice jobs
        (Roles.ServiceBusDataReceiver, "Microsoft.ServiceBus/namespaces/queues"), // ServiceBusReceiver: the SendQueuedNotices drain
        (Roles.KeyVaultSecretsUser, "Microsoft.KeyVault/vaults"),                 // Key Vault references
        (Roles.MonitoringMetricsPublisher, "Microsoft.Insights/components"),      // Entra-authenticated telemetry
    ];

    /// <summary>Whether the app setting <paramref name="name"/> is the catalog entry: same '__'-separated segments; a
    /// placeholder matches any segment ({n}: digits only).</summary>
    public static bool Matches(SettingDefinition definition, string name)
    {
        var have = name.Split("__");
        var want = definition.Key.Split(':');
        if (have.Length != want.Length) return false;
        for (var i = 0; i < want.Length; i++)
        {
            if (want[i] == "{n}") { if (have[i].Length == 0 || !have[i].All(char.IsAsciiDigit)) return false; continue; }
            if (want[i].StartsWith('{')) { if (have[i].Length == 0) return false; continue; }
            if (!string.Equals(want[i], have[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    /// <summary>Every app setting is read by something (the catalog), in Azure, and secret exactly when catalogued so;
    /// every <c>Required</c> setting is set, with the value Azure needs where fixed; with
    /// <paramref name="everyParameterGiven"/>, every <c>Parameter</c> setting is set too.</summary>
    public static List<string> Settings(IReadOnlyList<SettingDefinition> catalog, DeploymentSnapshot deployment, bool everyParameterGiven)
    {
        var problems = new List<string>();
        var settings = deployment.AppSettings;

        foreach (var dup in settings.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add($"{dup.Key} is set more than once.");

        foreach (var s in settings)
        {
            if (NotOnFlex.Contains(s.Name, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{s.Name} must not be set on Flex Consumption.");
                continue;
            }
            var matches = catalog.Where(d => Matches(d, s.Name)).ToList();
            if (matches.Count == 0)
            {
                problems.Add($"{s.Name} is set by the Bicep but nothing reads it (not in SettingsCatalog).");
                continue;
            }
            if (matches.All(m => m.Azure == AzureProvisioning.NotInAzure))
                problems.Add($"{s.Name} is set by the Bicep but is read only standalone ({string.Join(", ", matches.Select(m => m.Key))}).");
            var secret = matches.Any(m => m.Secret);
            if (secret && !Arm.LooksLikeKeyVaultReference(s.Value))
                problems.Add($"{s.Name} is a secret: its value must be a Key Vault reference, not '{s.Value}'.");
            if (!secret && Arm.LooksLikeKeyVaultReference(s.Value))
                problems.Add($"{s.Name} is not catalogued as a secret but is a Key Vault reference.");
        }

        foreach (var d in catalog)
        {
            var set = settings.Where(s => Matches(d, s.Name)).ToList();
            if (d.Azure == AzureProvisioning.Required)
            {
                if (set.Count == 0)
                    problems.Add($"{d.EnvironmentName} is required in Azure ({d.Description}) but the Bicep does not set it.");
                else if (d.AzureValue is not null && !string.Equals(set[0].Value, d.AzureValue, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{d.EnvironmentName} must be '{d.AzureValue}' in Azure, the Bicep sets '{set[0].Value}'.");
            }
            else if (d.Azure == AzureProvisioning.Parameter && everyParameterGiven && set.Count == 0)
            {
                problems.Add($"{d.EnvironmentName} must be settable from the Bicep's parameters ({d.Description}), but no app setting provides it.");
            }
        }
        return problems;
    }

    /// <summary>Every binding connection is identity-based with the one identity, every %setting% a binding refers to
    /// is set, a catalog entry still marked planned is not in use yet, and no catalogued host connection is unused.</summary>
    public static List<string> Connections(IReadOnlyList<FunctionBinding> bindings, IReadOnlyList<SettingDefinition> catalog, DeploymentSnapshot deployment)
    {
        var problems = new List<string>();
        var identity = deployment.Identity?.Id ?? "(no identity)";

        // Identity-based connection: <connection>__fullyQualifiedNamespace (Service Bus, Event Hubs) or __accountName
        // (storage), with __credential=managedidentity and __clientId for a user-assigned identity.
        // https://learn.microsoft.com/azure/azure-functions/functions-reference#configure-an-identity-based-connection
        void IdentityBased(string where, string connection, string addressKey)
        {
            if (string.IsNullOrEmpty(deployment.Setting($"{connection}__{addressKey}")))
                problems.Add($"{where}: connection '{connection}' needs app setting {connection}__{addressKey}.");
            if (!string.Equals(deployment.Setting($"{connection}__credential"), "managedidentity", StringComparison.OrdinalIgnoreCase))
                problems.Add($"{where}: connection '{connection}' needs {connection}__credential=managedidentity.");
            if (!Arm.IsReference(deployment.Setting($"{connection}__clientId"), identity, "clientId"))
                problems.Add($"{where}: {connection}__clientId must be the client id of the deployment's identity.");
        }

        IdentityBased("host", "AzureWebJobsStorage", "accountName");
        foreach (var b in bindings)
        {
            if (b.Connection is { } c)
            {
                var eventing = b.Type.StartsWith("serviceBus", StringComparison.OrdinalIgnoreCase) || b.Type.StartsWith("eventHub", StringComparison.OrdinalIgnoreCase);
                IdentityBased(b.Function, c, eventing ? "fullyQualifiedNamespace" : "accountName");
                var entries = catalog.Where(d => d.Key.StartsWith(c + ":", StringComparison.OrdinalIgnoreCase)).ToList();
                if (entries.Count == 0) problems.Add($"{b.Function}: connection '{c}' has no SettingsCatalog entries.");
                foreach (var e in entries.Where(e => e.Source == SettingSource.Planned))
                    problems.Add($"{b.Function} now uses connection '{c}': change SettingsCatalog entry {e.Key} from Planned to Host.");
            }
            foreach (var r in b.SettingReferences)
            {
                var name = r.Replace(":", "__", StringComparison.Ordinal);
                if (string.IsNullOrEmpty(deployment.Setting(name))) problems.Add($"{b.Function}: binding refers to %{r}% but the Bicep does not set {name}.");
                var key = r.Replace("__", ":", StringComparison.Ordinal);
                foreach (var e in catalog.Where(e => e.Source == SettingSource.Planned && string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)))
                    problems.Add($"{b.Function} now reads %{r}%: change SettingsCatalog entry {e.Key} from Planned.");
            }
        }

        // A host setting in the catalog that no binding uses (as a connection or a %setting% expression) is dead
        // configuration (host storage is always used).
        var used = bindings.Select(b => b.Connection).OfType<string>().Append("AzureWebJobsStorage").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var referenced = bindings.SelectMany(b => b.SettingReferences).Select(r => r.Replace("__", ":", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var d in catalog.Where(d => d.Source == SettingSource.Host && d.Key.Contains(':', StringComparison.Ordinal)))
        {
            if (referenced.Contains(d.Key)) continue;
            var connection = d.Key[..d.Key.IndexOf(':', StringComparison.Ordinal)];
            if (!used.Contains(connection)) problems.Add($"SettingsCatalog entry {d.Key} is a host setting no function binding uses.");
        }
        return problems;
    }

    /// <summary>One user-assigned identity, used by the site, Key Vault references, the deployment package, telemetry
    /// and every setting that names a client id; no system-assigned identity.</summary>
    public static List<string> Identity(DeploymentSnapshot deployment)
    {
        var problems = new List<string>();
        var identities = deployment.OfType("Microsoft.ManagedIdentity/userAssignedIdentities").ToList();
        if (identities.Count != 1) return [$"The deployment must create exactly one user-assigned identity, it creates {identities.Count}."];
        var id = identities[0].Id;
        var site = deployment.Site;
        if (site is null) return ["The deployment must create exactly one function app."];

        if (site.Text("identity.type") != "UserAssigned") problems.Add($"The function app's identity type must be UserAssigned, not {site.Text("identity.type")}.");
        var assigned = (site.Find("identity.userAssignedIdentities") as JsonObject)?.Select(p => p.Key).ToList() ?? [];
        if (assigned.Count != 1 || !string.Equals(assigned[0], id, StringComparison.OrdinalIgnoreCase))
            problems.Add($"The function app must run as exactly the deployment's identity, it has [{string.Join(", ", assigned)}].");
        if (!string.Equals(site.Text("properties.keyVaultReferenceIdentity"), id, StringComparison.OrdinalIgnoreCase))
            problems.Add("Key Vault references must resolve with the deployment's identity (keyVaultReferenceIdentity).");
        if (site.Text("properties.functionAppConfig.deployment.storage.authentication.type") != "UserAssignedIdentity"
            || !string.Equals(site.Text("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"), id, StringComparison.OrdinalIgnoreCase))
            problems.Add("The deployment package must be read with the deployment's identity.");

        var clientIdSettings = deployment.AppSettings.Where(s => s.Name.Replace("_", "", StringComparison.Ordinal).EndsWith("clientid", StringComparison.OrdinalIgnoreCase)).ToList();
        if (clientIdSettings.Count == 0) problems.Add("No setting names a client id.");
        foreach (var s in clientIdSettings.Where(s => !Arm.IsReference(s.Value, id, "clientId")))
            problems.Add($"{s.Name} must be the client id of the deployment's identity, not '{s.Value}'.");
        var telemetry = deployment.Setting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        if (telemetry is null || !Regex.IsMatch(telemetry, @"^\[format\('ClientId=\{0\};Authorization=AAD', " + Arm.Reference(Regex.Escape(id), "clientId") + @"\)\]$"))
            problems.Add($"APPLICATIONINSIGHTS_AUTHENTICATION_STRING must authenticate with the deployment's identity, not '{telemetry}'.");
        return problems;
    }

    /// <summary>Exactly the <paramref name="expected"/> roles, each once, for the deployment's identity, on a resource
    /// the deployment creates, named <c>guid(scope.id, principalId, roleId)</c>.</summary>
    public static List<string> RoleAssignments(DeploymentSnapshot deployment, IReadOnlyList<(string Role, string ScopeType)> expected)
    {
        var problems = new List<string>();
        var identity = deployment.Identity?.Id ?? "(no identity)";
        var actual = new List<(string Role, string ScopeType)>();
        foreach (var a in deployment.RoleAssignments)
        {
            var scope = a.Scope is null ? null : deployment.ById(a.Scope);
            if (scope is null)
            {
                problems.Add($"Role {a.RoleId} is assigned at a scope the deployment does not create ({a.Scope ?? "unknown"}).");
                continue;
            }
            actual.Add((a.RoleId, scope.Type));
            if (!a.RoleDefinitionId.EndsWith("/providers/Microsoft.Authorization/roleDefinitions/" + a.RoleId, StringComparison.OrdinalIgnoreCase))
                problems.Add($"Role {a.RoleId}: roleDefinitionId '{a.RoleDefinitionId}' is not a built-in role definition id.");
            if (!Arm.IsReference(a.PrincipalId, identity, "principalId"))
                problems.Add($"Role {a.RoleId} on {scope.Type} is assigned to '{a.PrincipalId}', not the deployment's identity.");
            if (a.PrincipalType != "ServicePrincipal")
                problems.Add($"Role {a.RoleId} on {scope.Type}: principalType must be ServicePrincipal.");
            var principal = a.PrincipalId.Length > 2 ? a.PrincipalId[1..^1] : a.PrincipalId;
            if (a.Name != $"[guid('{scope.Id}', {principal}, '{a.RoleId}')]")
                problems.Add($"Role {a.RoleId} on {scope.Type}: name must be guid(scope.id, principalId, roleId), is {a.Name}.");
        }
        foreach (var missing in expected.Except(actual))
            problems.Add($"Role {missing.Role} on {missing.ScopeType} is not assigned.");
        foreach (var extra in actual.Except(expected))
            problems.Add($"Role {extra.Role} on {extra.ScopeType} is assigned but not needed (least privilege).");
        foreach (var twice in actual.GroupBy(a => a).Where(g => g.Count() > 1))
            problems.Add($"Role {twice.Key.Role} on {twice.Key.ScopeType} is assigned {twice.Count()} times.");
        return problems;
    }

    /// <summary>Every secret setting is a Key Vault reference to a secret this deployment creates in its vault, every
    /// such secret is referenced, and its value comes from a secure parameter of the template.</summary>
    public static List<string> Secrets(DeploymentSnapshot deployment, IReadOnlySet<string> secureParameters)
    {
        var problems = new List<string>();
        var vault = deployment.One("Microsoft.KeyVault/vaults");
        if (vault is null) return ["The deployment must create exactly one Key Vault."];
        var secrets = deployment.OfType("Microsoft.KeyVault/vaults/secrets").ToList();
        var referenced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in deployment.AppSettings.Where(s => Arm.LooksLikeKeyVaultReference(s.Value)))
        {
            var target = secrets.FirstOrDefault(secret => Arm.IsKeyVaultReference(s.Value, secret.Id));
            if (target is null) problems.Add($"{s.Name} refers to no secret this deployment creates: {s.Value}");
            else referenced.Add(target.Id);
        }
        foreach (var secret in secrets)
        {
            if (!secret.Id.StartsWith(vault.Id + "/secrets/", StringComparison.OrdinalIgnoreCase))
                problems.Add($"Secret {secret.Name} is not in the deployment's vault.");
            if (!referenced.Contains(secret.Id))
                problems.Add($"Secret {secret.Name} is stored but no app setting refers to it.");
            var value = Regex.Match(secret.Text("properties.value"), @"^\[parameters\('(?<p>[^']+)'\)");
            if (!value.Success || !secureParameters.Contains(value.Groups["p"].Value))
                problems.Add($"Secret {secret.Name} must take its value from a secure parameter, not '{secret.Text("properties.value")}'.");
        }
        return problems;
    }

    /// <summary>The resource properties the design depends on (docs/deploy.md).</summary>
    public static List<string> Resources(DeploymentSnapshot deployment, string dotnetVersion)
    {
        var problems = new List<string>();
        void Expect(PredictedResource? r, string path, string want)
        {
            if (r is null) return;
            var have = r.Text(path);
            if (!string.Equals(have, want, StringComparison.Ordinal)) problems.Add($"{r.Type} {r.ShortName}: {path} must be {want}, is {have}.");
        }
        PredictedResource? One(string type)
        {
            var r = deployment.One(type);
            if (r is null) problems.Add($"The deployment must create exactly one {type}.");
            return r;
        }
        void Setting(string name, bool ok, string why)
        {
            if (!ok) problems.Add($"{name} must be {why}, is '{deployment.Setting(name) ?? "(not set)"}'.");
        }

        // Flex Consumption, Linux, .NET isolated worker.
        var plan = One("Microsoft.Web/serverfarms");
        Expect(plan, "sku.name", "FC1");
        Expect(plan, "sku.tier", "FlexConsumption");
        Expect(plan, "properties.reserved", "true");
        var site = One("Microsoft.Web/sites");
        if (site is not null)
        {
            if (!site.Text("kind").Contains("linux", StringComparison.Ordinal)) problems.Add($"The function app's kind must be Linux, is {site.Text("kind")}.");
            if (plan is not null) Expect(site, "properties.serverFarmId", plan.Id);
            // functionAppConfig exists from API version 2023-12-01 on.
            if (string.CompareOrdinal((string?)site.Json["apiVersion"], "2023-12-01") < 0) problems.Add($"Microsoft.Web/sites@{site.Json["apiVersion"]} has no functionAppConfig.");
        }
        Expect(site, "properties.httpsOnly", "true");
        Expect(site, "properties.siteConfig.minTlsVersion", "1.2");
        Expect(site, "properties.siteConfig.ftpsState", "Disabled");
        Expect(site, "properties.functionAppConfig.runtime.name", "dotnet-isolated");
        Expect(site, "properties.functionAppConfig.runtime.version", dotnetVersion);
        Expect(site, "properties.functionAppConfig.deployment.storage.type", "blobContainer");

        // Storage: Entra ID only, TLS 1.2; the deployment container and the app's tables live there.
        var storage = One("Microsoft.Storage/storageAccounts");
        Expect(storage, "kind", "StorageV2");
        Expect(storage, "properties.allowSharedKeyAccess", "false");
        Expect(storage, "properties.allowBlobPublicAccess", "false");
        Expect(storage, "properties.minimumTlsVersion", "TLS1_2");
        Expect(storage, "properties.supportsHttpsTrafficOnly", "true");
        if (storage is not null)
        {
            Setting("AzureWebJobsStorage__accountName", deployment.Setting("AzureWebJobsStorage__accountName") == storage.Name, "the deployment's storage account");
            Setting("Storage__Tables__Endpoint", Arm.IsReference(deployment.Setting("Storage__Tables__Endpoint"), storage.Id, "primaryEndpoints.table"), "the storage account's table endpoint");
            var container = deployment.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").SingleOrDefault(c => c.Id.StartsWith(storage.Id + "/", StringComparison.OrdinalIgnoreCase));
            if (container is null) problems.Add("The storage account must have one blob container for the deployment package.");
            else
            {
                Expect(container, "properties.publicAccess", "None");
                var package = site?.Text("properties.functionAppConfig.deployment.storage.value");
                var want = @"^\[format\('\{0\}\{1\}', " + Arm.Reference(Regex.Escape(storage.Id), @"primaryEndpoints\.blob") + $@", '{Regex.Escape(container.ShortName)}'\)\]$";
                if (package is null || !Regex.IsMatch(package, want)) problems.Add($"The deployment package must be the container {container.ShortName}, is {package}.");
            }
            var prefix = deployment.Setting("Storage__Tables__TablePrefix") ?? "";
            foreach (var t in deployment.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").Where(t => !t.ShortName.StartsWith(prefix, StringComparison.Ordinal) || prefix.Length == 0))
                problems.Add($"Table {t.ShortName} does not carry the prefix the app uses (Storage__Tables__TablePrefix='{prefix}').");
        }

        // Service Bus Standard (Basic has no duplicate detection), no SAS; the queue dedupes and dead-letters.
        var ns = One("Microsoft.ServiceBus/namespaces");
        Expect(ns, "sku.name", "Standard");
        Expect(ns, "properties.disableLocalAuth", "true");
        Expect(ns, "properties.minimumTlsVersion", "1.2");
        var queue = One("Microsoft.ServiceBus/namespaces/queues");
        Expect(queue, "properties.requiresDuplicateDetection", "true");
        Expect(queue, "properties.deadLetteringOnMessageExpiration", "true");
        Expect(queue, "properties.requiresSession", "false");
        if (queue is not null)
        {
            if (!int.TryParse(queue.Text("properties.maxDeliveryCount"), NumberStyles.None, CultureInfo.InvariantCulture, out var deliveries) || deliveries < 1)
                problems.Add($"The queue must dead-letter after maxDeliveryCount deliveries, has {queue.Text("properties.maxDeliveryCount")}.");
            if (!InRange(queue.Text("properties.duplicateDetectionHistoryTimeWindow"), TimeSpan.FromSeconds(20), TimeSpan.FromDays(7)))
                problems.Add($"The duplicate detection window must be 20 s to 7 days, is {queue.Text("properties.duplicateDetectionHistoryTimeWindow")}.");
            if (!InRange(queue.Text("properties.lockDuration"), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5)))
                problems.Add($"The lock duration must be at most 5 minutes, is {queue.Text("properties.lockDuration")}.");
            Setting("Queue__Name", deployment.Setting("Queue__Name") == queue.ShortName, $"the queue the deployment creates ({queue.ShortName})");
        }
        if (ns is not null)
        {
            var fqdn = ns.Name + ".servicebus.windows.net";
            foreach (var name in new[] { "ServiceBus__FullyQualifiedNamespace" }.Where(n => deployment.Setting(n) is not null))
                Setting(name, deployment.Setting(name) == fqdn, fqdn);
        }

        // Key Vault with RBAC (no access policies) and purge protection.
        var vault = One("Microsoft.KeyVault/vaults");
        Expect(vault, "properties.enableRbacAuthorization", "true");
        Expect(vault, "properties.enablePurgeProtection", "true");

        // Workspace-based Application Insights taking Entra-authenticated telemetry only.
        var insights = One("Microsoft.Insights/components");
        var workspace = One("Microsoft.OperationalInsights/workspaces");
        Expect(insights, "properties.DisableLocalAuth", "true");
        if (insights is not null && workspace is not null)
        {
            Expect(insights, "properties.WorkspaceResourceId", workspace.Id);
            Setting("APPLICATIONINSIGHTS_CONNECTION_STRING", Arm.IsReference(deployment.Setting("APPLICATIONINSIGHTS_CONNECTION_STRING"), insights.Id, "ConnectionString"), "the deployment's Application Insights connection string");
        }
        return problems;
    }

    private static bool InRange(string iso8601, TimeSpan min, TimeSpan max)
    {
        try
        {
            var t = XmlConvert.ToTimeSpan(iso8601);
            return t >= min && t <= max;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
