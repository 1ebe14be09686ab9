namespace BreachNotify.Domain.Incidents;

/// <summary>Who did something: an API key's name and role, a monitor, or the system itself.</summary>
public sealed record Actor(string Name, string Role)
{
    public static readonly Actor System = new("system", "system");

    public override string ToString() => $"{Name} ({Role})";
}
