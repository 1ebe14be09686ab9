namespace BreachNotify.Application.Email;

/// <summary>Settings under <c>Email</c>: which sender and the From identity of every message the system sends.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";
    public const string OutboxProvider = "Outbox";
    public const string SendGridProvider = "SendGrid";

    /// <summary><c>Outbox</c> (default: .eml files, standalone) or <c>SendGrid</c>.</summary>
    public string Provider { get; set; } = OutboxProvider;

    public EmailFromOptions From { get; set; } = new();

    public EmailOutboxOptions Outbox { get; set; } = new();

    /// <summary>The display name of internal mail (deadline reminders) when <c>Email:From:Name</c> is not set.</summary>
    public const string ProductName = "BreachNotify";

    /// <summary>The sender of internal mail (deadline reminders).</summary>
    public EmailAddress FromAddress => new(From.Address, string.IsNullOrWhiteSpace(From.Name) ? ProductName : From.Name.Trim());

    /// <summary>The sender of notices: <c>Email:From:Name</c> when set on purpose, else the organisation that notifies.</summary>
    public EmailAddress NoticeFrom(string? organisation)
        => new(From.Address, !string.IsNullOrWhiteSpace(From.Name) ? From.Name.Trim() : string.IsNullOrWhiteSpace(organisation) ? ProductName : organisation.Trim());

    public static bool IsAddress(string? text)
        => !string.IsNullOrWhiteSpace(text) && text.Trim() == text && text.Contains('@', StringComparison.Ordinal)
           && System.Net.Mail.MailAddress.TryCreate(text, out var parsed) && parsed.Address == text;
}
