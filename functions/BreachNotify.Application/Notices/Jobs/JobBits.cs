using System.Numerics;
namespace BreachNotify.Application.Notices.Jobs;

/// <summary>A bit per job ordinal, stored as a binary property (64 KiB holds 524,288 jobs).</summary>
internal static class JobBits
{
    public static bool Get(byte[] bits, int ordinal) => ordinal / 8 < bits.Length && (bits[ordinal / 8] & (1 << (ordinal % 8))) != 0;

    public static byte[] Set(byte[] bits, int ordinal)
    {
        var copy = new byte[Math.Max(bits.Length, (ordinal / 8) + 1)];
        bits.CopyTo(copy, 0);
        copy[ordinal / 8] |= (byte)(1 << (ordinal % 8));
        return copy;
    }

    public static int Count(byte[] bits) => bits.Sum(b => BitOperations.PopCount(b));
}
