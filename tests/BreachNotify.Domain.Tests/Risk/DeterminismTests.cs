using System.Text.Json;
using System.Text.Json.Serialization;
using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

public class DeterminismTests
{
    private static readonly JsonSerializerOptions HandlerJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private static BreachFacts Sample() =>
        Facts([BreachType.Confidentiality, BreachType.Availability], [DataCategory.Contact, DataCategory.Financial], 1234) with
        {
            Records = 5000, Exposure = Exposure.UnknownRecipients, Exfiltration = Exfiltration.Unknown,
            MaliciousIntent = true, AvailabilityImpact = AvailabilityImpact.Delayed,
        };

    [Fact]
    public void Same_facts_give_equal_assessments()
    {
        var first = RiskEngine.Assess(Sample());
        for (var i = 0; i < 20; i++)
        {
            var again = RiskEngine.Assess(Sample());
            Assert.Equal(first, again);
            Assert.Equal(first.GetHashCode(), again.GetHashCode());
            Assert.Equal(first.Reasons, again.Reasons);
        }
    }

    [Theory]
    [InlineData("nl-NL")]
    [InlineData("de-DE")]
    [InlineData("ar-SA")]
    public void Reasons_do_not_depend_on_the_current_culture(string culture)
    {
        var facts = Attack(20_000, DataCategory.Contact, DataCategory.Identity, DataCategory.Usage, DataCategory.Education);
        var invariant = RiskEngine.Assess(facts);
        var original = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo(culture);
            Assert.Equal(invariant, RiskEngine.Assess(facts));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = original;
        }
        Assert.Equal(
            "[enisa-severity] ENISA severity 3.0 (high) = DPC 2 × EI 1.0 + CB 1.0. (ENISA 2013 severity methodology, referred to by EDPB Guidelines 9/2022 §IV.B)",
            invariant.Reasons[0]);
        Assert.Contains(invariant.Reasons, r => r.StartsWith("[hostile-large-scale] 20000 people", StringComparison.Ordinal));
    }

    [Fact]
    public void Facts_compare_by_list_contents()
    {
        var a = Sample();
        var b = Sample() with { DataCategories = [.. new List<DataCategory> { DataCategory.Contact, DataCategory.Financial }] };
        Assert.NotSame(a.DataCategories, b.DataCategories);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, a with { DataCategories = [DataCategory.Contact] });
        Assert.NotEqual(a, a with { Contained = true });
        var identified = a with { Exposure = Exposure.KnownRecipients };
        Assert.NotEqual(identified, identified with { Recipients = 3 });
        Assert.NotEqual(identified, identified with { OpenRecipientList = true });
        Assert.NotEqual(identified.GetHashCode(), (identified with { Recipients = 3 }).GetHashCode());
        Assert.NotEqual(identified.GetHashCode(), (identified with { OpenRecipientList = true }).GetHashCode());
    }

    [Fact]
    public void Assessment_lists_compare_by_contents()
    {
        var a = RiskEngine.Assess(Sample());
        var copy = a with { Reasons = [.. a.Reasons], Exemptions = [.. a.Exemptions] };
        Assert.Equal(a, copy);
        Assert.NotEqual(a, a with { Reasons = [.. a.Reasons, "extra"] });
    }

    [Fact]
    public void Enum_wire_names_are_kebab_case()
    {
        Assert.Equal("\"official-id\"", JsonSerializer.Serialize(DataCategory.OfficialId, HandlerJson));
        Assert.Equal("\"payment-card\"", JsonSerializer.Serialize(DataCategory.PaymentCard, HandlerJson));
        Assert.Equal("\"special-category\"", JsonSerializer.Serialize(DataCategory.SpecialCategory, HandlerJson));
        Assert.Equal("\"trusted-recipient\"", JsonSerializer.Serialize(Exposure.TrustedRecipient, HandlerJson));
        Assert.Equal("\"unknown-recipients\"", JsonSerializer.Serialize(Exposure.UnknownRecipients, HandlerJson));
        Assert.Equal("\"ruled-out\"", JsonSerializer.Serialize(Exfiltration.RuledOut, HandlerJson));
        Assert.Equal("\"restored-quickly\"", JsonSerializer.Serialize(AvailabilityImpact.RestoredQuickly, HandlerJson));
        Assert.Equal("\"very-high\"", JsonSerializer.Serialize(SeverityLevel.VeryHigh, HandlerJson));
        Assert.Equal("\"unlikely\"", JsonSerializer.Serialize(RiskLevel.Unlikely, HandlerJson));
    }

    [Fact]
    public void Facts_round_trip_through_handler_json()
    {
        var json = """
            {"breachTypes":["confidentiality","availability"],"dataCategories":["contact","financial"],"dataSubjects":1234,
             "records":5000,"vulnerableSubjects":false,"protection":"none","protectionCompromised":false,
             "exposure":"unknown-recipients","exfiltration":"unknown","maliciousIntent":true,
             "availabilityImpact":"delayed","integrityImpact":"none","contained":false,"misuseObserved":false,
             "disproportionateEffort":false}
            """;
        var facts = JsonSerializer.Deserialize<BreachFacts>(json, HandlerJson);
        Assert.Equal(Sample(), facts);
    }

    [Fact]
    public void Assessment_json_shape()
    {
        var a = RiskEngine.Assess(Conf(DataCategory.Contact) with { Exposure = Exposure.UnknownRecipients, MaliciousIntent = true, DataSubjects = 500 });
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(a, HandlerJson));
        var root = doc.RootElement;
        Assert.Equal("2.0", root.GetProperty("severity").GetProperty("score").GetRawText());
        Assert.Equal("medium", root.GetProperty("severity").GetProperty("level").GetString());
        Assert.Equal("1", root.GetProperty("severity").GetProperty("dataProcessingContext").GetRawText());
        Assert.Equal("1.0", root.GetProperty("severity").GetProperty("easeOfIdentification").GetRawText());
        Assert.Equal("1.0", root.GetProperty("severity").GetProperty("circumstances").GetRawText());
        Assert.Equal("risk", root.GetProperty("risk").GetString());
        Assert.True(root.GetProperty("notifyAuthority").GetBoolean());
        Assert.False(root.GetProperty("notifyDataSubjects").GetBoolean());
        Assert.False(root.GetProperty("publicCommunication").GetBoolean());
        Assert.Equal(0, root.GetProperty("exemptions").GetArrayLength());
        Assert.True(root.GetProperty("reasons").GetArrayLength() > 0);
        Assert.Equal("2026.12.1", root.GetProperty("engineVersion").GetString());
    }
}
