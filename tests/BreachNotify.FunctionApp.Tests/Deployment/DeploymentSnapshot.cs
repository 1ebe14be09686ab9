using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>One resource the deployment engine predicts, with its properties evaluated as far as they can be before
/// the deployment runs; the rest stay ARM expressions (<c>"[reference('…id…', 'api').clientId]"</c>).</summary>
public sealed record PredictedResource(string Id, string Type, string Name, JsonObject Json)
{
    /// <summary>The node at a dotted path, or null when absent.</summary>
    public JsonNode? Find(string path)
    {
        JsonNode? node = Json;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node)) return null;
        }
        return node;
    }

    /// <summary>The value at a dotted path as JSON text (strings unquoted), or "(absent)".</summary>
    public string Text(string path) => Find(path) switch
    {
        null => "(absent)",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var n => n.ToJsonString(),
    };

    /// <summary>The short name: the last segment of <see cref="Name"/>.</summary>
    public string ShortName => Name[(Name.LastIndexOf('/') + 1)..];
}

/// <summary>An app setting of the function app as predicted: a literal or an ARM expression.</summary>
public sealed record AppSetting(string Name, string Value);

/// <summary>A role assignment: the scope's resource id and the role come out of the evaluated id and properties.</summary>
public sealed record RoleAssignment(string? Scope, string RoleId, string RoleDefinitionId, string PrincipalId, string PrincipalType, string Name);

/// <summary>
/// What <c>bicep snapshot</c> writes for a parameter file: the compiled template expanded by the ARM deployment engine
/// for those parameters (loops, conditions, module parameters and outputs resolved), as the resources it would
/// deploy. Values known only at deployment time stay ARM expressions, which the checks compare as strings.
/// </summary>
public sealed partial class DeploymentSnapshot
{
    private readonly JsonObject _root;

    public DeploymentSnapshot(string json)
    {
        _root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("empty snapshot");
        Resources = _root["predictedResources"]!.AsArray().Select(n => n!.AsObject())
            .Select(o => new PredictedResource((string)o["id"]!, (string)o["type"]!, (string)o["name"]!, o)).ToList();
        Diagnostics = _root["diagnostics"]?.AsArray().Select(d => d!.ToJsonString()).ToList() ?? [];
    }

    public string Json => _root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public IReadOnlyList<PredictedResource> Resources { get; }

    /// <summary>What the engine could not expand (a loop over a value unknown before deployment, …).</summary>
    public IReadOnlyList<string> Diagnostics { get; }

    /// <summary>A copy with <paramref name="edit"/> applied to the snapshot JSON: how tests break a deployment on purpose.</summary>
    public DeploymentSnapshot With(Action<JsonObject> edit)
    {
        var copy = _root.DeepClone().AsObject();
        edit(copy);
        return new DeploymentSnapshot(copy.ToJsonString());
    }

    public IEnumerable<PredictedResource> OfType(string type) => Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public PredictedResource? ById(string id) => Resources.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of a type, or null when there is none or more than one.</summary>
    public PredictedResource? One(string type)
    {
        var all = OfType(type).Take(2).ToList();
        return all.Count == 1 ? all[0] : null;
    }

    public PredictedResource? Site => One("Microsoft.Web/sites");

    public PredictedResource? Identity => One("Microsoft.ManagedIdentity/userAssignedIdentities");

    /// <summary>The site's <c>properties.siteConfig.appSettings</c>. The engine leaves the whole array an expression
    /// when it cannot expand a loop in it; that is a failure of the template here (see <see cref="Diagnostics"/>).</summary>
    public IReadOnlyList<AppSetting> AppSettings
    {
        get
        {
            var node = Site?.Find("properties.siteConfig.appSettings");
            if (node is not JsonArray array)
                throw new InvalidOperationException($"The engine could not expand the app settings before deployment: {node?.ToJsonString() ?? "(none)"}");
            return array.Select(i => new AppSetting((string)i!["name"]!, i["value"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : i["value"]?.ToJsonString() ?? "")).ToList();
        }
    }

    public string? Setting(string name) => AppSettings.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    [GeneratedRegex(@"^\[extensionResourceId\('(?<scope>[^']+)', 'Microsoft\.Authorization/roleAssignments', ")]
    private static partial Regex ExtensionScope();

    public IReadOnlyList<RoleAssignment> RoleAssignments => OfType("Microsoft.Authorization/roleAssignments").Select(r =>
    {
        var scope = ExtensionScope().Match(r.Id);
        var definition = r.Text("properties.roleDefinitionId");
        return new RoleAssignment(scope.Success ? scope.Groups["scope"].Value : null, definition[(definition.LastIndexOf('/') + 1)..], definition,
            r.Text("properties.principalId"), r.Text("properties.principalType"), r.Name);
    }).ToList();
}

/// <summary>The ARM expressions the checks compare against (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions).</summary>
public static class Arm
{
    private const string ApiVersion = "'[0-9a-z-]+'";

    /// <summary>Whether <paramref name="value"/> is exactly the expression <c>[reference('&lt;resourceId&gt;', '&lt;api&gt;').&lt;property&gt;]</c>.</summary>
    public static bool IsReference(string? value, string resourceId, string property)
        => value is not null && Regex.IsMatch(value, @"^\[" + Reference(Regex.Escape(resourceId), Regex.Escape(property)) + @"\]$");

    /// <summary>The pattern of <c>reference('id', 'api').property</c> inside an expression (arguments already escaped).</summary>
    public static string Reference(string escapedId, string escapedProperty) => $@"reference\('{escapedId}', {ApiVersion}\)\.{escapedProperty}";

    /// <summary>A Key Vault reference app-setting value to the versionless URI of secret <paramref name="secretId"/>.</summary>
    public static bool IsKeyVaultReference(string? value, string secretId)
        => value is not null && Regex.IsMatch(value, @"^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', " + Reference(Regex.Escape(secretId), "secretUri") + @"\)\]$");

    /// <summary>The value is a Key Vault reference of any form (literal or formatted).</summary>
    public static bool LooksLikeKeyVaultReference(string value)
        => value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal) || value.StartsWith("[format('@Microsoft.KeyVault(", StringComparison.Ordinal);
}
