using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using BreachNotify.FunctionApp.Composition;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>The catalog cannot drift from the code: it lists exactly the bindable properties of every options class
/// (found by reflection), and the app enforces it at start-up in Azure.</summary>
public sealed partial class SettingsCatalogTests
{
    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();

    private static string Normal(string key) => Placeholder().Replace(key, "{}").ToUpperInvariant();

    private static IEnumerable<Assembly> AppAssemblies()
    {
        var handler = typeof(SettingsCatalog).Assembly;
        return handler.GetReferencedAssemblies().Where(a => a.Name!.StartsWith("BreachNotify.", StringComparison.Ordinal))
            .Select(Assembly.Load).Append(handler).Distinct();
    }

    /// <summary>Configuration keys of every options class (a class with a public <c>const string SectionName</c>).</summary>
    public static Dictionary<string, string> OptionsKeys()
    {
        var keys = new Dictionary<string, string>();
        foreach (var s in OptionsSettings()) keys[Normal(s.Key)] = $"{s.Key} ({s.Owner.Name})";
        return keys;
    }

    /// <summary>One bindable setting of an options class: its key (with placeholders), the scalar type it binds to, the class.</summary>
    public sealed record OptionsSetting(string Key, Type Type, Type Owner);

    public static IEnumerable<OptionsSetting> OptionsSettings()
    {
        foreach (var type in AppAssemblies().SelectMany(a => a.GetTypes()))
        {
            var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static);
            if (field is not { IsLiteral: true } || field.FieldType != typeof(string)) continue;
            foreach (var (k, t) in KeysOf(type, (string)field.GetRawConstantValue()!, 0)) yield return new OptionsSetting(k, t, type);
        }
    }

    private static bool IsScalar(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
        || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Guid) || t == typeof(Uri);

    // What Microsoft.Extensions.Configuration.Binder binds: public settable properties, scalars, lists (index keys),
    // string-keyed dictionaries, and nested classes. Types from outside the app (e.g. a TimeProvider) are not bound.
    private static IEnumerable<(string Key, Type Type)> KeysOf(Type type, string prefix, int depth)
    {
        if (depth > 6) throw new InvalidOperationException("Options nest too deep: " + prefix);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.SetMethod is not { IsPublic: true } || p.GetIndexParameters().Length > 0) continue;
            foreach (var k in KeysOfValue(p.PropertyType, prefix + ":" + p.Name, depth)) yield return k;
        }
    }

    private static IEnumerable<(string Key, Type Type)> KeysOfValue(Type type, string key, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(t)) return [(key, t)];
        var dict = t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dict is not null && dict.GetGenericArguments()[0] == typeof(string)) return KeysOfValue(dict.GetGenericArguments()[1], key + ":{key}", depth + 1);
        var element = t.IsArray ? t.GetElementType() : t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (element is not null) return KeysOfValue(element, key + ":{n}", depth + 1);
        if (t.IsClass && t.Namespace?.StartsWith("BreachNotify.", StringComparison.Ordinal) == true) return KeysOf(t, key, depth + 1);
        return [];
    }

    [Fact]
    public void Reflection_finds_the_known_options()
    {
        var keys = OptionsKeys();
        Assert.Contains(Normal("Storage:Tables:Endpoint"), keys.Keys);
        Assert.Contains(Normal("Auth:ApiKeys:{n}:KeySha256"), keys.Keys);
        Assert.Contains(Normal("Webhooks:ReplayWindow"), keys.Keys);
    }

    [Fact]
    public void Every_options_property_is_catalogued_and_every_catalogued_options_key_exists()
    {
        var code = OptionsKeys();
        var catalog = SettingsCatalog.All.ToDictionary(s => Normal(s.Key));
        var missing = code.Where(k => !catalog.ContainsKey(k.Key)).Select(k => $"{k.Value} is bound from configuration but not in SettingsCatalog.").ToList();
        var stale = SettingsCatalog.All.Where(s => s.Source == SettingSource.Options && !code.ContainsKey(Normal(s.Key))).Select(s => $"{s.Key} is catalogued as Options but no options class has it.").ToList();
        var nowBound = SettingsCatalog.All.Where(s => s.Source is SettingSource.Planned or SettingSource.Direct or SettingSource.Host && code.ContainsKey(Normal(s.Key)))
            .Select(s => $"{s.Key} is catalogued as {s.Source} but is now bound by {code[Normal(s.Key)]}: change it to Options.").ToList();
        var problems = missing.Concat(stale).Concat(nowBound).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Catalog_entries_are_unique_and_well_formed()
    {
        Assert.Equal(SettingsCatalog.All.Count, SettingsCatalog.All.Select(s => Normal(s.Key)).Distinct().Count());
        Assert.All(SettingsCatalog.All.Where(s => s.Azure == AzureProvisioning.Required), s => Assert.False(s.HasPlaceholder, s.Key));
        Assert.All(SettingsCatalog.All.Where(s => s.AzureValue is not null), s => Assert.Equal(AzureProvisioning.Required, s.Azure));
        Assert.All(SettingsCatalog.All, s => Assert.DoesNotContain("__", s.Key, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_setting_in_the_local_sample_is_catalogued()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var names = doc.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
            Assert.True(SettingsCatalog.All.Any(d => DeploymentChecks.Matches(d, name)), $"local.settings.sample.json has {name}, which is not in SettingsCatalog.");
    }

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static Dictionary<string, string?> CompleteAzureSettings() => SettingsCatalog.All
        .Where(s => s.Azure == AzureProvisioning.Required)
        .ToDictionary(s => s.Key, s => (string?)(s.AzureValue ?? "x"));

    [Fact]
    public void Azure_check_names_each_missing_or_wrong_setting_and_passes_when_complete()
    {
        Assert.Empty(SettingsCatalog.AzureProblems(Config(CompleteAzureSettings())));

        var incomplete = CompleteAzureSettings();
        incomplete.Remove("Storage:Tables:Endpoint");
        incomplete["Storage:Provider"] = "Sqlite";
        var problems = SettingsCatalog.AzureProblems(Config(incomplete));
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Storage:Tables:Endpoint (Storage__Tables__Endpoint) is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Storage:Provider (Storage__Provider) must be AzureTables", StringComparison.Ordinal));
    }

    [Fact]
    public void Outside_Azure_nothing_is_required()
    {
        Assert.False(SettingsCatalog.IsAzure(Config([])));
        Assert.True(SettingsCatalog.IsAzure(Config(new() { [SettingsCatalog.AzureMarker] = "func-x" })));
        using var factory = new BreachNotifyFactory();
        _ = factory.Server; // starts: the existing tests run the same way
    }

    [Fact]
    public void In_Azure_the_app_refuses_to_start_without_its_required_settings()
    {
        using var factory = new BreachNotifyFactory();
        factory.Settings[SettingsCatalog.AzureMarker] = "func-breachnotify";
        var ex = Assert.IsType<OptionsValidationException>(factory.StartupFailure());
        Assert.Contains("Storage:Provider (Storage__Provider) must be AzureTables", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_CLIENT_ID (AZURE_CLIENT_ID) is required in Azure", ex.Message, StringComparison.Ordinal);
    }
}
