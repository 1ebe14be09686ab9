using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>Section <c>Standalone</c>: how the standalone host behaves.</summary>
public sealed class StandaloneOptions
{
    public const string SectionName = "Standalone";

    /// <summary>Run timer functions in-process on their schedules (tests turn this off and run them explicitly).</summary>
    public bool RunTimers { get; set; } = true;
}
