using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BreachNotify.Domain.Incidents;

/// <summary>
/// The hash chain that makes the timeline (the Art 33(5) record) tamper-evident. Entry n carries
/// <c>hash(n) = hex(SHA-256(ASCII(hash(n-1)) ‖ UTF-8(canonical(n))))</c>, and <c>hash(0)</c>, the genesis, is
/// <c>hex(SHA-256(UTF-8(incident id)))</c>, so a chain belongs to one incident. Hex is lowercase, 64 characters.
/// <para>
/// <c>canonical(n)</c> is the entry as one JSON object in the JSON Canonicalization Scheme (RFC 8785): members
/// <c>action, actor, actorRole, at, changes, details, note, sequence</c> (sorted by name), each change an object
/// <c>field, newValue, oldValue</c>; absent values are <c>null</c>, never left out; <c>at</c> is the UTC instant as
/// <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c> (always 7 fractional digits, the stored precision); <c>details</c> is the
/// stored JSON text as a string, not re-parsed; <c>sequence</c> is an integer. No whitespace; strings escape only
/// <c>"</c>, <c>\</c> and controls below U+0020 (<c>\b \t \n \f \r</c>, else <c>\u00xx</c> lowercase), everything
/// else is written as itself in UTF-8. A lone surrogate, which has no UTF-8 form, is written as its 3-byte generalized
/// UTF-8 form (what Python's <c>"surrogatepass"</c> produces), so hashing never fails on stored text.
/// </para>
/// Written by hand (docs/audit.md says why): no package on the feed implements RFC 8785, and System.Text.Json's
/// encoders escape more than RFC 8785 allows (non-ASCII, supplementary planes, HTML-sensitive characters).
/// </summary>
public static class TimelineChain
{
    /// <summary>The format of <see cref="TimelineEntry.At"/> in the canonical form.</summary>
    public const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The value entry 1 chains from: the SHA-256 of the incident id.</summary>
    public static string Genesis(string incidentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(incidentId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(incidentId)));
    }

    public static string FormatInstant(DateTimeOffset at) => at.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture);

    /// <summary>The hash of <paramref name="entry"/> chained to <paramref name="previousHash"/> (its <see cref="TimelineEntry.Hash"/> is ignored).</summary>
    public static string Hash(string previousHash, TimelineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(entry);
        var canonical = Canonical(entry);
        var input = new byte[previousHash.Length + canonical.Length];
        Encoding.ASCII.GetBytes(previousHash, input);
        canonical.CopyTo(input, previousHash.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>The entry's canonical JSON (RFC 8785) as UTF-8 bytes; see the class summary for the members.</summary>
    public static byte[] Canonical(TimelineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var w = new CanonicalWriter();
        w.Raw("{\"action\":"); w.String(entry.Action);
        w.Raw(",\"actor\":"); w.String(entry.Actor);
        w.Raw(",\"actorRole\":"); w.String(entry.ActorRole);
        w.Raw(",\"at\":"); w.String(FormatInstant(entry.At));
        w.Raw(",\"changes\":[");
        var first = true;
        foreach (var c in entry.Changes ?? [])
        {
            if (!first) w.Raw(",");
            first = false;
            w.Raw("{\"field\":"); w.String(c.Field);
            w.Raw(",\"newValue\":"); w.String(c.NewValue);
            w.Raw(",\"oldValue\":"); w.String(c.OldValue);
            w.Raw("}");
        }
        w.Raw("],\"details\":"); w.String(entry.Details);
        w.Raw(",\"note\":"); w.String(entry.Note);
        w.Raw(",\"sequence\":"); w.Raw(entry.Sequence.ToString(CultureInfo.InvariantCulture));
        w.Raw("}");
        return w.ToArray();
    }

    /// <summary>
    /// The head of a timeline recorded before hashing (entries without <see cref="TimelineEntry.Hash"/>): the chain
    /// computed over the entries as they are now. It proves nothing about them before this moment; once new entries
    /// chain from it, a later edit of these entries breaks the chain.
    /// </summary>
    public static string LegacyHead(string incidentId, IEnumerable<TimelineEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var head = Genesis(incidentId);
        foreach (var e in entries) head = Hash(head, e);
        return head;
    }

    /// <summary>
    /// Checks a stored timeline against its chain and against the head and count the incident's state recorded with
    /// its last change. The first problem found is reported; entries recorded before hashing (the first
    /// <paramref name="legacyEntries"/>, carrying no hash) are chained by recomputation but never count as verified.
    /// </summary>
    public static ChainVerification Verify(string incidentId, IReadOnlyList<TimelineEntry> entries, long recordedCount, string? recordedHead, long legacyEntries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var genesis = Genesis(incidentId);
        var previous = genesis;
        ChainBreak? broken = null;
        var legacy = 0L;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var position = i + 1L;
            var computed = Hash(previous, e);
            if (broken is null)
            {
                if (e.Sequence != position)
                {
                    var later = entries.Skip(i + 1).Any(x => x.Sequence == position);
                    broken = new ChainBreak(position, e.Sequence > position && !later
                        ? $"Entry {position} is missing (the next stored entry is {e.Sequence})."
                        : $"Entry {e.Sequence} is stored in position {position}: the entries were reordered or duplicated.");
                }
                else if (e.Hash is null)
                {
                    if (position <= legacyEntries) legacy++;
                    else broken = new ChainBreak(position, "The entry carries no hash although it was recorded after the timeline was chained.");
                }
                else if (!string.Equals(e.Hash, computed, StringComparison.Ordinal))
                {
                    broken = new ChainBreak(position, "The entry's hash does not match its content and the entry before it: it was changed, or an entry before it was.");
                }
            }
            // Follow the stored hashes so that one edited entry is reported once, not again at every later entry.
            previous = e.Hash ?? computed;
        }
        var head = entries.Count == 0 ? null : previous;
        if (broken is null && entries.Count != recordedCount)
        {
            broken = entries.Count < recordedCount
                ? new ChainBreak(entries.Count + 1, $"Entry {entries.Count + 1} is missing: the incident recorded {recordedCount} entries, {entries.Count} are stored.")
                : new ChainBreak(recordedCount + 1, $"Entry {recordedCount + 1} was not written by a change of the incident (it recorded {recordedCount} entries).");
        }
        if (broken is null && recordedHead is not null && head is not null && !string.Equals(head, recordedHead, StringComparison.Ordinal))
            broken = new ChainBreak(entries.Count, "The last entry's hash differs from the head recorded with the incident: the chain was rewritten.");
        if (broken is null && legacy > 0)
        {
            return new ChainVerification(genesis, head, false, false, legacy,
                new ChainBreak(1, $"Entries 1–{legacy} were recorded before the timeline was hash-chained: their content cannot be verified."));
        }
        return new ChainVerification(genesis, head, broken is null, broken is not null, legacy, broken);
    }

    /// <summary>RFC 8785 string and literal output (only what a timeline entry needs: strings, null, integers).</summary>
    private sealed class CanonicalWriter
    {
        private readonly List<byte> _out = new(256);

        public void Raw(string ascii)
        {
            foreach (var c in ascii) _out.Add((byte)c);
        }

        public void String(string? value)
        {
            if (value is null) { Raw("null"); return; }
            _out.Add((byte)'"');
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                switch (c)
                {
                    case '"': Raw("\\\""); break;
                    case '\\': Raw("\\\\"); break;
                    case '\b': Raw("\\b"); break;
                    case '\t': Raw("\\t"); break;
                    case '\n': Raw("\\n"); break;
                    case '\f': Raw("\\f"); break;
                    case '\r': Raw("\\r"); break;
                    case < ' ': Raw("\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                    default:
                        if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                        {
                            Scalar(char.ConvertToUtf32(c, value[i + 1]));
                            i++;
                        }
                        else Scalar(c); // a lone surrogate gets its generalized UTF-8 form, like any code point below U+10000
                        break;
                }
            }
            _out.Add((byte)'"');
        }

        private void Scalar(int cp)
        {
            if (cp < 0x80) _out.Add((byte)cp);
            else if (cp < 0x800) { _out.Add((byte)(0xC0 | (cp >> 6))); _out.Add((byte)(0x80 | (cp & 0x3F))); }
            else if (cp < 0x10000)
            {
                _out.Add((byte)(0xE0 | (cp >> 12)));
                _out.Add((byte)(0x80 | ((cp >> 6) & 0x3F)));
                _out.Add((byte)(0x80 | (cp & 0x3F)));
            }
            else
            {
                _out.Add((byte)(0xF0 | (cp >> 18)));
                _out.Add((byte)(0x80 | ((cp >> 12) & 0x3F)));
                _out.Add((byte)(0x80 | ((cp >> 6) & 0x3F)));
                _out.Add((byte)(0x80 | (cp & 0x3F)));
            }
        }

        public byte[] ToArray() => _out.ToArray();
    }
}

/// <summary>Where a timeline's chain first breaks: the 1-based position (= sequence) of the entry, and why.</summary>
public sealed record ChainBreak(long Sequence, string Reason);

/// <summary>
/// The result of <see cref="TimelineChain.Verify"/>. <see cref="Valid"/> only when every entry carries a hash that
/// matches, no entry is missing and the head equals the one recorded with the incident; entries recorded before
/// hashing make it false (<see cref="FirstInvalid"/> says so), never silently valid. <see cref="Broken"/> when the
/// stored record contradicts its chain (then <see cref="FirstInvalid"/> names where), as opposed to being unverifiable.
/// </summary>
public sealed record ChainVerification(string Genesis, string? HeadHash, bool Valid, bool Broken, long LegacyEntries, ChainBreak? FirstInvalid);
