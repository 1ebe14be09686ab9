using System.Text.Json;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>bicep/ compiles with the real Bicep CLI with nothing to say: no error, no warning, no linter finding.</summary>
public sealed class BicepCompileTests
{
    private static CompiledDeployment Compiled => CompiledDeployment.Shared;

    /// <summary>Clean means exit code 0 and no output at all: the CLI prints warnings and linter findings but still
    /// exits 0 for them, so the output is what makes warnings errors here.</summary>
    private static void AssertClean(BicepRun run) => Assert.True(run.ExitCode == 0 && run.Output.Length == 0, run.ToString());

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_Bicep_CLI_is_the_one_restored_from_NuGet_and_runs()
    {
        Assert.EndsWith($"/azure.bicep.commandline.linux-x64/{BicepCli.Version}/tools/bicep", BicepCli.Executable, StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(BicepCli.Executable).HasFlag(UnixFileMode.UserExecute));
        var run = BicepCli.Run(Path.GetTempPath(), null, "--version");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"Bicep CLI version {BicepCli.Version} ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Main_bicep_builds_without_errors_or_warnings() => AssertClean(Compiled.Build);

    [Fact]
    public void Main_bicepparam_builds_without_errors_or_warnings() => AssertClean(Compiled.BuildParams);

    [Fact]
    public void Lint_finds_nothing() => AssertClean(Compiled.Lint);

    [Fact]
    public void The_deployment_engine_expands_both_parameter_sets_completely()
    {
        foreach (var (run, snapshot) in new[] { (Compiled.ExampleSnapshotRun, Compiled.Example), (Compiled.FullSnapshotRun, Compiled.Full) })
        {
            AssertClean(run);
            Assert.Empty(snapshot.Diagnostics);
            Assert.True(snapshot.AppSettings.Count >= 25, $"{snapshot.AppSettings.Count} app settings");
        }
    }

    [Fact]
    public void The_defects_of_the_first_templates_are_reported_and_a_warning_alone_fails_the_clean_check()
    {
        // What bicep/ looked like before it was first compiled: a for-expression inside flatten() (BCP138) and
        // minimumTlsVersion on a Service Bus API version without it (BCP037, a warning: the build still exits 0).
        var dir = Directory.CreateTempSubdirectory("bn-bicep-defects-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "error.bicep"), """
                param apiKeys array
                var apiKeySettings = flatten([for (k, i) in apiKeys: [
                  { name: 'Auth__ApiKeys__${i}__Name', value: k.name }
                ]])
                output settings array = apiKeySettings
                """);
            File.WriteAllText(Path.Combine(dir, "warning.bicep"), """
                resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
                  name: 'sb-example'
                  location: resourceGroup().location
                  sku: { name: 'Standard', tier: 'Standard' }
                  properties: { disableLocalAuth: true, minimumTlsVersion: '1.2' }
                }
                """);
            var error = BicepCli.Run(dir, null, "build", "error.bicep", "--stdout");
            Assert.NotEqual(0, error.ExitCode);
            var bcp138 = Assert.Single(error.Diagnostics, d => d.Code == "BCP138");
            Assert.Equal(("Error", 2, 31), (bcp138.Level, bcp138.Line, bcp138.Column));

            var warning = BicepCli.Run(dir, null, "build", "warning.bicep", "--stdout");
            Assert.Equal(0, warning.ExitCode);
            Assert.Contains(warning.Diagnostics, d => d is { Code: "BCP037", Level: "Warning" } && d.Message.Contains("minimumTlsVersion", StringComparison.Ordinal));
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertClean(warning));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Secrets_reach_the_deployment_from_the_environment_never_from_the_parameter_file()
    {
        Assert.Equal(["sendGridApiKey", "webhookCredentials"], DeploymentConsistencyTests.SecureParameters.Order());

        // build-params ran with stand-in values in SENDGRID_API_KEY, WEBHOOK_CREDENTIALS and DPO_KEY_SHA256: what
        // the compiled parameters hold is exactly those, so main.bicepparam takes them from there.
        var given = Compiled.Parameters.GetProperty("parameters");
        string Value(string name) => JsonSerializer.Serialize(given.GetProperty(name).GetProperty("value"));
        Assert.Equal(JsonSerializer.Serialize(CompiledDeployment.SendGridApiKey), Value("sendGridApiKey"));
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(CompiledDeployment.WebhookCredentials).RootElement), Value("webhookCredentials"));
        Assert.Equal("""["alertmanager","github"]""", JsonSerializer.Serialize(given.GetProperty("webhookSources").GetProperty("value")));
        Assert.Equal(CompiledDeployment.DpoKeySha256, given.GetProperty("apiKeys").GetProperty("value")[0].GetProperty("keySha256").GetString());
        var file = File.ReadAllText(Path.Combine(CompiledDeployment.BicepDirectory, "main.bicepparam"));
        Assert.DoesNotContain(CompiledDeployment.SendGridApiKey, file, StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_app_waits_for_its_role_assignments()
    {
        // The host reads its storage and resolves Key Vault references with the identity as soon as the site exists.
        var modules = CompiledDeployment.Modules(Compiled.Template).ToList();
        var app = Assert.Single(modules, m => CompiledDeployment.Declares(m.Module, "Microsoft.Web/sites"));
        var roleModules = modules.Where(m => CompiledDeployment.Declares(m.Module, "Microsoft.Authorization/roleAssignments")).Select(m => m.Symbol).ToList();
        Assert.NotEmpty(roleModules);
        var dependsOn = app.Module.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.All(roleModules, m => Assert.Contains(m, dependsOn));
    }
}
