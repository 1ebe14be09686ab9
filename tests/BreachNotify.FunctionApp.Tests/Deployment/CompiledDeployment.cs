using System.Text.Json;
using BreachNotify.Application.Webhooks;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>
/// bicep/ compiled once for all deployment tests with the real Bicep CLI: <c>build</c>, <c>lint</c> and
/// <c>build-params</c> of the shipped files, and <c>snapshot</c> (the ARM engine's expansion of the compiled template)
/// for two parameter sets: the shipped example as a deployer would run it with only the required secrets, and one
/// that gives every optional parameter (all monitor sources, optional organisation fields, two API keys).
/// </summary>
public sealed class CompiledDeployment
{
    public static string BicepDirectory => Path.Combine(RepoPaths.Root, "bicep");

    /// <summary>Where the snapshots pretend to deploy (the engine needs a subscription and resource group).</summary>
    public static readonly string[] Target = ["--subscription-id", "00000000-0000-0000-0000-000000000001", "--resource-group", "rg-breachnotify", "--location", "westeurope"];

    // Stand-ins for the secrets main.bicepparam reads from the environment.
    public const string DpoKeySha256 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
    public const string SendGridApiKey = "SG.not-a-key";
    public const string WebhookCredentials = """{"github":"not-a-secret","alertmanager":"not-a-token"}""";

    public static IReadOnlyDictionary<string, string?> ExampleEnvironment(bool withWebhooks) => new Dictionary<string, string?>
    {
        ["DPO_KEY_SHA256"] = DpoKeySha256,
        ["SENDGRID_API_KEY"] = SendGridApiKey,
        ["WEBHOOK_CREDENTIALS"] = withWebhooks ? WebhookCredentials : null,
    };

    private static readonly Lazy<CompiledDeployment> Instance = new(() => new CompiledDeployment(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static CompiledDeployment Shared => Instance.Value;

    public BicepRun Build { get; }
    public BicepRun Lint { get; }
    public BicepRun BuildParams { get; }
    public BicepRun ExampleSnapshotRun { get; }
    public BicepRun FullSnapshotRun { get; }

    private readonly JsonElement? _template;
    private readonly JsonElement? _parameters;
    private readonly DeploymentSnapshot? _example;
    private readonly DeploymentSnapshot? _full;

    /// <summary>The compiled ARM template (main.json).</summary>
    public JsonElement Template => _template ?? throw new InvalidOperationException($"No compiled template. {Build}");

    /// <summary>The compiled parameter file (main.parameters.json) for <see cref="ExampleEnvironment"/> with webhooks.</summary>
    public JsonElement Parameters => _parameters ?? throw new InvalidOperationException($"No compiled parameters. {BuildParams}");

    /// <summary>main.bicepparam with only the required secrets in the environment: the smallest deployment.</summary>
    public DeploymentSnapshot Example => _example ?? throw new InvalidOperationException($"No snapshot. {ExampleSnapshotRun}");

    /// <summary>Every optional parameter given.</summary>
    public DeploymentSnapshot Full => _full ?? throw new InvalidOperationException($"No snapshot. {FullSnapshotRun}");

    // Each step runs even when an earlier one fails, so every test reports the compiler's own words.
    private CompiledDeployment()
    {
        var work = Path.Combine(Path.GetTempPath(), "bn-bicep-" + Guid.NewGuid().ToString("N"));
        try
        {
            var copy = CopyBicep(work);
            var main = Path.Combine(BicepDirectory, "main.bicep");
            Build = BicepCli.Run(BicepDirectory, null, "build", main, "--outfile", Path.Combine(work, "main.json"));
            Lint = BicepCli.Run(BicepDirectory, null, "lint", main);
            BuildParams = BicepCli.Run(BicepDirectory, ExampleEnvironment(withWebhooks: true), "build-params", Path.Combine(BicepDirectory, "main.bicepparam"), "--outfile", Path.Combine(work, "main.parameters.json"));
            _template = ReadJson(Path.Combine(work, "main.json"));
            _parameters = ReadJson(Path.Combine(work, "main.parameters.json"));

            (ExampleSnapshotRun, _example) = TrySnapshot(copy, "main.bicepparam", ExampleEnvironment(withWebhooks: false));
            File.WriteAllText(Path.Combine(copy, "full.bicepparam"), FullParameters());
            (FullSnapshotRun, _full) = TrySnapshot(copy, "full.bicepparam", null);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>A copy of bicep/ under <paramref name="work"/> (snapshot writes its output beside the parameter file).</summary>
    public static string CopyBicep(string work)
    {
        var copy = Path.Combine(work, "bicep");
        foreach (var file in Directory.GetFiles(BicepDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(BicepDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    /// <summary>Runs <c>bicep snapshot</c> on a parameter file in <paramref name="bicepDirectory"/> and reads the result.</summary>
    public static (BicepRun Run, DeploymentSnapshot Snapshot) Snapshot(string bicepDirectory, string parameterFile, IReadOnlyDictionary<string, string?>? environment)
    {
        var (run, snapshot) = TrySnapshot(bicepDirectory, parameterFile, environment);
        return (run, snapshot ?? throw new InvalidOperationException($"No snapshot. {run}"));
    }

    private static (BicepRun Run, DeploymentSnapshot? Snapshot) TrySnapshot(string bicepDirectory, string parameterFile, IReadOnlyDictionary<string, string?>? environment)
    {
        var run = BicepCli.Run(bicepDirectory, environment ?? ExampleEnvironment(withWebhooks: false), ["snapshot", parameterFile, .. Target]);
        var output = Path.Combine(bicepDirectory, Path.ChangeExtension(parameterFile, ".snapshot.json"));
        return (run, run.ExitCode == 0 && File.Exists(output) ? new DeploymentSnapshot(File.ReadAllText(output)) : null);
    }

    private static JsonElement? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    /// <summary>Resources of a compiled template: an object keyed by symbolic name (languageVersion 2.0) or an array.</summary>
    public static IEnumerable<(string Symbol, JsonElement Resource)> ResourcesOf(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => (p.Name, p.Value))
            : resources.EnumerateArray().Select(r => (r.GetProperty("name").GetString()!, r));
    }

    /// <summary>The modules of a compiled template: nested deployments with their own template.</summary>
    public static IEnumerable<(string Symbol, JsonElement Module)> Modules(JsonElement template)
        => ResourcesOf(template).Where(r => r.Resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments");

    public static bool Declares(JsonElement module, string type)
        => ResourcesOf(module.GetProperty("properties").GetProperty("template")).Any(r => r.Resource.GetProperty("type").GetString() == type);

    /// <summary>Monitor sources as app-setting keys: no hyphen (Linux), matched by the app ignoring '-' and '_'.</summary>
    public static IReadOnlyList<string> WebhookSourceKeys => WebhookSourceNames.All.Select(n => n.Replace("-", "", StringComparison.Ordinal)).ToList();

    private static string FullParameters()
    {
        var sources = string.Join(", ", WebhookSourceKeys.Select(s => $"'{s}'"));
        var credentials = string.Join("\n  ", WebhookSourceKeys.Select(s => $"{s}: 'credential-of-{s}'"));
        return $$"""
            using 'main.bicep'

            param name = 'breachnotify'
            param organisation = {
              name: 'Example B.V.'
              dpoName: 'Data Protection Officer'
              dpoEmail: 'dpo@example.org'
              dpoPhone: '+31 20 000 0000'
              leadAuthority: 'NL'
              timeZone: 'Europe/Amsterdam'
              authorityNoticeEmail: 'meldingen@example.org'
              dashboardUrl: 'https://breaches.example.org/api/ui/'
            }
            param apiKeys = [
              { name: 'dpo', role: 'dpo', keySha256: '{{DpoKeySha256}}' }
              { name: 'dashboard', role: 'viewer', keySha256: '{{new string('0', 64)}}' }
            ]
            param sendGridApiKey = '{{SendGridApiKey}}'
            param webhookSources = [{{sources}}]
            param webhookCredentials = {
              {{credentials}}
            }
            """;
    }
}
