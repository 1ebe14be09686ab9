using System.Text.Json;

namespace BreachNotify.FunctionApp.Functions;

/// <summary>One function of the Function app as declared by its folder's function.json.</summary>
public sealed record FunctionDefinition(string Name, string TriggerType, string? Route, IReadOnlyList<string> Methods, string? Schedule, string? QueueName, string? Connection, string? AuthLevel, IReadOnlyList<string> BindingTypes);

public sealed class FunctionAppOptions
{
    public const string SectionName = "FunctionApp";

    /// <summary>Folder holding host.json and the function folders; found automatically when empty.</summary>
    public string? Root { get; set; }
}

/// <summary>
/// Reads host.json's neighbours: one folder per function with its function.json. Standalone, timer schedules
/// come from here so both hosting modes run the same schedule.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(string root, IReadOnlyList<FunctionDefinition> functions)
    {
        Root = root;
        Functions = functions;
    }

    public string Root { get; }
    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public FunctionDefinition? Find(string name) => Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    /// <summary>Candidates: configured root; the build output copy (functionapp/); the package layout (handler in a subfolder of the app root).</summary>
    public static FunctionCatalog Load(string? configuredRoot)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configuredRoot)) candidates.Add(Path.GetFullPath(configuredRoot));
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "functionapp"));
        candidates.Add(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..")));
        var root = candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "host.json")))
            ?? throw new InvalidOperationException("Function app root (host.json) not found; set FunctionApp:Root.");
        return new FunctionCatalog(root, ReadFunctions(root));
    }

    public static IReadOnlyList<FunctionDefinition> ReadFunctions(string root)
    {
        var list = new List<FunctionDefinition>();
        foreach (var dir in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
        {
            var file = Path.Combine(dir, "function.json");
            if (!File.Exists(file)) continue;
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var bindings = doc.RootElement.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = bindings.First(b => b.GetProperty("direction").GetString() == "in" && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? Get(JsonElement e, string p) => e.TryGetProperty(p, out var v) ? v.GetString() : null;
            var methods = trigger.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : [];
            list.Add(new FunctionDefinition(
                Path.GetFileName(dir),
                trigger.GetProperty("type").GetString()!,
                Get(trigger, "route"),
                methods,
                Get(trigger, "schedule"),
                Get(trigger, "queueName"),
                Get(trigger, "connection"),
                Get(trigger, "authLevel"),
                bindings.Select(b => b.GetProperty("type").GetString()!).ToList()));
        }
        return list;
    }
}
