namespace BreachNotify.Application.Email;

/// <summary>
/// Sends one message to up to <see cref="EmailMessage.MaxRecipients"/> recipients, each receiving their own copy
/// (no recipient sees another). Implementations: SendGrid v3 (Azure) and the .eml outbox (standalone).
/// </summary>
public interface IEmailSender
{
    /// <summary>
    /// Throws <see cref="EmailTransientException"/> when a retry may succeed (429, 5xx, timeouts) and
    /// <see cref="EmailPermanentException"/> when it cannot (400, 401, 403, 413).
    /// </summary>
    Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// The most recipients one <see cref="SendAsync"/> should carry: the unit the caller records as done before it
    /// sends the next, so that a crash repeats at most one unit of a job (SendGrid: one request; the outbox: a batch of files).
    /// </summary>
    int RecipientsPerSend => EmailMessage.MaxRecipients;
}

public sealed record EmailAddress(string Address, string? Name = null);

/// <summary>One recipient and the per-recipient substitutions applied to subject and bodies (e.g. "-name-" → "Anna").</summary>
public sealed record EmailRecipient(EmailAddress To, IReadOnlyDictionary<string, string>? Substitutions = null);

/// <param name="MessageKey">Deterministic id of this send (the notice job id): the same key is the same message.</param>
/// <param name="CustomArgs">Ids only (incident, notification, job): never personal data. Echoed back by delivery events.</param>
public sealed record EmailMessage(
    string MessageKey,
    EmailAddress From,
    string Subject,
    string TextBody,
    string HtmlBody,
    IReadOnlyList<EmailRecipient> Recipients,
    EmailAddress? ReplyTo = null,
    IReadOnlyDictionary<string, string>? CustomArgs = null,
    IReadOnlyList<string>? Categories = null,
    string? Language = null)
{
    /// <summary>SendGrid allows 1000 recipients per request.</summary>
    public const int MaxRecipients = 1000;
}

/// <param name="ProviderMessageId">The provider's id for the send (SendGrid X-Message-Id; the outbox's file stem); null when nothing was sent.</param>
public sealed record EmailSendResult(string? ProviderMessageId, DateTimeOffset AcceptedAt)
{
    /// <summary>Recipients that were not sent, each alone (an address the provider cannot take); every other one was.</summary>
    public IReadOnlyList<RefusedRecipient> Refused { get; init; } = [];
}

/// <param name="Index">The recipient's position in <see cref="EmailMessage.Recipients"/>.</param>
/// <param name="Reason">Why, without the address.</param>
public sealed record RefusedRecipient(int Index, string Reason);

public sealed class EmailTransientException : Exception
{
    public EmailTransientException() { }
    public EmailTransientException(string message) : base(message) { }
    public EmailTransientException(string message, Exception inner) : base(message, inner) { }
    public EmailTransientException(string message, int? statusCode, TimeSpan? retryAfter, Exception? inner = null)
        : base(message, inner) { StatusCode = statusCode; RetryAfter = retryAfter; }

    public int? StatusCode { get; }
    public TimeSpan? RetryAfter { get; }
}

public sealed class EmailPermanentException : Exception
{
    public EmailPermanentException() { }
    public EmailPermanentException(string message) : base(message) { }
    public EmailPermanentException(string message, Exception inner) : base(message, inner) { }
    public EmailPermanentException(string message, int statusCode) : base(message) => StatusCode = statusCode;

    public int StatusCode { get; }
}
