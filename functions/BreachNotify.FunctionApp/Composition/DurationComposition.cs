using System.Reflection;
using BreachNotify.Application.Configuration;

namespace BreachNotify.FunctionApp.Composition;

public static class DurationComposition
{
    /// <summary>
    /// Every TimeSpan setting of every options class is read by <see cref="DurationText"/>: <c>1.00:00:00</c>,
    /// <c>24h</c> and <c>PT24H</c> are accepted; <c>24:00:00</c> (which .NET reads as 24 days) stops the app at
    /// start-up, naming the setting. Call it first in the composition, before anything binds options.
    /// </summary>
    public static IServiceCollection AddUnambiguousDurations(this IServiceCollection services, IConfiguration configuration)
    {
        var app = typeof(DurationComposition).Assembly;
        var assemblies = app.GetReferencedAssemblies().Where(a => a.Name!.StartsWith("BreachNotify.", StringComparison.Ordinal)).Select(Assembly.Load).Append(app);
        return services.AddUnambiguousDurations(configuration, DurationSettings.OptionsClassesIn(assemblies));
    }
}
