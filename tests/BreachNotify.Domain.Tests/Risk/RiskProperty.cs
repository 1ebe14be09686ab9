using System.Globalization;
using BreachNotify.Domain.Risk;
using FsCheck;
using FsCheck.Fluent;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>
/// Runs an FsCheck property over generated facts (<see cref="FactsGenerator"/>). The number of runs can be scaled
/// down with RISK_PROPERTY_SCALE (0–1, default 1): scripts/mutation.sh runs the suite once per mutant and sets it
/// so a mutation run finishes; CI and developers run the full count.
/// </summary>
internal static class RiskProperty
{
    public static double Scale { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("RISK_PROPERTY_SCALE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 1 ? s : 1;

    public static int Runs(int full) => Math.Max(10, (int)(full * Scale));

    public static void Check(int runs, Action<BreachFacts> property) =>
        Prop.ForAll(FactsGenerator.BreachFacts(), property).Check(Config.QuickThrowOnFailure.WithMaxTest(Runs(runs)));
}
