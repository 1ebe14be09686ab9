using System.Globalization;
using System.Text;

namespace BreachNotify.Adapters.Outbox;

/// <summary>Small RFC 5322 / MIME (RFC 2045–2047) writer: header encoding and quoted-printable bodies, CRLF line ends.</summary>
internal static class MimeWriter
{
    private const int MaxEncodedWordBytes = 45; // 60 base64 chars + "=?utf-8?B?" + "?=" = 72 ≤ 75 (RFC 2047 §2)
    private const int MaxQpLineLength = 76;     // RFC 2045 §6.7 rule 5

    /// <summary>RFC 5322 §3.3 date-time, e.g. <c>Thu, 05 Nov 2026 09:30:00 +0000</c>.</summary>
    public static string FormatDate(DateTimeOffset value)
    {
        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return value.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) +
               string.Create(CultureInfo.InvariantCulture, $"{sign}{abs.Hours:00}{abs.Minutes:00}");
    }

    /// <summary>Unstructured header text (Subject, X- headers): raw when short printable ASCII, else RFC 2047 B encoded-words.</summary>
    /// <param name="headerNameLength">Length of the field name, so the first line with encoded-words stays ≤ 76 characters.</param>
    public static string EncodeUnstructured(string value, int headerNameLength)
    {
        if (IsPlainAscii(value) && value.Length <= 900)
        {
            return value;
        }

        return EncodeWords(value, headerNameLength + 2);
    }

    /// <summary>Mailbox (RFC 5322 §3.4): <c>display-name &lt;addr-spec&gt;</c> with the name as atoms, a quoted string or encoded-words.</summary>
    public static string FormatMailbox(string address, string? name, int headerNameLength)
    {
        var addrSpec = FormatAddrSpec(address);
        if (string.IsNullOrWhiteSpace(name))
        {
            return "<" + addrSpec + ">";
        }

        string phrase;
        if (!IsPlainAscii(name))
        {
            // An encoded-word may stand for a word in a phrase (RFC 2047 §5(3)); the address goes on its own folded line
            // because lines holding encoded-words are limited to 76 characters (RFC 2047 §2).
            return EncodeWords(name, headerNameLength + 2) + "\r\n <" + addrSpec + ">";
        }
        else if (name.All(c => char.IsAsciiLetterOrDigit(c) || c == ' ' || "!#$%&'*+-/=?^_`{|}~".Contains(c)))
        {
            phrase = name;
        }
        else
        {
            phrase = "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        }

        return phrase + " <" + addrSpec + ">";
    }

    /// <summary>Quoted-printable (RFC 2045 §6.7) of the UTF-8 text, line breaks normalised to CRLF.</summary>
    public static string EncodeQuotedPrintable(string text)
    {
        var output = new StringBuilder(text.Length + (text.Length / 10));
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        for (var l = 0; l < lines.Length; l++)
        {
            if (l > 0)
            {
                output.Append("\r\n");
            }

            var bytes = Encoding.UTF8.GetBytes(lines[l]);
            var lineLength = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                var last = i == bytes.Length - 1;
                var literal = (b is >= 33 and <= 126 && b != (byte)'=') || (b is (byte)' ' or (byte)'\t' && !last);
                var token = literal ? ((char)b).ToString() : "=" + b.ToString("X2", CultureInfo.InvariantCulture);

                // Room for the soft break "=" unless this token ends the line.
                var limit = last ? MaxQpLineLength : MaxQpLineLength - 1;
                if (lineLength + token.Length > limit)
                {
                    output.Append("=\r\n");
                    lineLength = 0;
                }

                output.Append(token);
                lineLength += token.Length;
            }
        }

        return output.ToString();
    }

    private static string FormatAddrSpec(string address)
    {
        var trimmed = address.Trim();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || trimmed.Any(c => char.IsControl(c) || c is '<' or '>' or ' ' or ','))
        {
            throw new ArgumentException("An address is not a valid addr-spec.", nameof(address));
        }

        var local = trimmed[..at];
        var domain = trimmed[(at + 1)..];
        if (!IsPlainAscii(domain))
        {
            domain = new IdnMapping().GetAscii(domain); // RFC 5890 A-labels
        }

        // A non-ASCII local part stays UTF-8 (RFC 6532); there is no ASCII form of it.
        return local + "@" + domain;
    }

    private static bool IsPlainAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 2047 B encoded-words split on character boundaries, folded with CRLF SP; every line ≤ 76 characters.</summary>
    /// <param name="firstLineUsed">Characters already on the first line ("Name: ").</param>
    private static string EncodeWords(string value, int firstLineUsed)
    {
        var words = new List<string>();
        var chunk = new StringBuilder();
        var chunkBytes = 0;

        // Bytes that fit in the first word: (76 - used - 12 wrapper chars) base64 chars, in whole 4-char groups.
        var firstBudget = (76 - firstLineUsed - 12) / 4 * 3;
        var leadingFold = firstBudget < 6;
        var budget = leadingFold ? MaxEncodedWordBytes : Math.Min(firstBudget, MaxEncodedWordBytes);
        foreach (var rune in value.EnumerateRunes())
        {
            var r = rune;
            if (Rune.IsControl(r))
            {
                r = new Rune(' '); // no CR/LF or other controls in headers
            }

            var size = r.Utf8SequenceLength;
            if (chunkBytes + size > budget && chunk.Length > 0)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
                chunkBytes = 0;
                budget = MaxEncodedWordBytes;
            }

            chunk.Append(r.ToString());
            chunkBytes += size;
        }

        if (chunk.Length > 0 || words.Count == 0)
        {
            words.Add(Word(chunk.ToString()));
        }

        return (leadingFold ? "\r\n " : string.Empty) + string.Join("\r\n ", words);

        static string Word(string text) => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "?=";
    }
}
