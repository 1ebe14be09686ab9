using BreachNotify.Domain.Deadlines;

namespace BreachNotify.Application.Deadlines;

public sealed class RegimeOptions
{
    public string? Name { get; set; }
    public List<ObligationOptions> Obligations { get; set; } = [];

    internal RegimeDefinition ToDefinition(string id, List<string> problems)
        => new(id, Name ?? id, Obligations.Select(o => o.ToDefinition(id, problems)).ToList());
}
