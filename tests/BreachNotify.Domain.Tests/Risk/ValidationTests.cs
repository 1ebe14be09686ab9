using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

public class ValidationTests
{
    public static TheoryData<string, BreachFacts> Invalid => new()
    {
        { "breachTypes", Conf(DataCategory.Contact) with { BreachTypes = [] } },
        { "breachTypes", Conf(DataCategory.Contact) with { BreachTypes = null! } },
        { "breachTypes", Conf(DataCategory.Contact) with { BreachTypes = [BreachType.Confidentiality, BreachType.Confidentiality] } },
        { "breachTypes", Conf(DataCategory.Contact) with { BreachTypes = [BreachType.Confidentiality, BreachType.Integrity, BreachType.Availability, BreachType.Integrity] } },
        { "breachTypes", Conf(DataCategory.Contact) with { BreachTypes = [BreachType.Confidentiality, (BreachType)9] } },
        { "dataCategories", Conf() },
        { "dataCategories", Conf(DataCategory.Contact) with { DataCategories = null! } },
        { "dataCategories", Conf(DataCategory.Contact, DataCategory.Contact) },
        { "dataCategories", Conf(DataCategory.Contact, (DataCategory)99) },
        { "dataSubjects", Conf(DataCategory.Contact) with { DataSubjects = -1 } },
        { "records", Conf(DataCategory.Contact) with { Records = -1 } },
        { "protection", Conf(DataCategory.Contact) with { Protection = (Protection)9 } },
        { "exposure", Conf(DataCategory.Contact) with { Exposure = (Exposure)9 } },
        { "exfiltration", Conf(DataCategory.Contact) with { Exfiltration = (Exfiltration)9 } },
        { "availabilityImpact", Conf(DataCategory.Contact) with { AvailabilityImpact = AvailabilityImpact.Delayed } },
        { "availabilityImpact", Avail(DataCategory.Contact) with { AvailabilityImpact = (AvailabilityImpact)9 } },
        { "integrityImpact", Conf(DataCategory.Contact) with { IntegrityImpact = IntegrityImpact.Recoverable } },
        { "integrityImpact", Integ(DataCategory.Contact) with { IntegrityImpact = (IntegrityImpact)9 } },
        { "exposure", Avail(DataCategory.Contact) with { Exposure = Exposure.KnownRecipients } },
        { "exfiltration", Avail(DataCategory.Contact) with { Exfiltration = Exfiltration.Confirmed } },
        { "protectionCompromised", Conf(DataCategory.Contact) with { ProtectionCompromised = true } },
        { "misuseObserved", Avail(DataCategory.Contact) with { MisuseObserved = true } },
        { "recipients", Conf(DataCategory.Contact) with { Exposure = Exposure.KnownRecipients, Recipients = 0 } },
        { "recipients", Conf(DataCategory.Contact) with { Exposure = Exposure.UnknownRecipients, Recipients = 5 } },
        { "recipients", Conf(DataCategory.Contact) with { Recipients = 5 } },
        { "openRecipientList", Conf(DataCategory.Contact) with { Exposure = Exposure.TrustedRecipient, OpenRecipientList = true } },
        { "openRecipientList", Conf(DataCategory.Health) with { Exposure = Exposure.KnownRecipients, OpenRecipientList = true } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_error_names_its_field(string field, BreachFacts facts)
    {
        var errors = facts.Validate();
        Assert.NotEmpty(errors);
        Assert.All(errors, error =>
        {
            Assert.Equal(field, error.Field);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        });

        var ex = Assert.Throws<ArgumentException>(() => RiskEngine.Assess(facts));
        Assert.Equal("facts", ex.ParamName);
        Assert.Contains(field + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_errors_are_all_reported()
    {
        var facts = new BreachFacts { DataSubjects = -5, Records = -1, ProtectionCompromised = true };
        Assert.Equal(
            ["breachTypes", "dataCategories", "dataSubjects", "records", "protectionCompromised"],
            facts.Validate().Select(e => e.Field));
    }

    public static TheoryData<BreachFacts> Valid => new()
    {
        Conf(DataCategory.Contact),
        Conf(DataCategory.Contact) with { DataSubjects = 0, Records = 0 },
        Facts([BreachType.Availability, BreachType.Integrity, BreachType.Confidentiality], [DataCategory.Health, DataCategory.Contact]) with
        {
            AvailabilityImpact = AvailabilityImpact.Permanent, IntegrityImpact = IntegrityImpact.Unrecoverable,
            Exposure = Exposure.UnknownRecipients, Exfiltration = Exfiltration.Confirmed,
            Protection = Protection.Hashed, ProtectionCompromised = true, MisuseObserved = true,
        },
        Avail(DataCategory.Contact) with { Exfiltration = Exfiltration.Unknown, MisuseObserved = true },
        Integ(DataCategory.Financial) with { MisuseObserved = true },
        Avail(DataCategory.Contact),
        Conf(DataCategory.Contact) with { Exposure = Exposure.TrustedRecipient, Recipients = 1 },
        Conf(DataCategory.Contact, DataCategory.Health) with { Exposure = Exposure.KnownRecipients, Recipients = 30, OpenRecipientList = true },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_facts_have_no_errors(BreachFacts facts) => Assert.Empty(facts.Validate());

    [Fact]
    public void Null_facts_are_rejected() =>
        Assert.Throws<ArgumentNullException>(() => RiskEngine.Assess(null!));
}
