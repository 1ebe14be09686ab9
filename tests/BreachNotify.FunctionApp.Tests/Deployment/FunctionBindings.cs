using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>A binding as the Functions host reads it: its type, connection and the %setting% names it refers to.</summary>
public sealed record FunctionBinding(string Function, string Type, string? Connection, IReadOnlyList<string> SettingReferences, JsonElement Json);

public static class FunctionBindings
{
    /// <summary>Every binding the host will index: the <c>functions.metadata</c> the isolated worker's Sdk writes into the
    /// build output (a <c>bindings</c> array per function).</summary>
    public static IReadOnlyList<FunctionBinding> Load()
    {
        var metadata = Path.Combine(RepoPaths.AppOutput, "functions.metadata");
        if (!File.Exists(metadata)) throw new FileNotFoundException("The build wrote no functions.metadata.", metadata);
        using var doc = JsonDocument.Parse(File.ReadAllText(metadata));
        var list = new List<FunctionBinding>();
        foreach (var function in doc.RootElement.EnumerateArray())
            list.AddRange(Read(function.GetProperty("name").GetString()!, function.GetProperty("bindings")));
        return list;
    }

    public static IEnumerable<FunctionBinding> Read(string function, JsonElement bindings)
    {
        foreach (var b in bindings.EnumerateArray())
        {
            var refs = new List<string>();
            foreach (var p in b.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                var v = p.Value.GetString()!;
                // "%Name%" resolves an app setting (https://learn.microsoft.com/azure/azure-functions/functions-bindings-expressions-patterns#binding-expressions---app-settings)
                if (v.Length > 2 && v[0] == '%' && v[^1] == '%') refs.Add(v[1..^1]);
            }
            var connection = b.TryGetProperty("connection", out var c) ? c.GetString() : null;
            yield return new FunctionBinding(function, b.GetProperty("type").GetString()!, connection, refs, b.Clone());
        }
    }
}
