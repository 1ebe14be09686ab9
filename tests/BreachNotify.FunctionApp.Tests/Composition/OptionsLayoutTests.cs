using System.Reflection;
using BreachNotify.FunctionApp.Composition;
using BreachNotify.FunctionApp.Hosting;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Tests.Composition;

/// <summary>
/// One options story: every settings class is named <c>*Options</c>, lives in a file of its own named after it, and
/// each is bound from configuration once, by the composition of the feature that owns it.
/// </summary>
public sealed class OptionsLayoutTests
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(Domain.Incidents.Incident).Assembly,
        typeof(Application.Incidents.IncidentService).Assembly,
        typeof(Adapters.Sqlite.SqliteTableStoreOptions).Assembly,
        typeof(FunctionAppComposition).Assembly,
    ];

    private static IEnumerable<Type> OptionsTypes()
        => Assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsClass && !t.IsNested && t.Name.EndsWith("Options", StringComparison.Ordinal) && !t.Name.StartsWith('<'));

    [Fact]
    public void Every_options_class_is_in_a_file_named_after_it_and_alone_there()
    {
        // Each source read once: path → text.
        var sources = Directory.GetFiles(Path.Combine(RepoPaths.Root, "functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);
        var problems = new List<string>();
        foreach (var type in OptionsTypes())
        {
            var declaration = new System.Text.RegularExpressions.Regex($@"\b(class|record)\s+{type.Name}\b");
            var declaring = sources.Where(f => declaration.IsMatch(f.Value)).Select(f => f.Key).ToList();
            if (declaring.Count != 1 || Path.GetFileNameWithoutExtension(declaring[0]) != type.Name)
                problems.Add($"{type.Name}: declared in {string.Join(", ", declaring.Select(Path.GetFileName))}");
        }
        Assert.True(OptionsTypes().Count() > 20, "found too few options classes to trust the scan");
        Assert.Empty(problems);
    }

    [Fact]
    public void Each_options_class_is_bound_from_configuration_once()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddBreachNotify(configuration, HostingMode.StandaloneMode);

        // Binding registers a ConfigurationChangeTokenSource per bound options type.
        var bound = services.Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .GroupBy(d => d.ServiceType.GetGenericArguments()[0])
            .ToList();
        Assert.Contains(bound, g => g.Key == typeof(Application.Deadlines.DeadlineOptions));
        Assert.All(bound, g => Assert.True(g.Count() == 1, $"{g.Key.Name} is bound {g.Count()} times"));
        Assert.All(bound, g => Assert.EndsWith("Options", g.Key.Name, StringComparison.Ordinal));
    }
}
