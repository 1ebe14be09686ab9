namespace BreachNotify.FunctionApp.Tests.Infrastructure;

public static class RepoPaths
{
    /// <summary>The repository root: the folder above the test assembly holding BreachNotify.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string FunctionApp => Path.Combine(Root, "functions", "BreachNotify.FunctionApp");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BreachNotify.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (BreachNotify.sln) not found.");
    }

    /// <summary>The function app's own build output, same configuration as the tests (bin/Debug or bin/Release).</summary>
    public static string AppOutput
    {
        get
        {
            var testOut = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var rel = Path.GetRelativePath(Path.Combine(Root, "tests", "BreachNotify.FunctionApp.Tests"), testOut);
            return Path.Combine(Root, "functions", "BreachNotify.FunctionApp", rel);
        }
    }
}
