using System.Security.Cryptography;
using System.Text;

namespace BreachNotify.Application.Common;

public static class Ids
{
    /// <summary>A new time-ordered id (UUID v7, hex) with a readable prefix, e.g. "inc-0190f3c2...".</summary>
    public static string New(string prefix, DateTimeOffset now) => prefix + "-" + Guid.CreateVersion7(now).ToString("N");

    /// <summary>A deterministic id: the same inputs always give the same id (retries create nothing new).</summary>
    public static string Deterministic(string prefix, params string[] parts)
        => prefix + "-" + Sha256Hex(string.Join("\u001f", parts))[..32];

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
