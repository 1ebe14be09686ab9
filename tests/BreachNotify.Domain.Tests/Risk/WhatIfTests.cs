using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BreachNotify.Domain.Risk;
using static BreachNotify.Domain.Tests.Risk.Cases;

namespace BreachNotify.Domain.Tests.Risk;

/// <summary>
/// The what-if list: every entry, applied to the facts as a one-field JSON merge patch and re-assessed, gives exactly
/// the outcome it lists; nothing listed leaves the outcome unchanged; every outcome-changing single-fact change the
/// test itself can think of is listed; unknown facts come first.
/// </summary>
public class WhatIfTests
{
    private static readonly JsonSerializerOptions HandlerJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private static readonly string[] EnumFacts = ["protection", "exposure", "exfiltration", "availabilityImpact", "integrityImpact"];
    private static readonly string[] BoolFacts =
        ["vulnerableSubjects", "protectionCompromised", "maliciousIntent", "contained", "misuseObserved", "disproportionateEffort", "openRecipientList"];

    /// <summary>Applies <c>{ fact: value }</c> to the facts' JSON, as a client would, and reads the facts back.</summary>
    public static BreachFacts Apply(BreachFacts facts, string fact, JsonNode? value)
    {
        var json = JsonSerializer.SerializeToNode(facts, HandlerJson)!.AsObject();
        Assert.True(json.ContainsKey(fact), $"'{fact}' is not a facts field");
        json[fact] = value;
        return json.Deserialize<BreachFacts>(HandlerJson)!;
    }

    private static JsonNode? Node(object value) => JsonSerializer.SerializeToNode(value, value.GetType(), HandlerJson);

    private static (RiskLevel, bool, bool, bool) Outcome(RiskAssessment a) => (a.Risk, a.NotifyAuthority, a.NotifyDataSubjects, a.PublicCommunication);

    private static (RiskLevel, bool, bool, bool) Outcome(WhatIf w) => (w.Risk, w.NotifyAuthority, w.NotifyDataSubjects, w.PublicCommunication);

    private static bool Unknown(BreachFacts facts, string fact) =>
        (fact == "exfiltration" && facts.Exfiltration == Exfiltration.Unknown) || (fact == "recipients" && facts.Recipients is null);

    [Fact]
    public void Each_entry_applied_gives_exactly_the_listed_outcome() => RiskProperty.Check(150, facts =>
    {
        var baseline = RiskEngine.Assess(facts);
        var before = JsonSerializer.SerializeToNode(facts, HandlerJson)!.AsObject();
        foreach (var entry in RiskEngine.WhatIf(facts))
        {
            var changed = Apply(facts, entry.Fact, Node(entry.Value));
            var after = JsonSerializer.SerializeToNode(changed, HandlerJson)!.AsObject();
            var differing = before.Where(p => !JsonNode.DeepEquals(p.Value, after[p.Key])).Select(p => p.Key).ToList();
            Assert.Equal([entry.Fact], differing);

            var reassessed = RiskEngine.Assess(changed);
            Assert.Equal(Outcome(entry), Outcome(reassessed));
            Assert.NotEqual(Outcome(baseline), Outcome(entry));
        }
    });

    [Fact]
    public void Unknown_facts_come_first() => RiskProperty.Check(150, facts =>
    {
        var unknownFlags = RiskEngine.WhatIf(facts).Select(w => Unknown(facts, w.Fact)).ToList();
        Assert.Equal(unknownFlags.OrderByDescending(u => u), unknownFlags);
    });

    [Fact]
    public void Every_outcome_changing_single_fact_change_is_listed() => RiskProperty.Check(150, facts =>
    {
        var baseline = Outcome(RiskEngine.Assess(facts));
        var entries = RiskEngine.WhatIf(facts);
        foreach (var (fact, value, exactValue) in Variants(facts))
        {
            var changed = Apply(facts, fact, value);
            if (changed.Validate().Count > 0)
            {
                continue;
            }
            var outcome = Outcome(RiskEngine.Assess(changed));
            if (outcome == baseline)
            {
                continue;
            }
            Assert.True(
                entries.Any(e => e.Fact == fact && Outcome(e) == outcome && (!exactValue || JsonNode.DeepEquals(Node(e.Value), value))),
                $"{fact} = {value?.ToJsonString()} gives {outcome} but is not listed");
        }
    });

    /// <summary>The test's own enumeration of single-fact changes, written against the JSON contract.</summary>
    private static IEnumerable<(string Fact, JsonNode? Value, bool ExactValue)> Variants(BreachFacts f)
    {
        var json = JsonSerializer.SerializeToNode(f, HandlerJson)!.AsObject();
        foreach (var name in EnumFacts)
        {
            var type = typeof(BreachFacts).GetProperty(char.ToUpperInvariant(name[0]) + name[1..])!.PropertyType;
            foreach (var v in Enum.GetValues(type))
            {
                var node = JsonSerializer.SerializeToNode(v, type, HandlerJson);
                if (!JsonNode.DeepEquals(node, json[name]))
                {
                    yield return (name, node, true);
                }
            }
        }
        foreach (var name in BoolFacts)
        {
            yield return (name, JsonValue.Create(!json[name]!.GetValue<bool>()), true);
        }
        foreach (var (name, all) in new[] { ("breachTypes", Enum.GetValues<BreachType>().Cast<object>()), ("dataCategories", Enum.GetValues<DataCategory>().Cast<object>()) })
        {
            var current = json[name]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            foreach (var v in all)
            {
                var wire = JsonSerializer.SerializeToNode(v, v.GetType(), HandlerJson)!.GetValue<string>();
                var next = current.Contains(wire) ? current.Where(x => x != wire).ToList() : [.. current, wire];
                yield return (name, JsonSerializer.SerializeToNode(next), true);
            }
        }
        foreach (var n in new long[] { 9_999, 10_000, 20, 21, 99, 100 })
        {
            yield return ("dataSubjects", JsonValue.Create(n), false);
            yield return ("recipients", JsonValue.Create(n), false);
        }
    }

    /// <summary>
    /// For every fact, a breach where changing that fact alone changes the decision, and the entry it must give: the
    /// properties above draw facts at random, these make sure no fact is ever left out of the list.
    /// </summary>
    public static TheoryData<string, BreachFacts, WhatIf> EachFactCanDecide => new()
    {
        // Nobody known to have seen the data, restored quickly, altered without effect: the confidentiality breach is all
        // that makes it a risk, and without it the other two types remain.
        {
            "breach types", Facts([BreachType.Confidentiality, BreachType.Integrity, BreachType.Availability], [DataCategory.Contact], 50) with { AvailabilityImpact = AvailabilityImpact.RestoredQuickly },
            new("breachTypes", new[] { BreachType.Integrity, BreachType.Availability }, RiskLevel.Unlikely, false, false, false)
        },
        // Restored within hours and nothing else: were the data also disclosed, that alone would be a risk.
        {
            "breach type added", Avail(DataCategory.Contact) with { DataSubjects = 50, AvailabilityImpact = AvailabilityImpact.RestoredQuickly },
            new("breachTypes", new[] { BreachType.Availability, BreachType.Confidentiality }, RiskLevel.Risk, true, false, false)
        },
        {
            "data categories", Attack(50, DataCategory.Contact),
            new("dataCategories", new[] { DataCategory.Contact, DataCategory.Health }, RiskLevel.High, true, true, false)
        },
        {
            "data subjects", Attack(50, DataCategory.Contact),
            new("dataSubjects", 10_000L, RiskLevel.High, true, true, false)
        },
        {
            "recipients", Conf(DataCategory.Contact) with { DataSubjects = 50, Exposure = Exposure.KnownRecipients },
            new("recipients", 20L, RiskLevel.Unlikely, false, false, false)
        },
        // An open To/Cc list of 15 addresses: the list itself says how many saw it.
        {
            "open recipient list", Conf(DataCategory.Contact) with { DataSubjects = 15, Exposure = Exposure.KnownRecipients },
            new("openRecipientList", true, RiskLevel.Unlikely, false, false, false)
        },
        {
            "vulnerable subjects", Attack(50, DataCategory.Contact),
            new("vulnerableSubjects", true, RiskLevel.High, true, true, false)
        },
        {
            "protection", Attack(50, DataCategory.Contact),
            new("protection", Protection.Hashed, RiskLevel.Unlikely, false, false, false)
        },
        {
            "protection compromised", Attack(50, DataCategory.Contact, DataCategory.Health) with { Protection = Protection.Encrypted },
            new("protectionCompromised", true, RiskLevel.High, true, true, false)
        },
        {
            "exposure", Conf(DataCategory.Contact) with { DataSubjects = 50, Contained = true },
            new("exposure", Exposure.UnknownRecipients, RiskLevel.Risk, true, false, false)
        },
        {
            "exfiltration", Avail(DataCategory.Contact) with { AvailabilityImpact = AvailabilityImpact.RestoredQuickly },
            new("exfiltration", Exfiltration.Unknown, RiskLevel.Risk, true, false, false)
        },
        {
            "malicious intent", Conf(DataCategory.Contact) with { DataSubjects = 50, Exposure = Exposure.KnownRecipients, Recipients = 1 },
            new("maliciousIntent", true, RiskLevel.Risk, true, false, false)
        },
        {
            "availability impact", Avail(DataCategory.Contact) with { AvailabilityImpact = AvailabilityImpact.RestoredQuickly },
            new("availabilityImpact", AvailabilityImpact.Permanent, RiskLevel.High, true, true, false)
        },
        {
            "integrity impact", Integ(DataCategory.Contact) with { IntegrityImpact = IntegrityImpact.Recovered },
            new("integrityImpact", IntegrityImpact.Recoverable, RiskLevel.Risk, true, false, false)
        },
        {
            "contained", Conf(DataCategory.Contact) with { DataSubjects = 50 },
            new("contained", true, RiskLevel.Unlikely, false, false, false)
        },
        // Identity data misused, even of one person, is identity fraud.
        {
            "misuse observed", Conf(DataCategory.Identity) with { DataSubjects = 1, Exposure = Exposure.KnownRecipients, Recipients = 1 },
            new("misuseObserved", true, RiskLevel.High, true, true, false)
        },
        {
            "disproportionate effort", Attack(200_000, DataCategory.Contact, DataCategory.Identity),
            new("disproportionateEffort", true, RiskLevel.High, true, false, true)
        },
    };

    [Theory]
    [MemberData(nameof(EachFactCanDecide))]
    public void Every_fact_can_appear_in_the_list(string name, BreachFacts facts, WhatIf expected)
    {
        var entries = RiskEngine.WhatIf(facts);
        Assert.True(entries.Contains(expected), $"{name}: {expected} not in\n{string.Join('\n', entries)}");
        Assert.Equal(Outcome(expected), Outcome(RiskEngine.Assess(Apply(facts, expected.Fact, Node(expected.Value)))));
    }

    [Fact]
    public void Every_fact_has_a_case_that_decides()
    {
        var covered = EachFactCanDecide.Select(row => ((WhatIf)row[2]).Fact).ToHashSet();
        var json = JsonSerializer.SerializeToNode(Conf(DataCategory.Contact), HandlerJson)!.AsObject();
        Assert.Equal(json.Select(p => p.Key).Where(k => k != "records").Order(), covered.Order());
    }

    [Fact]
    public void The_issue_example_encryption_would_make_a_stolen_laptop_unlikely()
    {
        var facts = Conf(DataCategory.Contact, DataCategory.Health) with
        {
            DataSubjects = 5000, Exposure = Exposure.UnknownRecipients, Exfiltration = Exfiltration.Unknown, MaliciousIntent = true,
        };
        var entries = RiskEngine.WhatIf(facts);
        Assert.Contains(new WhatIf("protection", Protection.Encrypted, RiskLevel.Unlikely, false, false, false), entries);
        Assert.Contains(new WhatIf("protection", Protection.Hashed, RiskLevel.Unlikely, false, false, false), entries);
        // Unknown recipients make it high whatever the logs say: exfiltration is unknown but changes nothing here.
        Assert.DoesNotContain(entries, e => e.Fact == "exfiltration");
    }

    [Fact]
    public void Unsettled_exfiltration_comes_first()
    {
        // Ransomware restored within hours; whether data left cannot be told yet (EDPB 01/2021 Case 01 versus 02).
        var facts = Avail(DataCategory.Contact, DataCategory.Financial) with
        {
            DataSubjects = 40, MaliciousIntent = true, AvailabilityImpact = AvailabilityImpact.RestoredQuickly, Exfiltration = Exfiltration.Unknown,
        };
        var entries = RiskEngine.WhatIf(facts);
        Assert.Equal(RiskLevel.Risk, RiskEngine.Assess(facts).Risk);
        Assert.Equal(new WhatIf("exfiltration", Exfiltration.RuledOut, RiskLevel.Unlikely, false, false, false), entries[0]);
        Assert.Contains(new WhatIf("protection", Protection.Encrypted, RiskLevel.Unlikely, false, false, false), entries);
        Assert.Contains(new WhatIf("availabilityImpact", AvailabilityImpact.Severe, RiskLevel.High, true, true, false), entries);
    }

    [Fact]
    public void Trusted_recipient_case_lists_what_would_make_it_notifiable()
    {
        // EDPB 01/2021 Case 09: one insurance agent bound by confidentiality, deletion confirmed.
        var facts = Conf(DataCategory.Contact, DataCategory.Financial) with
        {
            DataSubjects = 24, Exposure = Exposure.TrustedRecipient, Recipients = 1, Contained = true,
        };
        var entries = RiskEngine.WhatIf(facts);
        Assert.Equal(RiskLevel.Unlikely, RiskEngine.Assess(facts).Risk);
        Assert.Contains(new WhatIf("contained", false, RiskLevel.Risk, true, false, false), entries);
        // Malice turns the agent into a hostile party: high, still exempt from communication by the confirmed deletion.
        Assert.Contains(new WhatIf("maliciousIntent", true, RiskLevel.High, true, false, false), entries);
        Assert.Contains(new WhatIf("recipients", 21L, RiskLevel.Risk, true, false, false), entries);
        Assert.Contains(new WhatIf("dataSubjects", 10_000L, RiskLevel.High, true, false, false), entries);
        Assert.Contains(new WhatIf("exfiltration", Exfiltration.Confirmed, RiskLevel.High, true, true, false), entries);
        Assert.Contains(new WhatIf("dataCategories", new[] { DataCategory.Contact, DataCategory.Financial, DataCategory.Health }, RiskLevel.High, true, false, false), entries);
        // Facts that change nothing are not listed: removing the financial data, or encrypting, keeps it unlikely.
        Assert.DoesNotContain(entries, e => e.Fact == "protection");
        Assert.DoesNotContain(entries, e => e.Fact == "dataCategories" && e.Value is IReadOnlyList<DataCategory> { Count: 1 });
        Assert.Equal(entries.Count, entries.Distinct().Count());
    }

    [Fact]
    public void An_uncounted_recipient_list_is_settled_first()
    {
        var facts = Conf(DataCategory.Contact) with { DataSubjects = 15, Exposure = Exposure.KnownRecipients };
        var entries = RiskEngine.WhatIf(facts);
        Assert.Equal(RiskLevel.Risk, RiskEngine.Assess(facts).Risk);
        Assert.Equal(new WhatIf("recipients", 20L, RiskLevel.Unlikely, false, false, false), entries[0]);
        Assert.DoesNotContain(entries, e => e.Fact == "recipients" && !Equals(e.Value, 20L));
    }

    [Theory]
    [InlineData(null, new long[] { 21, 100 })]
    [InlineData(1L, new long[] { 21, 100 })]
    [InlineData(20L, new long[] { 21, 100 })]
    [InlineData(21L, new long[] { 20, 100 })]
    [InlineData(99L, new long[] { 20, 100 })]
    [InlineData(100L, new long[] { 20, 99 })]
    [InlineData(5000L, new long[] { 20, 99 })]
    public void Recipient_values_tried_are_the_thresholds_across_from_the_current_count(long? recipients, long[] expected)
    {
        // Official ids with trusted recipients who confirmed deletion: few → unlikely, some → risk, many → high (exempt),
        // so every band differs from every other and each threshold value shows up.
        var facts = Conf(DataCategory.Contact, DataCategory.OfficialId) with
        {
            DataSubjects = 50, Exposure = Exposure.TrustedRecipient, Recipients = recipients, Contained = true,
        };
        var tried = RiskEngine.WhatIf(facts).Where(e => e.Fact == "recipients").Select(e => (long)e.Value);
        Assert.Equal(expected, tried);
    }

    [Fact]
    public void Open_list_without_a_count_tries_the_recipient_thresholds_on_the_data_subjects()
    {
        var facts = Conf(DataCategory.Contact, DataCategory.Credentials) with
        {
            DataSubjects = 50, Exposure = Exposure.KnownRecipients, OpenRecipientList = true,
        };
        var subjects = RiskEngine.WhatIf(facts).Where(e => e.Fact == "dataSubjects").ToList();
        Assert.Equal([100L, 10_000L], subjects.Select(e => (long)e.Value));
        Assert.All(subjects, e => Assert.Equal(RiskLevel.High, e.Risk));
    }

    [Fact]
    public void Changes_that_make_the_facts_invalid_are_not_offered()
    {
        var facts = Avail(DataCategory.Contact) with { AvailabilityImpact = AvailabilityImpact.Delayed };
        var entries = RiskEngine.WhatIf(facts);
        Assert.DoesNotContain(entries, e => e.Fact is "exposure" or "recipients" or "openRecipientList");
        Assert.DoesNotContain(entries, e => e.Fact == "breachTypes" && e.Value is IReadOnlyList<BreachType> { Count: 0 });
        Assert.All(entries, e => Assert.Empty(Apply(facts, e.Fact, Node(e.Value)).Validate()));
        Assert.Contains(new WhatIf("availabilityImpact", AvailabilityImpact.Severe, RiskLevel.High, true, true, false), entries);
        Assert.Contains(new WhatIf("availabilityImpact", AvailabilityImpact.RestoredQuickly, RiskLevel.Unlikely, false, false, false), entries);
    }

    [Fact]
    public void Invalid_facts_are_rejected() =>
        Assert.Throws<ArgumentException>(() => RiskEngine.WhatIf(Conf(DataCategory.Contact) with { DataSubjects = -1 }));

    [Fact]
    public void Entries_compare_lists_by_content()
    {
        var a = new WhatIf("dataCategories", new List<DataCategory> { DataCategory.Contact }, RiskLevel.Risk, true, false, false);
        var b = a with { Value = new[] { DataCategory.Contact } };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, a with { Value = new[] { DataCategory.Health } });
        Assert.NotEqual(a, a with { Value = DataCategory.Contact });
        Assert.NotEqual(a, a with { Fact = "breachTypes" });
        Assert.NotEqual(a, a with { Risk = RiskLevel.High });
        Assert.NotEqual(a, a with { NotifyAuthority = false });
        Assert.NotEqual(a, a with { NotifyDataSubjects = true });
        Assert.NotEqual(a, a with { PublicCommunication = true });
        Assert.False(a.Equals(null));
        Assert.Equal(new WhatIf("contained", true, RiskLevel.Risk, true, false, false), new WhatIf("contained", true, RiskLevel.Risk, true, false, false));
    }

    [Fact]
    public void Entry_json_is_a_merge_patch_shape()
    {
        var entry = RiskEngine.WhatIf(Conf(DataCategory.Contact) with { DataSubjects = 40, Exposure = Exposure.UnknownRecipients })
            .First(e => e.Fact == "protection");
        var json = JsonSerializer.Serialize<object>(entry, HandlerJson);
        Assert.Equal("""{"fact":"protection","value":"encrypted","risk":"unlikely","notifyAuthority":false,"notifyDataSubjects":false,"publicCommunication":false}""", json);
    }
}
