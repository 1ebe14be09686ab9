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

    /// <summary>Reads the properties from the stored UTF-8 JSON; with <paramref name="select"/>, only those named.</summary>
    public static void Deserialize(ReadOnlySpan<byte> utf8, Dictionary<string, object?> into, IReadOnlySet<string>? select = null)
    {
        into.EnsureCapacity(8); // most entities have a handful of properties: one allocation instead of growing from 0 to 3 to 7
        var names = t_names ??= new CachedName[MaxCachedNames];
        var r = new Utf8JsonReader(utf8);
        Expect(ref r, JsonTokenType.StartObject);
        for (var position = 0; Next(ref r) == JsonTokenType.PropertyName; position++)
        {
            var name = Name(ref r, names, position);
            Expect(ref r, JsonTokenType.StartArray);
            Expect(ref r, JsonTokenType.String);
            var tag = r.ValueSpan.Length == 1 ? (char)r.ValueSpan[0] : '?';
            Next(ref r);
            if (select is null || select.Contains(name))
            {
                into[name] = tag switch
                {
                    's' => r.GetString(),
                    'b' => r.GetBoolean(),
                    'i' => r.GetInt32(),
                    'l' => long.Parse(r.GetString()!, CultureInfo.InvariantCulture),
                    'd' => r.GetDouble(),
                    't' => new DateTimeOffset(DateTime.Parse(r.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime(), TimeSpan.Zero),
                    'g' => r.GetGuid(),
                    'x' => r.GetBytesFromBase64(),
                    _ => throw new StorageException($"Corrupt entity: unknown type tag on '{name}'."),
                };
            }
            Expect(ref r, JsonTokenType.EndArray);
        }
    }

    /// <summary>
    /// The property name, without allocating when it is the name this thread last read at the same position: rows of one
    /// table hold the same names in the same order, and a read of many rows would otherwise allocate every name again.
    /// </summary>
    private static string Name(ref Utf8JsonReader r, CachedName[] names, int position)
    {
        if (position >= names.Length || r.ValueIsEscaped) return r.GetString()!;
        ref var cached = ref names[position];
        if (cached.Utf8 is not null && r.ValueSpan.SequenceEqual(cached.Utf8)) return cached.Name;
        var name = r.GetString()!;
        cached = new CachedName(r.ValueSpan.ToArray(), name);
        return name;
    }

    private const int MaxCachedNames = 16;

    private readonly record struct CachedName(byte[] Utf8, string Name);

    [ThreadStatic] private static CachedName[]? t_names;

    private static JsonTokenType Next(ref Utf8JsonReader r)
        => r.Read() ? r.TokenType : throw new StorageException("Corrupt entity: truncated properties.");

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (Next(ref r) != type) throw new StorageException($"Corrupt entity: expected {type}, found {r.TokenType}.");
    }
}
