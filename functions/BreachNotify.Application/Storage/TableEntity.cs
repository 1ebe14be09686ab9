namespace BreachNotify.Application.Storage;

/// <summary>
/// An entity with Azure Table storage semantics: a partition key, a row key, an ETag for optimistic
/// concurrency and a bag of typed properties. Supported property types are those Table storage can
/// hold: string, bool, int, long, double, DateTimeOffset (UTC), Guid and byte[].
/// </summary>
public sealed class TableEntity
{
    public TableEntity(string partitionKey, string rowKey)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; }
    public string RowKey { get; }

    /// <summary>Set by the store on read and write; opaque to callers.</summary>
    public string? ETag { get; set; }

    /// <summary>Last modification as recorded by the store.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    public Dictionary<string, object?> Properties { get; } = new(StringComparer.Ordinal);

    public object? this[string name]
    {
        get => Properties.TryGetValue(name, out var v) ? v : null;
        set => Properties[name] = value is null ? null : TableValues.Normalize(value, name);
    }

    public string? GetString(string name) => this[name] as string;
    public long? GetInt64(string name) => this[name] switch { long l => l, int i => i, _ => null };
    public int? GetInt32(string name) => this[name] switch { int i => i, long l => checked((int)l), _ => null };
    public bool? GetBoolean(string name) => this[name] as bool?;
    public double? GetDouble(string name) => this[name] switch { double d => d, int i => i, long l => l, _ => null };
    public DateTimeOffset? GetDateTimeOffset(string name) => this[name] as DateTimeOffset?;
    public Guid? GetGuid(string name) => this[name] as Guid?;
    public byte[]? GetBinary(string name) => this[name] as byte[];

    public TableEntity Clone()
    {
        var copy = new TableEntity(PartitionKey, RowKey) { ETag = ETag, Timestamp = Timestamp };
        foreach (var (k, v) in Properties) copy.Properties[k] = v is byte[] b ? (byte[])b.Clone() : v;
        return copy;
    }
}

/// <summary>Key rules shared by every store so that data valid in SQLite is valid in Table storage.</summary>
public static class TableKeys
{
    // Table storage forbids '/', '\', '#', '?' and control characters in keys and caps them at 1 KiB.
    // https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model
    public const int MaxKeyLength = 512; // characters; 1 KiB in UTF-16

    public static void Validate(string key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length > MaxKeyLength)
            throw new ArgumentException($"Key is longer than {MaxKeyLength} characters.", paramName);
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
                throw new ArgumentException($"Key contains a character Table storage does not allow (U+{(int)c:X4}).", paramName);
        }
    }
}

public static class TableValues
{
    /// <summary>Checks a value is of a supported type and normalises DateTimeOffset to UTC.</summary>
    public static object Normalize(object value, string name) => value switch
    {
        string or bool or int or long or double or Guid or byte[] => value,
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()),
        _ => throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", name),
    };
}

/// <summary>Table names as Table storage accepts them: 3–63 letters or digits, starting with a letter.</summary>
public static class TableNames
{
    public static void Validate(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Length is < 3 or > 63 || !char.IsAsciiLetter(table[0]) || !table.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"'{table}' is not a valid table name (3–63 letters or digits, starting with a letter).", nameof(table));
    }
}
