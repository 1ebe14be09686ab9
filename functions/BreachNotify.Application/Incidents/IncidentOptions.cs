using BreachNotify.Domain.Common;

namespace BreachNotify.Application.Incidents;

/// <summary>Settings under <c>Incidents</c>.</summary>
public sealed class IncidentOptions
{
    public const string SectionName = "Incidents";

    /// <summary>
    /// How far ahead of the server's clock an instant a client sends (detectedAt, awareAt, occurredAt, submittedAt) may
    /// be: clocks of different machines disagree a little. Default 5 minutes, at most 1 hour. Instants before
    /// 2000-01-01 are always refused (<see cref="InstantWindow"/>).
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = InstantWindow.DefaultClockSkew;

    /// <summary>Every configuration problem, for ValidateOnStart (empty = valid).</summary>
    public IEnumerable<string> Validate()
    {
        if (ClockSkew < TimeSpan.Zero || ClockSkew > InstantWindow.MaxClockSkew)
            yield return $"Incidents:ClockSkew must be between 0s and {InstantWindow.MaxClockSkew.TotalMinutes:0}m.";
    }
}
