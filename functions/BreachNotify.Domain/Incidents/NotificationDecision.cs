using BreachNotify.Domain.Risk;

namespace BreachNotify.Domain.Incidents;

/// <summary>
/// The DPO's decision on which notices an incident calls for, with the assessment it was based on. A decision that
/// departs from the engine's recommendation is an override and says where it departs (Art 33(5): the reasoning must
/// let the supervisory authority verify compliance).
/// </summary>
public sealed record NotificationDecision(
    bool NotifyAuthority,
    bool NotifyDataSubjects,
    bool PublicCommunication,
    string Rationale,
    string DecidedBy,
    DateTimeOffset DecidedAt,
    RiskLevel BasedOnRisk,
    string EngineVersion,
    bool IsOverride,
    IReadOnlyList<string> Departures)
{
    public const int MaxRationaleLength = 20_000;

    /// <summary>Compares a decision with the recommendation; each differing notice is named as a departure.</summary>
    public static IReadOnlyList<string> DeparturesFrom(RiskAssessment recommendation, bool notifyAuthority, bool notifyDataSubjects, bool publicCommunication)
    {
        var list = new List<string>();
        if (notifyAuthority != recommendation.NotifyAuthority) list.Add(notifyAuthority ? "notifies the authority although the engine does not require it" : "does not notify the authority although the engine recommends it (Art 33(1))");
        if (notifyDataSubjects != recommendation.NotifyDataSubjects) list.Add(notifyDataSubjects ? "tells the data subjects although the engine does not require it" : "does not tell the data subjects although the engine recommends it (Art 34(1))");
        if (publicCommunication != recommendation.PublicCommunication) list.Add(publicCommunication ? "makes a public communication the engine did not call for" : "makes no public communication although the engine recommends it (Art 34(3)(c))");
        return list;
    }
}
