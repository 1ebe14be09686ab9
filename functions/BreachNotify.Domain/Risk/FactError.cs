namespace BreachNotify.Domain.Risk;

/// <summary>A validation error on <see cref="BreachFacts"/>; <paramref name="Field"/> is the camelCase JSON property name.</summary>
public sealed record FactError(string Field, string Message);
