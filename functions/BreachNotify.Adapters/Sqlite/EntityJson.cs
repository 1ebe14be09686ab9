using System.Buffers;
using System.Globalization;
using System.Text.Json;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Sqlite;

/// <summary>
/// Encodes an entity's typed properties as compact JSON: {"Name":["s","text"],"Count":["l",42],...}.
/// The type tag keeps Int32 vs Int64, DateTime, Guid and Binary distinct, as Table storage's EDM types do.
/// Null properties are not stored (Table storage has no nulls either).
/// </summary>
internal static class EntityJson
{
    public static string Serialize(IReadOnlyDictionary<string, object?> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                if (value is null) continue;
                w.WriteStartArray(name);
                switch (value)
                {
                    case string s: w.WriteStringValue("s"); w.WriteStringValue(s); break;
                    case bool b: w.WriteStringValue("b"); w.WriteBooleanValue(b); break;
                    case int i: w.WriteStringValue("i"); w.WriteNumberValue(i); break;
                    case long l: w.WriteStringValue("l"); w.WriteStringValue(l.ToString(CultureInfo.InvariantCulture)); break;
                    case double d: w.WriteStringValue("d"); w.WriteNumberValue(d); break;
                    case DateTimeOffset t: w.WriteStringValue("t"); w.WriteStringValue(t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)); break;
                    case Guid g: w.WriteStringValue("g"); w.WriteStringValue(g); break;
                    case byte[] x: w.WriteStringValue("x"); w.WriteBase64StringValue(x); break;
                    default: throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.");
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Deserialize(string json, IDictionary<string, object?> into)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var tag = p.Value[0].GetString();
            var v = p.Value[1];
            into[p.Name] = tag switch
            {
                "s" => v.GetString(),
                "b" => v.GetBoolean(),
                "i" => v.GetInt32(),
                "l" => long.Parse(v.GetString()!, CultureInfo.InvariantCulture),
                "d" => v.GetDouble(),
                "t" => new DateTimeOffset(DateTime.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime(), TimeSpan.Zero),
                "g" => v.GetGuid(),
                "x" => v.GetBytesFromBase64(),
                _ => throw new StorageException($"Corrupt entity: unknown type tag '{tag}' on '{p.Name}'."),
            };
        }
    }
}
