using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// Entities in the Table service's JSON (OData v3) format.
/// Write: String, Boolean and Int32 are plain JSON values; Int64 is a string annotated <c>"Name@odata.type":"Edm.Int64"</c>;
/// Double is annotated <c>Edm.Double</c> (a whole double such as 2.0 would otherwise be read back as Int32; NaN/±Infinity as strings);
/// DateTimeOffset is <c>Edm.DateTime</c> (UTC, ISO 8601, 7 fractional digits); Guid <c>Edm.Guid</c>; byte[] <c>Edm.Binary</c> (base64).
/// Null properties are not sent (Table storage has no nulls).
/// Read (odata=minimalmetadata): annotated properties by their annotation, else string/bool, and numbers as Int32 when the
/// literal is integral and fits, otherwise Double.
/// Docs: https://learn.microsoft.com/rest/api/storageservices/payload-format-for-table-service-operations
/// and https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#property-types
/// </summary>
public static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";

    public static byte[] Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // Not HTML: keep ', +, & and non-ASCII text as UTF-8 instead of \uXXXX escapes (smaller payloads); quotes/controls are still escaped.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(w, entity);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter w, TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(entity);
        w.WriteStartObject();
        w.WriteString("PartitionKey", entity.PartitionKey);
        w.WriteString("RowKey", entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            if (value is null) continue;
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.Contains('@', StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal))
                throw new ArgumentException($"'{name}' is a reserved property name.", nameof(entity));
            switch (value)
            {
                case string s: w.WriteString(name, s); break;
                case bool b: w.WriteBoolean(name, b); break;
                case int i: w.WriteNumber(name, i); break;
                case long l:
                    w.WriteString(name + TypeSuffix, "Edm.Int64");
                    w.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                    break;
                case double d:
                    w.WriteString(name + TypeSuffix, "Edm.Double");
                    if (double.IsNaN(d)) w.WriteString(name, "NaN");
                    else if (double.IsPositiveInfinity(d)) w.WriteString(name, "Infinity");
                    else if (double.IsNegativeInfinity(d)) w.WriteString(name, "-Infinity");
                    else w.WriteNumber(name, d);
                    break;
                case DateTimeOffset t:
                    w.WriteString(name + TypeSuffix, "Edm.DateTime");
                    w.WriteString(name, FormatDateTime(t));
                    break;
                case DateTime dt:
                    w.WriteString(name + TypeSuffix, "Edm.DateTime");
                    w.WriteString(name, FormatDateTime((DateTimeOffset)TableValues.Normalize(dt, name)));
                    break;
                case Guid g:
                    w.WriteString(name + TypeSuffix, "Edm.Guid");
                    w.WriteString(name, g.ToString("D"));
                    break;
                case byte[] x:
                    w.WriteString(name + TypeSuffix, "Edm.Binary");
                    w.WriteBase64String(name, x);
                    break;
                default:
                    throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(entity));
            }
        }
        w.WriteEndObject();
    }

    public static string FormatDateTime(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads one entity object (a GET body or an element of a query's <c>value</c> array).</summary>
    public static TableEntity Read(JsonElement element, string? etagHeader = null)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new FormatException("An entity must be a JSON object.");
        var pk = element.TryGetProperty("PartitionKey", out var p) ? p.GetString() : null;
        var rk = element.TryGetProperty("RowKey", out var r) ? r.GetString() : null;
        if (pk is null || rk is null) throw new FormatException("The entity has no PartitionKey or RowKey (was $select used without them?).");
        var entity = new TableEntity(pk, rk);
        entity.ETag = element.TryGetProperty("odata.etag", out var etag) ? etag.GetString() : etagHeader;

        foreach (var prop in element.EnumerateObject())
        {
            var name = prop.Name;
            if (name is "PartitionKey" or "RowKey" || name.StartsWith("odata.", StringComparison.Ordinal) || name.EndsWith(TypeSuffix, StringComparison.Ordinal))
                continue;
            var edmType = element.TryGetProperty(name + TypeSuffix, out var t) ? t.GetString() : null;
            var value = ReadValue(prop.Value, edmType, name);
            if (name == "Timestamp")
            {
                entity.Timestamp = value switch
                {
                    DateTimeOffset dto => dto,
                    string s => ParseDateTime(s),
                    _ => null,
                };
                continue;
            }
            if (value is not null) entity.Properties[name] = value;
        }
        return entity;
    }

    private static object? ReadValue(JsonElement v, string? edmType, string name)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        switch (edmType)
        {
            case null:
                return v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => IsIntegralLiteral(v) && v.TryGetInt32(out var i) ? (object)i : v.GetDouble(),
                    _ => throw new FormatException($"Property '{name}' has an unsupported JSON value kind {v.ValueKind}."),
                };
            case "Edm.String": return v.GetString();
            case "Edm.Boolean": return v.GetBoolean();
            case "Edm.Int32": return v.ValueKind == JsonValueKind.String ? int.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetInt32();
            case "Edm.Int64": return v.ValueKind == JsonValueKind.String ? long.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetInt64();
            case "Edm.Double":
                if (v.ValueKind == JsonValueKind.String)
                {
                    return v.GetString() switch
                    {
                        "NaN" => double.NaN,
                        "Infinity" or "INF" => double.PositiveInfinity,
                        "-Infinity" or "-INF" => double.NegativeInfinity,
                        var s => double.Parse(s!, NumberStyles.Float, CultureInfo.InvariantCulture),
                    };
                }
                return v.GetDouble();
            case "Edm.DateTime": return ParseDateTime(v.GetString()!);
            case "Edm.Guid": return Guid.Parse(v.GetString()!);
            case "Edm.Binary": return v.GetBytesFromBase64();
            default: throw new FormatException($"Property '{name}' has unsupported type '{edmType}'.");
        }
    }

    private static bool IsIntegralLiteral(JsonElement v)
    {
        var raw = v.GetRawText();
        return raw.IndexOfAny(['.', 'e', 'E']) < 0;
    }

    public static DateTimeOffset ParseDateTime(string s)
        => new(DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
