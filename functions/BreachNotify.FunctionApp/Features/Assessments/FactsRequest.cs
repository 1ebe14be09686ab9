using System.Text.Json;
using System.Text.Json.Nodes;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Risk;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Json;

namespace BreachNotify.FunctionApp.Features.Assessments;

/// <summary>
/// The facts of a breach as clients send them (the assessment contract). Required: breachTypes, dataCategories,
/// dataSubjects; for a confidentiality breach also exposure and exfiltration, because defaulting them would
/// silently under-rate the risk. Everything else defaults to the harmless value.
/// </summary>
public sealed record FactsRequest(
    IReadOnlyList<BreachType>? BreachTypes = null,
    IReadOnlyList<DataCategory>? DataCategories = null,
    long? DataSubjects = null,
    long? Records = null,
    bool VulnerableSubjects = false,
    Protection Protection = Protection.None,
    bool ProtectionCompromised = false,
    Exposure? Exposure = null,
    Exfiltration? Exfiltration = null,
    bool MaliciousIntent = false,
    AvailabilityImpact AvailabilityImpact = AvailabilityImpact.None,
    IntegrityImpact IntegrityImpact = IntegrityImpact.None,
    bool Contained = false,
    bool MisuseObserved = false,
    bool DisproportionateEffort = false,
    long? Recipients = null,
    bool OpenRecipientList = false)
{
    public BreachFacts ToFacts(string fieldPrefix = "")
    {
        var errors = new FieldErrors();
        if (BreachTypes is null) errors.Add(fieldPrefix + "breachTypes", "Required: one or more of confidentiality, integrity, availability.");
        if (DataCategories is null) errors.Add(fieldPrefix + "dataCategories", "Required: at least one data category.");
        if (DataSubjects is null) errors.Add(fieldPrefix + "dataSubjects", "Required: the approximate number of people affected.");
        if (BreachTypes?.Contains(BreachType.Confidentiality) == true)
        {
            if (Exposure is null) errors.Add(fieldPrefix + "exposure", "Required for a confidentiality breach: none, trusted-recipient, known-recipients or unknown-recipients.");
            if (Exfiltration is null) errors.Add(fieldPrefix + "exfiltration", "Required for a confidentiality breach: ruled-out, unknown or confirmed.");
        }
        errors.ThrowIfAny();
        return new BreachFacts
        {
            BreachTypes = BreachTypes!,
            DataCategories = DataCategories!,
            DataSubjects = DataSubjects!.Value,
            Records = Records,
            VulnerableSubjects = VulnerableSubjects,
            Protection = Protection,
            ProtectionCompromised = ProtectionCompromised,
            Exposure = Exposure ?? Domain.Risk.Exposure.None,
            Exfiltration = Exfiltration ?? Domain.Risk.Exfiltration.RuledOut,
            MaliciousIntent = MaliciousIntent,
            AvailabilityImpact = AvailabilityImpact,
            IntegrityImpact = IntegrityImpact,
            Contained = Contained,
            MisuseObserved = MisuseObserved,
            DisproportionateEffort = DisproportionateEffort,
            Recipients = Recipients,
            OpenRecipientList = OpenRecipientList,
        };
    }

    public static FactsRequest From(BreachFacts f) => new(f.BreachTypes, f.DataCategories, f.DataSubjects, f.Records, f.VulnerableSubjects,
        f.Protection, f.ProtectionCompromised, f.Exposure, f.Exfiltration, f.MaliciousIntent, f.AvailabilityImpact, f.IntegrityImpact,
        f.Contained, f.MisuseObserved, f.DisproportionateEffort, f.Recipients, f.OpenRecipientList);

    /// <summary>Applies a JSON merge patch (RFC 7396) to the current facts and validates the result.</summary>
    public static BreachFacts Merge(BreachFacts? current, JsonElement patch, string fieldPrefix)
    {
        if (patch.ValueKind != JsonValueKind.Object)
            throw new BadRequestBodyException(fieldPrefix.TrimEnd('.'), "facts must be an object (a merge patch of the current facts).");
        var target = current is null ? new JsonObject() : JsonSerializer.SerializeToNode(From(current), ApiJson.Options)!.AsObject();
        var merged = MergePatch(target, JsonNode.Parse(patch.GetRawText()));
        FactsRequest request;
        try
        {
            request = merged.Deserialize<FactsRequest>(ApiJson.Options)!;
        }
        catch (JsonException ex)
        {
            throw new BadRequestBodyException(fieldPrefix + ProblemResults.FieldFromPath(ex.Path), ProblemResults.CleanMessage(ex.Message));
        }
        return request.ToFacts(fieldPrefix);
    }

    /// <summary>RFC 7396 §2: objects merge member by member, null removes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null) result.Remove(name);
            else result[name] = MergePatch(result[name], value);
        }
        return result;
    }
}
