using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BreachNotify.Application.Webhooks;

/// <summary>HMAC and token comparisons shared by the verifiers; every comparison is constant-time.</summary>
internal static class WebhookCrypto
{
    private const int Sha256Bytes = 32;

    /// <summary>Decodes a 64-character hex SHA-256 value (either case); false when it is anything else.</summary>
    public static bool TryDecodeSha256Hex(ReadOnlySpan<char> hex, out byte[] digest)
    {
        digest = new byte[Sha256Bytes];
        return hex.Length == Sha256Bytes * 2
            && Convert.FromHexString(hex, digest, out _, out var written) == OperationStatus.Done
            && written == Sha256Bytes;
    }

    /// <summary>
    /// Candidate signatures from a comma-separated header of <c>prefix&lt;hex&gt;</c> entries (e.g. "v1=a..,v1=b..");
    /// entries of another version or not hex are skipped.
    /// </summary>
    public static List<byte[]> ParsePrefixedList(string headerValue, string prefix)
    {
        var candidates = new List<byte[]>();
        foreach (var part in headerValue.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && TryDecodeSha256Hex(part.AsSpan(prefix.Length), out var digest))
            {
                candidates.Add(digest);
            }
        }

        return candidates;
    }

    /// <summary>True when HMAC-SHA256(secret, prefix + body) equals any candidate for any secret.</summary>
    public static bool AnyHmacMatches(
        IReadOnlyList<string> secrets, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body, IReadOnlyList<byte[]> candidates)
    {
        Span<byte> expected = stackalloc byte[Sha256Bytes];
        var matched = false;
        foreach (var secret in secrets)
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
            hmac.AppendData(prefix);
            hmac.AppendData(body);
            hmac.GetHashAndReset(expected);
            foreach (var candidate in candidates)
            {
                matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
            }
        }

        return matched;
    }

    /// <summary>
    /// True when <paramref name="presented"/> equals any configured token. Both sides are hashed first so the
    /// comparison is over equal lengths and reveals nothing of a token's length.
    /// </summary>
    public static bool AnyTokenMatches(IReadOnlyList<string> tokens, string presented)
    {
        Span<byte> presentedHash = stackalloc byte[Sha256Bytes];
        Span<byte> tokenHash = stackalloc byte[Sha256Bytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), presentedHash);
        var matched = false;
        foreach (var token in tokens)
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(token), tokenHash);
            matched |= CryptographicOperations.FixedTimeEquals(presentedHash, tokenHash);
        }

        return matched;
    }

    /// <summary>Reads a Unix-seconds timestamp header: ASCII digits only, within DateTimeOffset's range.</summary>
    public static bool TryParseUnixSeconds(string value, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    /// <summary>Within the window when |now - timestamp| &lt;= window; the edge itself is accepted.</summary>
    public static bool IsWithinWindow(DateTimeOffset timestamp, DateTimeOffset now, TimeSpan window) =>
        (now - timestamp).Duration() <= window;
}
