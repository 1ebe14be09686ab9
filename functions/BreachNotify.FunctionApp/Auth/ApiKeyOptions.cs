namespace BreachNotify.FunctionApp.Auth;

public sealed class ApiKeyOptions
{
    public const string SectionName = "Auth";

    /// <summary>Keys as lower-case hex SHA-256 of the key; plain keys are never stored.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}
