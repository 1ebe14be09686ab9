using System.Text.Json;
using BreachNotify.Domain.Common;
using BreachNotify.Domain.Incidents;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Json;

namespace BreachNotify.FunctionApp.Features.Incidents;

/// <summary>
/// Reads a JSON merge patch (RFC 7396) of an incident's facts: absent members stay, null clears optional ones.
/// Parsed by hand so that "absent" and "null" differ and every error names its field.
/// </summary>
public static class IncidentMergePatch
{
    /// <summary>Parses the patch; a "facts" member is returned separately (it is merged into the current facts, RFC 7396).</summary>
    public static (IncidentChanges Changes, JsonElement? FactsPatch) Parse(JsonElement root)
    {
        JsonElement? factsPatch = null;
        if (root.ValueKind != JsonValueKind.Object) throw new BadRequestBodyException("$", "A merge patch must be a JSON object.");
        var c = new IncidentChanges();
        var errors = new FieldErrors();
        foreach (var p in root.EnumerateObject())
        {
            try
            {
                if (p.Name == "facts")
                {
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new JsonException("facts must be an object; facts cannot be removed once recorded.");
                    factsPatch = p.Value.Clone();
                    continue;
                }
                c = p.Name switch
                {
                    "title" => c with { Title = Optional<string>.Of(RequiredString(p)) },
                    "description" => c with { Description = Optional<string?>.Of(NullableString(p)) },
                    "owner" => c with { Owner = Optional<string?>.Of(NullableString(p)) },
                    "controllerCustomer" => c with { ControllerCustomer = Optional<string?>.Of(NullableString(p)) },
                    "detectedAt" => c with { DetectedAt = Optional<DateTimeOffset>.Of(Instant(p) ?? throw new JsonException("detectedAt cannot be cleared.")) },
                    "occurredAt" => c with { OccurredAt = Optional<DateTimeOffset?>.Of(Instant(p)) },
                    "awareAt" => c with { AwareAt = Optional<DateTimeOffset>.Of(Instant(p) ?? throw new JsonException("awareAt cannot be cleared; dismiss the incident instead.")) },
                    "awareAtChangeReason" => c with { AwareAtChangeReason = NullableString(p) },
                    "role" => c with { Role = Optional<ProcessingRole>.Of(p.Value.Deserialize<ProcessingRole>(ApiJson.Options)) },
                    "countries" => c with { Countries = Optional<IReadOnlyList<string>>.Of(p.Value.ValueKind == JsonValueKind.Null ? [] : p.Value.Deserialize<List<string>>(ApiJson.Options)!) },
                    _ => throw new JsonException(p.Name is "id" or "status" or "reporter" or "source" or "createdAt" or "timeline"
                        ? "This field cannot be changed by PATCH."
                        : "Unknown field."),
                };
            }
            catch (JsonException ex)
            {
                errors.Add(p.Name, ProblemResults.CleanMessage(ex.Message));
            }
            catch (InvalidOperationException)
            {
                errors.Add(p.Name, "Wrong JSON type.");
            }
        }
        errors.ThrowIfAny();
        return (c, factsPatch);
    }

    private static string RequiredString(JsonProperty p)
        => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new JsonException("Expected a string.");

    private static string? NullableString(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => p.Value.GetString(),
        _ => throw new JsonException("Expected a string or null."),
    };

    private static DateTimeOffset? Instant(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => StrictDateTimeOffsetConverter.Parse(p.Value.GetString()!),
        _ => throw new JsonException("Expected an ISO 8601 date-time string with an offset."),
    };
}
