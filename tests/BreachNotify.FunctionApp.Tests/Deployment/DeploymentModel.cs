using System.Text.Json;
using BreachNotify.FunctionApp.Composition;
using BreachNotify.FunctionApp.Tests.Deployment.Bicep;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>One app setting as the Bicep writes it: its name (maybe with holes, e.g. from a loop index), its value,
/// and whether every deployment has it (not from a loop or a ternary).</summary>
public sealed record BicepAppSetting(BStr Name, BVal Value, bool Conditional)
{
    /// <summary>Segments split at "__"; a segment with a hole is null (matches anything).</summary>
    public IReadOnlyList<string?> Segments
    {
        get
        {
            var segments = new List<string?>();
            var current = "";
            var hole = false;
            foreach (var part in Name.Parts)
            {
                if (part.IsHole) { hole = true; continue; }
                var pieces = part.Text.Split("__");
                for (var i = 0; i < pieces.Length; i++)
                {
                    if (i > 0)
                    {
                        segments.Add(hole ? null : current);
                        current = "";
                        hole = false;
                    }
                    current += pieces[i];
                }
            }
            segments.Add(hole ? null : current);
            return segments;
        }
    }

    public string Display => Name.Render();

    /// <summary>Whether this setting can be the catalog entry: same segments; a catalog placeholder matches anything
    /// ({n}: digits only), a hole in the Bicep name matches anything.</summary>
    public bool Matches(SettingDefinition definition)
    {
        var mine = Segments;
        var theirs = definition.Key.Split(':');
        if (mine.Count != theirs.Length) return false;
        for (var i = 0; i < theirs.Length; i++)
        {
            var want = theirs[i];
            var have = mine[i];
            if (have is null) continue;
            if (want == "{n}") { if (!have.All(char.IsAsciiDigit) || have.Length == 0) return false; continue; }
            if (want.StartsWith('{')) continue;
            if (!string.Equals(want, have, StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }
}

/// <summary>A binding from a function.json: its type, connection and the %setting% names it refers to.</summary>
public sealed record FunctionBinding(string Function, string Type, string? Connection, IReadOnlyList<string> SettingReferences, JsonElement Json);

public static class DeploymentModel
{
    public static string BicepDirectory => Path.Combine(RepoPaths.Root, "bicep");

    public static BicepScope Load() => BicepDeployment.Load(BicepDirectory);

    public static (Declaration Decl, BObj Body) FunctionAppSite(BicepScope root)
        => root.Modules().SelectMany(m => m.Scope.Resources("Microsoft.Web/sites")).Single();

    public static BicepScope FunctionAppModule(BicepScope root)
        => root.Modules().Single(m => m.Scope.Resources("Microsoft.Web/sites").Any()).Scope;

    /// <summary>The app settings: the site's <c>properties.siteConfig.appSettings</c>, an array of { name, value }.</summary>
    public static IReadOnlyList<BicepAppSetting> AppSettings(BicepScope root)
    {
        var (_, body) = FunctionAppSite(root);
        var array = (BArr)body.Path("properties.siteConfig.appSettings");
        return array.Items.Select(i =>
        {
            var o = (BObj)i.Value;
            return new BicepAppSetting((BStr)o["name"]!, o["value"]!, i.Conditional);
        }).ToList();
    }

    public static IReadOnlyList<FunctionBinding> Bindings(string functionAppRoot)
    {
        var list = new List<FunctionBinding>();
        foreach (var dir in Directory.GetDirectories(functionAppRoot).OrderBy(d => d, StringComparer.Ordinal))
        {
            var file = Path.Combine(dir, "function.json");
            if (!File.Exists(file)) continue;
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var b in doc.RootElement.GetProperty("bindings").EnumerateArray())
            {
                var refs = new List<string>();
                foreach (var p in b.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    var v = p.Value.GetString()!;
                    // "%Name%" resolves an app setting (https://learn.microsoft.com/azure/azure-functions/functions-bindings-expressions-patterns#binding-expressions---app-settings)
                    if (v.Length > 2 && v[0] == '%' && v[^1] == '%') refs.Add(v[1..^1]);
                }
                var connection = b.TryGetProperty("connection", out var c) ? c.GetString() : null;
                list.Add(new FunctionBinding(Path.GetFileName(dir), b.GetProperty("type").GetString()!, connection, refs, b.Clone()));
            }
        }
        return list;
    }
}
