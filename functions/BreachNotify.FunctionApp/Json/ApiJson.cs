using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace BreachNotify.FunctionApp.Json;

/// <summary>The API's JSON rules: camelCase, kebab-case enum strings (numbers rejected), unknown fields rejected, instants with an explicit offset.</summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.PropertyNameCaseInsensitive = false;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // A typo in a field name must not silently drop a fact.
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // A field sent twice has no agreed meaning (RFC 8259 §4): refuse it rather than keep the last (BreachNotify.Application.Common.StrictJson).
        o.AllowDuplicateProperties = false;
        o.Converters.Add(new StrictEnumConverterFactory());
        o.Converters.Add(new StrictDateTimeOffsetConverter());
        o.Converters.Add(new StrictNullableDateTimeOffsetConverter());
    }

    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(o);
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>Instants are written in UTC with a 'Z', without needless fractional digits.</summary>
    public static string FormatInstant(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Accepts only ISO 8601 instants that carry an offset ('Z' or ±hh:mm): a local time without an offset is
/// ambiguous, and a deadline computed from it could be off by hours.
/// </summary>
public sealed partial class StrictDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex InstantPattern();

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("Expected an ISO 8601 date-time string with an offset.");
        return Parse(reader.GetString()!);
    }

    public static DateTimeOffset Parse(string text)
    {
        if (!InstantPattern().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            throw new JsonException($"'{text}' is not an ISO 8601 date-time with an offset (e.g. 2026-03-27T10:15:00+01:00 or 2026-03-27T09:15:00Z).");
        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        => writer.WriteStringValue(ApiJson.FormatInstant(value));
}

public sealed class StrictNullableDateTimeOffsetConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("Expected an ISO 8601 date-time string with an offset.");
        return StrictDateTimeOffsetConverter.Parse(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteStringValue(ApiJson.FormatInstant(value.Value));
    }
}
