using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BreachNotify.Application.Email;

namespace BreachNotify.Application.Notices.Recipients;

/// <summary>
/// Where a recipient is stored. Partition <c>{incidentId}|{shard:00}</c> spreads an incident's recipients over
/// <see cref="Shards"/> partitions (Table storage writes partitions in parallel, ~2,000 entities/s each); the row key
/// is the SHA-256 hex of the lower-cased address, so an address is stored once per incident however often it is
/// uploaded, and never appears in a key.
/// </summary>
public static class RecipientKeys
{
    internal const string Table = "Recipients";
    public const int Shards = 16;

    /// <summary>Per-partition counters, kept in the same transaction as the rows; '~' sorts after every hex row key.</summary>
    internal const string StatsRow = "~stats";

    /// <summary>Row key range of the recipients in a partition: hex digits only ("0" ≤ rk &lt; "g").</summary>
    internal const string FirstRowKey = "0";
    internal const string EndRowKey = "g";

    /// <summary>Partition <c>holders</c>: one row per incident that may hold recipients' personal data (read by the retention timer).</summary>
    internal const string HoldersPartition = "holders";

    /// <summary>Markers in the holders partition; '~' sorts after every incident id.</summary>
    internal const string HoldersMarkerPrefix = "~";

    /// <summary>Partition <c>{incidentId}|erasure</c>: the erasure in progress (row <see cref="ErasureRow"/>).</summary>
    internal static string ErasurePartition(string incidentId) => incidentId + "|erasure";

    internal const string ErasureRow = "pending";

    /// <summary>The dedupe form: the address as the senders write it (domain in its ASCII form, <see cref="EmailAddresses.ToAscii"/>),
    /// lower-cased, so <c>anna@bücher.de</c> and the <c>anna@xn--bcher-kva.de</c> a provider echoes back are one recipient.
    /// An address that cannot be sent is only trimmed and lower-cased (ASCII addresses give the same either way).</summary>
    public static string Normalize(string address) => (EmailAddresses.ToAscii(address, out _) ?? address.Trim()).ToLowerInvariant();

    public static byte[] Hash(string address) => SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(address)));

    public static string RowKey(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    public static int Shard(ReadOnlySpan<byte> hash) => hash[0] % Shards;

    /// <summary>The shard of a row key (its first byte in hex).</summary>
    public static int ShardOfRowKey(string rowKey) => byte.Parse(rowKey.AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) % Shards;

    internal static string Partition(string incidentId, int shard) => incidentId + "|" + shard.ToString("00", CultureInfo.InvariantCulture);
}

/// <summary>
/// A recipient's SHA-256 as four big-endian words: equal and ordered exactly as its hex key (<see cref="RecipientKeys.RowKey"/>),
/// without holding the 64-character string.
/// </summary>
public readonly record struct RecipientHash(ulong A, ulong B, ulong C, ulong D)
{
    public static RecipientHash Of(ReadOnlySpan<byte> hash) => new(
        BinaryPrimitives.ReadUInt64BigEndian(hash), BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(hash[16..]), BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));

    public int Shard => (int)(A >> 56) % RecipientKeys.Shards;

    public string ToKey()
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, A);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], D);
        return RecipientKeys.RowKey(bytes);
    }

    /// <summary>The order of the hex keys.</summary>
    public static int Compare(RecipientHash x, RecipientHash y)
    {
        var c = x.A.CompareTo(y.A);
        if (c == 0) c = x.B.CompareTo(y.B);
        if (c == 0) c = x.C.CompareTo(y.C);
        return c != 0 ? c : x.D.CompareTo(y.D);
    }
}
