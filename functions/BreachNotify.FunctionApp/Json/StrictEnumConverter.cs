using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BreachNotify.FunctionApp.Json;

/// <summary>
/// Enums as kebab-case strings (official-id, unknown-recipients...). Unknown values and numbers are rejected with a
/// message listing the allowed values, so a client knows how to fix the field.
/// </summary>
public sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;
}

public sealed class StrictEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    private static readonly ConcurrentDictionary<T, string> s_names = new();
    private static readonly Dictionary<string, T> s_byName = Enum.GetValues<T>().ToDictionary(v => Wire(v), v => v, StringComparer.Ordinal);
    private static readonly string s_allowed = string.Join(", ", s_byName.Keys);

    public static string Wire(T value) => s_names.GetOrAdd(value, v => JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString()));

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"Expected a string: one of {s_allowed}.");
        var text = reader.GetString()!;
        return s_byName.TryGetValue(text, out var value) ? value : throw new JsonException($"Unknown value '{Truncate(text)}'; use one of {s_allowed}.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Wire(value));

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString()!;
        return s_byName.TryGetValue(text, out var value) ? value : throw new JsonException($"Unknown key '{Truncate(text)}'; use one of {s_allowed}.");
    }

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(Wire(value));

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
