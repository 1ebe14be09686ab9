using System.Text.Json;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// Standalone runs read local.settings.json's "Values" like the Functions tooling does, so one file configures
/// both ways of running locally. Environment variables and command-line arguments still win.
/// </summary>
public static class LocalSettings
{
    public const string FileName = "local.settings.json";

    public static void AddIfPresent(ConfigurationManager configuration, string contentRoot)
    {
        var file = FindUpwards(contentRoot);
        if (file is null) return;
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        if (!doc.RootElement.TryGetProperty("Values", out var values)) return;
        var settings = new Dictionary<string, string?>();
        foreach (var p in values.EnumerateObject())
            settings[p.Name.Replace("__", ":", StringComparison.Ordinal)] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
        // Insert below environment and command line: later sources override earlier ones.
        var sources = ((IConfigurationBuilder)configuration).Sources;
        var index = sources.ToList().FindLastIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource);
        var source = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = settings };
        if (index < 0) sources.Add(source); else sources.Insert(index, source);
    }

    private static string? FindUpwards(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate)) return candidate;
            if (File.Exists(Path.Combine(dir.FullName, "BreachNotify.sln"))) return null; // stop at the repo root
        }
        return null;
    }
}
