using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>
/// The examples of WP29 WP250 rev.01 Annex B ("Examples of personal data breaches and who to notify"), endorsed by
/// the EDPB. Where WP250 says "depending on the nature of the data and the severity", the facts pick a reading and
/// the name says which.
/// </summary>
public class Wp250AnnexBTests
{
    private static readonly BreachType[] CA = [BreachType.Confidentiality, BreachType.Availability];

    public static TheoryData<string, BreachFacts, RiskLevel, bool, bool> Examples => new()
    {
        {
            "i encrypted backup on a stolen USB key, key safe, other backups",
            Facts(CA, [DataCategory.Contact, DataCategory.Financial], 2000) with
            {
                Protection = Protection.Encrypted, Exposure = Exposure.UnknownRecipients, Exfiltration = Exfiltration.Unknown,
                MaliciousIntent = true, AvailabilityImpact = AvailabilityImpact.RestoredQuickly,
            },
            RiskLevel.Unlikely, false, false
        },
        {
            "ii online service attacked, customer contact data exfiltrated (ordinary data: no communication)",
            Attack(3000, DataCategory.Contact),
            RiskLevel.Risk, true, false
        },
        {
            "iii power cut: call centre unreachable for minutes",
            Avail(DataCategory.Contact, DataCategory.Usage) with { DataSubjects = 5000, AvailabilityImpact = AvailabilityImpact.RestoredQuickly },
            RiskLevel.Unlikely, false, false
        },
        {
            "iv ransomware without backup, data cannot be restored",
            Avail(DataCategory.Contact, DataCategory.Employment) with { DataSubjects = 300, MaliciousIntent = true, AvailabilityImpact = AvailabilityImpact.Permanent },
            RiskLevel.High, true, true
        },
        {
            "iv same, restored from backup in good time",
            Avail(DataCategory.Contact, DataCategory.Employment) with { DataSubjects = 300, MaliciousIntent = true, AvailabilityImpact = AvailabilityImpact.RestoredQuickly },
            RiskLevel.Unlikely, false, false
        },
        {
            "v a customer phones: they received someone else's bank statement",
            Conf(DataCategory.Contact, DataCategory.Financial) with { DataSubjects = 1, Exposure = Exposure.KnownRecipients, Recipients = 1 },
            RiskLevel.Risk, true, false
        },
        {
            "vi marketplace attacked: usernames, passwords and purchase history published",
            Attack(50_000, DataCategory.Contact, DataCategory.Credentials, DataCategory.Usage),
            RiskLevel.High, true, true
        },
        {
            "vii hosting processor's authorisation flaw, no evidence it was used (fixed)",
            Conf(DataCategory.Contact, DataCategory.Usage) with { DataSubjects = 800, Contained = true },
            RiskLevel.Unlikely, false, false
        },
        {
            "viii hospital records unavailable for 30 hours",
            Avail(DataCategory.Contact, DataCategory.Health) with { DataSubjects = 20_000, VulnerableSubjects = true, MaliciousIntent = true, AvailabilityImpact = AvailabilityImpact.Severe },
            RiskLevel.High, true, true
        },
        {
            "ix students' data sent to a mailing list of 1,000+ recipients (grades: ordinary data)",
            Conf(DataCategory.Contact, DataCategory.Education) with { DataSubjects = 400, Exposure = Exposure.KnownRecipients, Recipients = 1200 },
            RiskLevel.Risk, true, false
        },
        {
            "x marketing e-mail with the recipients in To/Cc, a few dozen addresses",
            Conf(DataCategory.Contact) with { DataSubjects = 40, Exposure = Exposure.KnownRecipients, OpenRecipientList = true },
            RiskLevel.Risk, true, false
        },
        {
            "x same, a psychotherapist's mailing list",
            Conf(DataCategory.Contact, DataCategory.Health) with { DataSubjects = 40, Exposure = Exposure.KnownRecipients, OpenRecipientList = true },
            RiskLevel.High, true, true
        },
        {
            "x same, the mail contains the initial passwords",
            Conf(DataCategory.Contact, DataCategory.Credentials) with { DataSubjects = 400, Exposure = Exposure.KnownRecipients, OpenRecipientList = true },
            RiskLevel.High, true, true
        },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Matches_who_to_notify(string name, BreachFacts facts, RiskLevel risk, bool notifyAuthority, bool notifyDataSubjects) =>
        AssertOutcome(name, facts, risk, notifyAuthority, notifyDataSubjects);
}
