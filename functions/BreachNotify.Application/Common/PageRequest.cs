using System.Globalization;
using BreachNotify.Domain.Common;

namespace BreachNotify.Application.Common;

/// <summary>How large pages of a list may be: the size when the caller does not say, and the most it may ask for.</summary>
public readonly record struct PageSizeLimits(int DefaultSize, int MaxSize);

/// <summary>
/// One page of a list as a caller asked for it, validated in one place for every list: numbered pages (<c>page</c> from 1
/// to <see cref="MaxPage"/>) or a continuation token from the previous page (<c>continuation</c>, opaque; the list that
/// made it decodes it), and <c>pageSize</c> within the list's <see cref="PageSizeLimits"/>. Errors name the query parameter.
/// </summary>
public sealed record PageRequest(int Page, int Size, string? Continuation)
{
    /// <summary>Page numbers past this are refused (not multiplied into an offset that overflows).</summary>
    public const int MaxPage = 100_000;

    public const int MaxContinuationLength = 2048;

    /// <summary>Validates the query values as sent; adds each problem to <paramref name="errors"/> (so the caller reports
    /// them with its own) and returns null then.</summary>
    public static PageRequest? Parse(string? page, string? pageSize, string? continuation, PageSizeLimits limits, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var p = Number("page", page, 1, MaxPage, 1, errors);
        var size = Number("pageSize", pageSize, 1, limits.MaxSize, limits.DefaultSize, errors);
        var ok = p is not null && size is not null;
        if (continuation is { Length: > MaxContinuationLength }) { errors.Add("continuation", "Not a continuation token from this API."); ok = false; }
        return ok ? new PageRequest(p!.Value, size!.Value, string.IsNullOrEmpty(continuation) ? null : continuation) : null;
    }

    /// <summary>Validates and throws a validation error naming each bad parameter.</summary>
    public static PageRequest Parse(string? page, string? pageSize, string? continuation, PageSizeLimits limits)
    {
        var errors = new FieldErrors();
        var request = Parse(page, pageSize, continuation, limits, errors);
        errors.ThrowIfAny();
        return request!;
    }

    private static int? Number(string field, string? text, int min, int max, int absent, FieldErrors errors)
    {
        if (text is null) return absent;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors.Add(field, string.Create(CultureInfo.InvariantCulture, $"A whole number from {min} to {max}."));
        return null;
    }
}
