using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace BreachNotify.FunctionApp.Tests.Deployment;

/// <summary>One run of the Bicep CLI: exit code and everything it printed.</summary>
public sealed record BicepRun(string Command, int ExitCode, string Output)
{
    public IReadOnlyList<BicepDiagnostic> Diagnostics => BicepDiagnostic.Parse(Output);

    /// <summary>For assertion messages.</summary>
    public override string ToString() => $"bicep {Command} exited {ExitCode}:\n{Output}";
}

/// <summary>A compiler or linter diagnostic as the CLI prints it: <c>file(line,col) : Level CODE: message</c>.</summary>
public sealed partial record BicepDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    [GeneratedRegex(@"^(?<file>.+?)\((?<line>\d+),(?<col>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:\s]+): (?<message>.*)$", RegexOptions.Multiline)]
    private static partial Regex Pattern();

    public static IReadOnlyList<BicepDiagnostic> Parse(string output) => Pattern().Matches(output.Replace("\r", "", StringComparison.Ordinal))
        .Select(m => new BicepDiagnostic(m.Groups["file"].Value, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(m.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["level"].Value, m.Groups["code"].Value, m.Groups["message"].Value))
        .ToList();
}

/// <summary>
/// The Bicep compiler restored from NuGet (Azure.Bicep.CommandLine.linux-x64, tools/bicep), located through the path
/// the build records (GeneratePathProperty in the test project). Nothing installed by hand.
/// </summary>
public static class BicepCli
{
    public const string Version = "0.49.2";

    public static string Executable { get; } = Locate();

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "BicepExecutable")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new InvalidOperationException($"The Bicep CLI was not restored (expected Azure.Bicep.CommandLine.linux-x64's tools/bicep, got '{path}'). Run dotnet restore.");
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The restored Bicep CLI package is linux-x64 (CI and the dev machines).");
        // A package is a zip: the executable bit survives only if the NuGet client keeps Unix modes. Restore it if not.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute)) File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Runs <c>bicep args</c> in <paramref name="workingDirectory"/> with the given environment variables
    /// set (a null value removes one).</summary>
    public static BicepRun Run(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(Executable, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("bicep did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', args)} took over 5 minutes");
        }
        return new BicepRun(string.Join(' ', args), p.ExitCode, (stdout.Result + stderr.Result).Trim());
    }
}
