using BreachNotify.FunctionApp.Composition;
using BreachNotify.FunctionApp.Tests.Deployment.Bicep;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>The checks, as functions returning problems, so tests can show each one catches a broken input.</summary>
public static class BicepConsistency
{
    public const string KeyVaultReferencePrefix = "@Microsoft.KeyVault(SecretUri=";

    /// <summary>Settings Flex Consumption does not use or rejects (platform.md §2; the runtime is functionAppConfig).
    /// https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations</summary>
    public static readonly string[] NotOnFlex = ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_NODE_DEFAULT_VERSION"];

    public static List<string> SettingProblems(IReadOnlyList<SettingDefinition> catalog, IReadOnlyList<BicepAppSetting> settings)
    {
        var problems = new List<string>();

        foreach (var dup in settings.GroupBy(s => s.Display, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add($"{dup.Key} is set more than once.");

        foreach (var s in settings)
        {
            var name = s.Display;
            if (NotOnFlex.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{name} must not be set on Flex Consumption.");
                continue;
            }
            var matches = catalog.Where(s.Matches).ToList();
            if (matches.Count == 0)
            {
                problems.Add($"{name} is set by the Bicep but nothing reads it (not in SettingsCatalog).");
                continue;
            }
            if (matches.All(m => m.Azure == AzureProvisioning.NotInAzure))
                problems.Add($"{name} is set by the Bicep but is read only standalone ({string.Join(", ", matches.Select(m => m.Key))}).");
            if (matches.Any(m => m.Secret) && !IsKeyVaultReference(s.Value))
                problems.Add($"{name} is a secret: its value must be a Key Vault reference, not {Show(s.Value)}.");
            if (!matches.Any(m => m.Secret) && IsKeyVaultReference(s.Value))
                problems.Add($"{name} is not catalogued as a secret but is a Key Vault reference.");
        }

        foreach (var d in catalog)
        {
            var set = settings.Where(s => s.Matches(d)).ToList();
            switch (d.Azure)
            {
                case AzureProvisioning.Required:
                {
                    var literal = set.Where(s => !s.Conditional && s.Name.IsLiteral && string.Equals(s.Name.Literal, d.EnvironmentName, StringComparison.OrdinalIgnoreCase)).ToList();
                    if (literal.Count == 0)
                        problems.Add($"{d.EnvironmentName} is required in Azure ({d.Description}) but the Bicep does not always set it.");
                    else if (d.AzureValue is not null && !(literal[0].Value is BStr { IsLiteral: true } v && string.Equals(v.Literal, d.AzureValue, StringComparison.OrdinalIgnoreCase)))
                        problems.Add($"{d.EnvironmentName} must be '{d.AzureValue}' in Azure, the Bicep sets {Show(literal[0].Value)}.");
                    break;
                }
                case AzureProvisioning.Parameter when set.Count == 0:
                    problems.Add($"{d.EnvironmentName} must be settable from the Bicep's parameters ({d.Description}), but no app setting provides it.");
                    break;
            }
        }
        return problems;
    }

    /// <summary>Every binding connection has the identity-based settings of that connection, and every %setting% a
    /// binding refers to is set; a connection the catalog marks as planned must not be in use yet.</summary>
    public static List<string> ConnectionProblems(IReadOnlyList<FunctionBinding> bindings, IReadOnlyList<SettingDefinition> catalog, IReadOnlyList<BicepAppSetting> settings)
    {
        var problems = new List<string>();
        bool IsSet(string name) => settings.Any(s => !s.Conditional && s.Name.IsLiteral && string.Equals(s.Name.Literal, name, StringComparison.OrdinalIgnoreCase));

        foreach (var b in bindings)
        {
            if (b.Connection is { } c)
            {
                // Identity-based connection: <connection>__fullyQualifiedNamespace (Service Bus, Event Hubs) or
                // <connection>__serviceUri / __accountName (storage); __credential + __clientId for a user-assigned identity.
                var addressKey = b.Type.StartsWith("serviceBus", StringComparison.OrdinalIgnoreCase) || b.Type.StartsWith("eventHub", StringComparison.OrdinalIgnoreCase)
                    ? "fullyQualifiedNamespace" : "accountName";
                foreach (var suffix in new[] { addressKey, "credential", "clientId" })
                    if (!IsSet($"{c}__{suffix}")) problems.Add($"{b.Function}: binding connection '{c}' needs app setting {c}__{suffix}.");
                var entries = catalog.Where(d => d.Key.StartsWith(c + ":", StringComparison.OrdinalIgnoreCase)).ToList();
                if (entries.Count == 0) problems.Add($"{b.Function}: connection '{c}' has no SettingsCatalog entries.");
                foreach (var e in entries.Where(e => e.Source == SettingSource.Planned))
                    problems.Add($"{b.Function} now uses connection '{c}': change SettingsCatalog entry {e.Key} from Planned to Host.");
            }
            foreach (var r in b.SettingReferences)
            {
                var name = r.Replace(":", "__", StringComparison.Ordinal);
                if (!IsSet(name)) problems.Add($"{b.Function}: binding refers to %{r}% but the Bicep does not set {name}.");
                var key = r.Replace("__", ":", StringComparison.Ordinal);
                foreach (var e in catalog.Where(e => e.Source == SettingSource.Planned && string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)))
                    problems.Add($"{b.Function} now reads %{r}%: change SettingsCatalog entry {e.Key} from Planned.");
            }
        }

        // A host connection in the catalog that no binding uses is dead configuration (host storage is always used).
        var used = bindings.Select(b => b.Connection).OfType<string>().Append("AzureWebJobsStorage").ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var d in catalog.Where(d => d.Source == SettingSource.Host && d.Key.Contains(':', StringComparison.Ordinal)))
        {
            var connection = d.Key[..d.Key.IndexOf(':', StringComparison.Ordinal)];
            if (!used.Contains(connection)) problems.Add($"SettingsCatalog entry {d.Key} is a host connection no function.json uses.");
        }
        return problems;
    }

    public static bool IsKeyVaultReference(BVal value)
        => value is BStr s && s.Parts.Count > 0 && !s.Parts[0].IsHole && s.Parts[0].Text.StartsWith(KeyVaultReferencePrefix, StringComparison.Ordinal)
           && !s.Parts[^1].IsHole && s.Parts[^1].Text.EndsWith(')');

    public static string Show(BVal v) => v switch
    {
        BStr s => "'" + s.Render() + "'",
        BUnknown u => u.Text,
        BNum n => n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        BBool b => b.Value ? "true" : "false",
        _ => v.GetType().Name,
    };
}
