// Shared by the test projects that read the outbox (adapter tests, the shipped-settings test).
using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.RegularExpressions;

namespace BreachNotify.Tests.Shared.Mail;

/// <summary>Independent, test-only reader for the outbox's .eml files: unfolds and RFC 2047-decodes headers, splits a
/// multipart body on its boundary and decodes quoted-printable/base64 parts.</summary>
internal sealed partial class MimeEntity
{
    private MimeEntity(List<KeyValuePair<string, string>> headers, string rawBody)
    {
        Headers = headers;
        RawBody = rawBody;
    }

    public List<KeyValuePair<string, string>> Headers { get; }

    public string RawBody { get; }

    public string? this[string name] =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public string? Decoded(string name) => this[name] is { } value ? DecodeEncodedWords(value) : null;

    public ContentType ContentType => new(this["Content-Type"] ?? "text/plain");

    public static MimeEntity Parse(string text)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, "no blank line between header and body");
        var headerBlock = text[..split];
        var body = text[(split + 4)..];
        var unfolded = Regex.Replace(headerBlock, "\r\n[ \t]", " ");
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in unfolded.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, "header line without a colon: " + line);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        return new MimeEntity(headers, body);
    }

    public IReadOnlyList<MimeEntity> Parts()
    {
        var boundary = ContentType.Boundary ?? throw new InvalidOperationException("not multipart");
        var delimiter = "\r\n--" + boundary;
        var body = "\r\n" + RawBody;
        var end = body.IndexOf(delimiter + "--", StringComparison.Ordinal);
        Assert.True(end >= 0, "closing boundary missing");
        var sections = body[..end].Split(delimiter);
        return sections.Skip(1).Select(s =>
        {
            Assert.StartsWith("\r\n", s, StringComparison.Ordinal);
            return Parse(s[2..]);
        }).ToList();
    }

    public string DecodedBody()
    {
        var charset = Encoding.GetEncoding(ContentType.CharSet ?? "us-ascii");
        return (this["Content-Transfer-Encoding"] ?? "7bit").ToLowerInvariant() switch
        {
            "quoted-printable" => charset.GetString(DecodeQuotedPrintable(RawBody)),
            "base64" => charset.GetString(Convert.FromBase64String(RawBody.Replace("\r\n", string.Empty, StringComparison.Ordinal))),
            _ => RawBody,
        };
    }

    public static string DecodeEncodedWords(string value)
    {
        // Whitespace between adjacent encoded-words is not displayed (RFC 2047 §6.2).
        var joined = Regex.Replace(value, @"\?=\s+=\?", "?==?");
        return EncodedWord().Replace(joined, m =>
        {
            var encoding = Encoding.GetEncoding(m.Groups[1].Value);
            var data = m.Groups[3].Value;
            var bytes = m.Groups[2].Value.ToUpperInvariant() == "B"
                ? Convert.FromBase64String(data)
                : DecodeQuotedPrintable(data.Replace('_', ' '));
            return encoding.GetString(bytes);
        });
    }

    private static byte[] DecodeQuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '=')
            {
                if (i + 2 < text.Length + 1 && text.AsSpan(i + 1).StartsWith("\r\n"))
                {
                    i += 2; // soft line break
                    continue;
                }

                bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                Assert.True(c < 128, "raw non-ASCII in quoted-printable");
                bytes.Add((byte)c);
            }
        }

        return bytes.ToArray();
    }

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
