namespace BreachNotify.Domain.Common;

/// <summary>A value that may be absent, distinct from a present null: JSON merge patch semantics (RFC 7396).</summary>
public readonly record struct Optional<T>(bool HasValue, T Value)
{
    public static Optional<T> Absent => default;

    public static Optional<T> Of(T value) => new(true, value);

    public T GetValueOr(T fallback) => HasValue ? Value : fallback;
}
