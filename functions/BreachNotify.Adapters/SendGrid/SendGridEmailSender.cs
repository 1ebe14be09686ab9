using System.Globalization;
using Azure;
using BreachNotify.Application.Email;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>
/// <see cref="IEmailSender"/> over SendGrid: one personalization per recipient (each gets their own copy and
/// substitutions), <see cref="EmailMessage.CustomArgs"/> as top-level <c>custom_args</c> (ids only, echoed by events).
/// Failures: 429/5xx/408/network/timeouts → <see cref="EmailTransientException"/>; other 4xx and local validation →
/// <see cref="EmailPermanentException"/>. Exception messages carry status codes, never addresses or bodies.
/// </summary>
public sealed class SendGridEmailSender : IEmailSender
{
    private readonly SendGridClient _client;
    private readonly TimeProvider _timeProvider;

    public SendGridEmailSender(SendGridClient client, TimeProvider timeProvider)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        SendGridMail mail;
        try
        {
            mail = ToMail(message);
            mail.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new EmailPermanentException($"Message {message.MessageKey} was rejected before sending: {ex.Message}", ex);
        }

        try
        {
            var response = await _client.SendMailAsync(mail, cancellationToken).ConfigureAwait(false);
            return new EmailSendResult(response.Value.MessageId, _timeProvider.GetUtcNow());
        }
        catch (SendGridRateLimitedException ex)
        {
            throw new EmailTransientException(
                $"SendGrid rate limit for message {message.MessageKey}.", 429, ex.RetryAfter, ex);
        }
        catch (RequestFailedException ex) when (ex.Status == 0 || ex.Status == 408 || ex.Status == 429 || ex.Status >= 500)
        {
            throw new EmailTransientException(
                string.Create(CultureInfo.InvariantCulture, $"SendGrid send of message {message.MessageKey} failed transiently (status {ex.Status})."),
                ex.Status == 0 ? null : ex.Status,
                null,
                ex);
        }
        catch (RequestFailedException ex)
        {
            throw new EmailPermanentException(
                string.Create(CultureInfo.InvariantCulture, $"SendGrid rejected message {message.MessageKey} with status {ex.Status} ({ex.ErrorCode})."),
                ex.Status);
        }
        catch (AggregateException ex)
        {
            // Azure.Core's retry policy aggregates the attempts' network failures/timeouts once retries are used up.
            throw new EmailTransientException($"SendGrid send of message {message.MessageKey} failed after retries.", null, null, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Azure.Core's NetworkTimeout surfaces as TaskCanceledException without the caller cancelling.
            throw new EmailTransientException($"SendGrid send of message {message.MessageKey} timed out.", null, null, ex);
        }
    }

    internal static SendGridMail ToMail(EmailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message.From);
        if (message.Recipients is null || message.Recipients.Count == 0)
        {
            throw new ArgumentException("The message has no recipients.", nameof(message));
        }

        if (message.Recipients.Count > EmailMessage.MaxRecipients)
        {
            throw new ArgumentException($"At most {EmailMessage.MaxRecipients} recipients are allowed (got {message.Recipients.Count}).", nameof(message));
        }

        var mail = new SendGridMail(new SendGridAddress(message.From.Address, message.From.Name), message.Subject)
        {
            PlainTextContent = message.TextBody,
            HtmlContent = message.HtmlBody,
            ReplyTo = message.ReplyTo is null ? null : new SendGridAddress(message.ReplyTo.Address, message.ReplyTo.Name),
        };

        foreach (var recipient in message.Recipients)
        {
            if (recipient?.To is null)
            {
                throw new ArgumentException("A recipient is null.", nameof(message));
            }

            var personalization = new SendGridPersonalization(new SendGridAddress(recipient.To.Address, recipient.To.Name));
            if (recipient.Substitutions is not null)
            {
                foreach (var (key, value) in recipient.Substitutions)
                {
                    personalization.Substitutions[key] = value;
                }
            }

            mail.Personalizations.Add(personalization);
        }

        if (message.CustomArgs is not null)
        {
            foreach (var (key, value) in message.CustomArgs)
            {
                mail.CustomArgs[key] = value;
            }
        }

        if (message.Categories is not null)
        {
            foreach (var category in message.Categories)
            {
                mail.Categories.Add(category);
            }
        }

        if (!string.IsNullOrWhiteSpace(message.Language))
        {
            // RFC 3282; not one of SendGrid's reserved headers.
            mail.Headers["Content-Language"] = message.Language;
        }

        return mail;
    }
}
