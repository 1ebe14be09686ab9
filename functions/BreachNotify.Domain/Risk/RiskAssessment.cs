namespace BreachNotify.Domain.Risk;

/// <summary>
/// The engine's decision. Equality is by value, including the contents (in order) of
/// <see cref="Exemptions"/> and <see cref="Reasons"/>.
/// </summary>
/// <param name="Severity">ENISA severity with its parts.</param>
/// <param name="Risk">GDPR risk level (Art 33(1) / Art 34(1)).</param>
/// <param name="NotifyAuthority">Art 33(1): notify the supervisory authority (risk is not "unlikely").</param>
/// <param name="NotifyDataSubjects">Art 34(1): communicate to each data subject (high risk and no Art 34(3) exemption).</param>
/// <param name="PublicCommunication">Art 34(3)(c): a public communication replaces individual notices.</param>
/// <param name="Exemptions">Art 34(3) codes (<see cref="Art34Exemptions"/>) that apply.</param>
/// <param name="Reasons">One line per rule that fired, citing its source.</param>
/// <param name="EngineVersion">The <see cref="RiskEngine.Version"/> that produced this assessment.</param>
public sealed record RiskAssessment(
    SeverityScore Severity,
    RiskLevel Risk,
    bool NotifyAuthority,
    bool NotifyDataSubjects,
    bool PublicCommunication,
    IReadOnlyList<string> Exemptions,
    IReadOnlyList<string> Reasons,
    string EngineVersion)
{
    /// <summary>Same decision: risk, authority notification, communication to data subjects and public communication.</summary>
    public bool DecidesAs(RiskAssessment other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Risk == other.Risk
            && NotifyAuthority == other.NotifyAuthority
            && NotifyDataSubjects == other.NotifyDataSubjects
            && PublicCommunication == other.PublicCommunication;
    }

    public bool Equals(RiskAssessment? other) =>
        other is not null
        && Severity == other.Severity
        && Risk == other.Risk
        && NotifyAuthority == other.NotifyAuthority
        && NotifyDataSubjects == other.NotifyDataSubjects
        && PublicCommunication == other.PublicCommunication
        && BreachFacts.SequenceEqual(Exemptions, other.Exemptions)
        && BreachFacts.SequenceEqual(Reasons, other.Reasons)
        && EngineVersion == other.EngineVersion;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Severity);
        hash.Add(Risk);
        hash.Add(NotifyAuthority);
        hash.Add(NotifyDataSubjects);
        hash.Add(PublicCommunication);
        BreachFacts.AddAll(ref hash, Exemptions);
        BreachFacts.AddAll(ref hash, Reasons);
        hash.Add(EngineVersion);
        return hash.ToHashCode();
    }
}
