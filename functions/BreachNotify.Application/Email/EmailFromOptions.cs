namespace BreachNotify.Application.Email;

public sealed class EmailFromOptions
{
    public string Address { get; set; } = "breachnotify@example.invalid";
    public string? Name { get; set; } = "BreachNotify";
}
