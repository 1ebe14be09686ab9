using System.Diagnostics;
using System.Text.Json;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Hosting;

/// <summary>
/// README's first command, <c>dotnet run --project functions/BreachNotify.FunctionApp</c>, starts the app itself on a
/// machine without Azure Functions Core Tools (the Worker Sdk would hand it to <c>func start</c>, and fail without it),
/// in the project folder whatever folder it is typed in. Asks MSBuild what <c>dotnet run</c> would start, without
/// building or starting anything (functions/BreachNotify.FunctionApp/Directory.Build.targets).
/// </summary>
public sealed class DotnetRunTests
{
    [Fact]
    public async Task Dotnet_run_starts_the_app_host_in_the_project_folder_not_func()
    {
        var configuration = Path.GetFileName(Path.GetDirectoryName(RepoPaths.AppOutput))!; // bin/{Debug|Release}/net10.0
        var psi = new ProcessStartInfo("dotnet",
            ["msbuild", Path.Combine(RepoPaths.FunctionApp, "BreachNotify.FunctionApp.csproj"), "-nologo", "-nodeReuse:false",
             $"-p:Configuration={configuration}", "-t:ComputeRunArguments",
             "-getProperty:RunCommand", "-getProperty:RunArguments", "-getProperty:RunWorkingDirectory"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(), // not the repository: the answer must not depend on where it is typed
        };
        using var p = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stdout = p.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = p.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("dotnet msbuild took over 3 minutes");
        }
        var output = await stdout;
        Assert.True(p.ExitCode == 0, $"dotnet msbuild -t:ComputeRunArguments failed ({p.ExitCode}):\n{output}{await stderr}");

        using var doc = JsonDocument.Parse(output);
        var properties = doc.RootElement.GetProperty("Properties");
        var appHost = Path.Combine(RepoPaths.AppOutput, "BreachNotify.FunctionApp" + (OperatingSystem.IsWindows() ? ".exe" : ""));
        Assert.Equal(appHost, properties.GetProperty("RunCommand").GetString());
        Assert.Equal("", properties.GetProperty("RunArguments").GetString());
        Assert.Equal(RepoPaths.FunctionApp, properties.GetProperty("RunWorkingDirectory").GetString());
    }
}
