using System.Text.Json;
using BreachNotify.FunctionApp.Composition;
using BreachNotify.FunctionApp.Tests.Deployment.Bicep;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>The parser and the checks on inputs broken on purpose: each check fails when it should.</summary>
public sealed class BicepCheckerTests
{
    private static readonly IReadOnlyList<BicepAppSetting> Real = DeploymentModel.AppSettings(DeploymentModel.Load());

    private static List<BicepAppSetting> Without(string name) => Real.Where(s => s.Display != name).ToList();

    private static BicepAppSetting Plain(string name, string value) => new(BStr.Of(name), BStr.Of(value), false);

    [Fact]
    public void A_required_setting_missing_from_the_bicep_is_reported()
    {
        var problems = BicepConsistency.SettingProblems(SettingsCatalog.All, Without("Storage__Tables__Endpoint"));
        Assert.Equal(["Storage__Tables__Endpoint is required in Azure (Table endpoint (Entra ID auth)) but the Bicep does not always set it."], problems);
    }

    [Fact]
    public void A_required_setting_set_only_conditionally_is_reported()
    {
        var settings = Without("Queue__Name").Append(new BicepAppSetting(BStr.Of("Queue__Name"), BStr.Of("notices"), Conditional: true)).ToList();
        Assert.Contains(BicepConsistency.SettingProblems(SettingsCatalog.All, settings), p => p.StartsWith("Queue__Name is required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_fixed_value_an_unread_setting_a_standalone_setting_and_a_Flex_forbidden_setting_are_reported()
    {
        var settings = Without("Storage__Provider")
            .Append(Plain("Storage__Provider", "Sqlite"))
            .Append(Plain("Storage__Tables__Endpont", "typo"))
            .Append(Plain("Storage__Sqlite__Path", "/tmp/x.db"))
            .Append(Plain("FUNCTIONS_WORKER_RUNTIME", "custom"))
            .ToList();
        var problems = BicepConsistency.SettingProblems(SettingsCatalog.All, settings);
        Assert.Contains("Storage__Provider must be 'AzureTables' in Azure, the Bicep sets 'Sqlite'.", problems);
        Assert.Contains("Storage__Tables__Endpont is set by the Bicep but nothing reads it (not in SettingsCatalog).", problems);
        Assert.Contains(problems, p => p.StartsWith("Storage__Sqlite__Path is set by the Bicep but is read only standalone", StringComparison.Ordinal));
        Assert.Contains("FUNCTIONS_WORKER_RUNTIME must not be set on Flex Consumption.", problems);
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void A_secret_as_a_plain_value_and_a_missing_parameter_setting_are_reported()
    {
        var settings = Without("SendGrid__ApiKey").Append(Plain("SendGrid__ApiKey", "SG.literal")).Where(s => !s.Display.StartsWith("Auth__", StringComparison.Ordinal)).ToList();
        var problems = BicepConsistency.SettingProblems(SettingsCatalog.All, settings);
        Assert.Contains("SendGrid__ApiKey is a secret: its value must be a Key Vault reference, not 'SG.literal'.", problems);
        Assert.Contains(problems, p => p.StartsWith("Auth__ApiKeys__{n}__KeySha256 must be settable", StringComparison.Ordinal));
    }

    private static FunctionBinding Binding(string function, string type, string? connection, params string[] refs)
        => new(function, type, connection, refs, JsonDocument.Parse("{}").RootElement);

    [Fact]
    public void A_binding_connection_without_settings_and_an_unset_setting_reference_are_reported()
    {
        var bindings = new[] { Binding("Audit", "serviceBusTrigger", "AuditBus", "Audit__Queue") };
        var problems = BicepConsistency.ConnectionProblems(bindings, SettingsCatalog.All, Real);
        Assert.Contains("Audit: binding connection 'AuditBus' needs app setting AuditBus__fullyQualifiedNamespace.", problems);
        Assert.Contains("Audit: binding connection 'AuditBus' needs app setting AuditBus__clientId.", problems);
        Assert.Contains("Audit: connection 'AuditBus' has no SettingsCatalog entries.", problems);
        Assert.Contains("Audit: binding refers to %Audit__Queue% but the Bicep does not set Audit__Queue.", problems);
    }

    [Fact]
    public void A_planned_connection_coming_into_use_asks_for_the_catalog_to_be_updated()
    {
        var bindings = new[] { Binding("SendNotice", "serviceBusTrigger", "ServiceBusConnection", "Queue__Name") };
        // The catalog as it was before SendNotice existed (the real one now says Host / Options).
        var planned = SettingsCatalog.All.Select(s => s.Key.StartsWith("ServiceBusConnection:", StringComparison.Ordinal) || s.Key == "Queue:Name" ? s with { Source = SettingSource.Planned } : s).ToList();
        var problems = BicepConsistency.ConnectionProblems(bindings, planned, Real);
        Assert.Contains("SendNotice now uses connection 'ServiceBusConnection': change SettingsCatalog entry ServiceBusConnection:fullyQualifiedNamespace from Planned to Host.", problems);
        Assert.Contains("SendNotice now reads %Queue__Name%: change SettingsCatalog entry Queue:Name from Planned.", problems);
        Assert.DoesNotContain(problems, p => p.Contains("needs app setting", StringComparison.Ordinal)); // the Bicep has them
    }

    [Fact]
    public void Setting_names_with_holes_match_placeholders()
    {
        var looped = new BicepAppSetting(new BStr([new("Auth__ApiKeys__", false), new("i", true), new("__Role", false)]), BStr.Of("dpo"), true);
        Assert.Equal(["Auth", "ApiKeys", null, "Role"], looped.Segments);
        Assert.True(looped.Matches(SettingsCatalog.All.Single(s => s.Key == "Auth:ApiKeys:{n}:Role")));
        Assert.False(looped.Matches(SettingsCatalog.All.Single(s => s.Key == "Auth:ApiKeys:{n}:Name")));
        Assert.False(Plain("Auth__ApiKeys__x__Role", "dpo").Matches(SettingsCatalog.All.Single(s => s.Key == "Auth:ApiKeys:{n}:Role")));
        Assert.True(Plain("Auth__ApiKeys__12__Role", "dpo").Matches(SettingsCatalog.All.Single(s => s.Key == "Auth:ApiKeys:{n}:Role")));
    }

    [Fact]
    public void The_parser_reads_interpolation_loops_decorators_and_comments()
    {
        var decls = BicepParser.ParseFile("""
            // comment
            @secure()
            @description('a \'quoted\' text')
            param key string
            param n int = 3 /* inline */
            var items = [for (k, i) in list: {
              name: 'A__${i}__B'
              value: concat('x', k.name)
            }]
            var o = { a: 1, 'b-c': cond ? [ 1 ] : [] }
            resource r 'Microsoft.X/y@2024-01-01' existing = {
              name: 'r-${toLower(key)}'
            }
            """);
        Assert.Equal(["key", "n", "items", "o", "r"], decls.Select(d => d.Name));
        Assert.True(decls[0].IsSecure);
        Assert.Equal("string", decls[0].Type);
        Assert.Equal(new NumExpr(3), decls[1].Value);
        var loop = Assert.IsType<ForExpr>(decls[2].Value);
        Assert.Equal(("k", "i"), (loop.Item, loop.Index));
        var body = Assert.IsType<ObjExpr>(loop.Body);
        Assert.Equal("'A__${i}__B'", BicepParser.Print(body.Props[0].Value));
        Assert.True(decls[4].Existing);
        Assert.Equal("Microsoft.X/y", decls[4].ResourceType);
        Assert.Equal("2024-01-01", decls[4].ApiVersion);
        Assert.Equal("'r-${toLower(key)}'", BicepParser.Print(((ObjExpr)decls[4].Value!).Props[0].Value));
    }

    [Theory]
    [InlineData("func f() string => 'x'\n")]
    [InlineData("var x = '''multi'''\n")]
    [InlineData("var x = { a: 1 b: 2 }\n")]
    [InlineData("resource r 'Microsoft.X/y' = {}\n")]
    [InlineData("var x = 'unterminated\n")]
    public void Constructs_outside_the_subset_are_errors_not_skipped(string source)
        => Assert.Throws<BicepParseException>(() => BicepParser.ParseFile(source));
}
