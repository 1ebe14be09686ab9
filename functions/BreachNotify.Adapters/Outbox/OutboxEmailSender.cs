using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BreachNotify.Application.Email;

namespace BreachNotify.Adapters.Outbox;

/// <summary>
/// <see cref="IEmailSender"/> for standalone use: writes one RFC 5322 message per recipient (their own copy, substitutions
/// applied) as <c>{MessageKey}-{first 16 hex of SHA-256(lower(address))}.eml</c>. Same key + address → same file name and
/// Message-ID, so a redelivery overwrites instead of duplicating. Files are written to a temp file and moved into place.
/// Body: <c>multipart/alternative</c> (text/plain then text/html), UTF-8, quoted-printable. Custom args go into
/// <c>X-BreachNotify-*</c> headers. Validation mirrors SendGrid's (≤ 1000 recipients, each address once).
/// </summary>
public sealed class OutboxEmailSender : IEmailSender
{
    public const string HeaderPrefix = "X-BreachNotify-";

    private readonly string _directory;
    private readonly string _messageIdDomain;
    private readonly TimeProvider _timeProvider;

    public OutboxEmailSender(OutboxEmailSenderOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.MessageIdDomain);
        _directory = Path.GetFullPath(options.Directory);
        _messageIdDomain = options.MessageIdDomain;
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>The resolved output folder.</summary>
    public string Directory => _directory;

    /// <summary>File name for one recipient's copy: <c>{key}-{sha256(lower(address))[..16]}.eml</c>. Characters of the
    /// key outside <c>[A-Za-z0-9._-]</c> become <c>_</c> and a hash of the original key is appended.</summary>
    public static string FileNameFor(string messageKey, string address) =>
        SafeKey(messageKey) + "-" + AddressHash(address) + ".eml";

    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Validate(message);
        System.IO.Directory.CreateDirectory(_directory);
        var now = _timeProvider.GetUtcNow();

        foreach (var recipient in message.Recipients)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string content;
            try
            {
                content = Render(message, recipient, now);
            }
            catch (ArgumentException ex)
            {
                throw new EmailPermanentException($"Message {message.MessageKey} could not be rendered: {ex.Message}", ex);
            }

            var fileName = FileNameFor(message.MessageKey, recipient.To.Address);
            try
            {
                await WriteAtomicallyAsync(Path.Combine(_directory, fileName), Encoding.UTF8.GetBytes(content), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new EmailTransientException($"Writing outbox file {fileName} for message {message.MessageKey} failed.", null, null, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new EmailPermanentException($"Writing outbox file {fileName} for message {message.MessageKey} is not permitted.", ex);
            }
        }

        return new EmailSendResult(message.MessageKey, now);
    }

    internal string Render(EmailMessage message, EmailRecipient recipient, DateTimeOffset now)
    {
        var substitutions = recipient.Substitutions ?? new Dictionary<string, string>();
        var addressHash = AddressHash(recipient.To.Address);
        var boundary = "=_bn_" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(message.MessageKey + "\n" + addressHash)))[..24];
        var text = new StringBuilder();

        void Header(string name, string value) => text.Append(name).Append(": ").Append(value).Append("\r\n");

        Header("Date", MimeWriter.FormatDate(now));
        Header("From", MimeWriter.FormatMailbox(message.From.Address, message.From.Name, "From".Length));
        Header("To", MimeWriter.FormatMailbox(recipient.To.Address, recipient.To.Name, "To".Length));
        if (message.ReplyTo is not null)
        {
            Header("Reply-To", MimeWriter.FormatMailbox(message.ReplyTo.Address, message.ReplyTo.Name, "Reply-To".Length));
        }

        Header("Subject", MimeWriter.EncodeUnstructured(Substitute(message.Subject, substitutions), "Subject".Length));
        Header("Message-ID", "<" + MessageIdLeft(message.MessageKey) + "." + addressHash + "@" + _messageIdDomain + ">");
        Header("MIME-Version", "1.0");
        if (!string.IsNullOrWhiteSpace(message.Language))
        {
            Header("Content-Language", MimeWriter.EncodeUnstructured(message.Language, "Content-Language".Length)); // RFC 3282
        }

        Header(HeaderPrefix + "Message-Key", MimeWriter.EncodeUnstructured(message.MessageKey, HeaderPrefix.Length + "Message-Key".Length));
        if (message.CustomArgs is not null)
        {
            foreach (var (key, value) in message.CustomArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                var name = HeaderPrefix + HeaderNamePart(key);
                Header(name, MimeWriter.EncodeUnstructured(value ?? string.Empty, name.Length));
            }
        }

        if (message.Categories is { Count: > 0 })
        {
            Header(HeaderPrefix + "Categories", MimeWriter.EncodeUnstructured(string.Join(", ", message.Categories), HeaderPrefix.Length + "Categories".Length));
        }

        Header("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
        text.Append("\r\n");
        text.Append("This is a multi-part message in MIME format.\r\n");

        AppendPart(text, boundary, "text/plain", Substitute(message.TextBody ?? string.Empty, substitutions));
        AppendPart(text, boundary, "text/html", Substitute(message.HtmlBody ?? string.Empty, substitutions));
        text.Append("\r\n--").Append(boundary).Append("--\r\n");
        return text.ToString();
    }

    /// <summary>Single left-to-right pass, longest key first at each position (a replacement is never re-scanned),
    /// matching SendGrid's plain-text substitution semantics: values are inserted verbatim (no HTML escaping).</summary>
    internal static string Substitute(string input, IReadOnlyDictionary<string, string> substitutions)
    {
        if (substitutions.Count == 0 || input.Length == 0)
        {
            return input;
        }

        var keys = substitutions.Keys.Where(k => !string.IsNullOrEmpty(k)).OrderByDescending(k => k.Length).ToArray();
        var output = new StringBuilder(input.Length);
        var i = 0;
        while (i < input.Length)
        {
            var matched = false;
            foreach (var key in keys)
            {
                if (string.CompareOrdinal(input, i, key, 0, key.Length) == 0)
                {
                    output.Append(substitutions[key]);
                    i += key.Length;
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                output.Append(input[i++]);
            }
        }

        return output.ToString();
    }

    private static void AppendPart(StringBuilder text, string boundary, string mediaType, string body)
    {
        text.Append("\r\n--").Append(boundary).Append("\r\n");
        text.Append("Content-Type: ").Append(mediaType).Append("; charset=utf-8\r\n");
        text.Append("Content-Transfer-Encoding: quoted-printable\r\n");
        text.Append("\r\n");
        text.Append(MimeWriter.EncodeQuotedPrintable(body));
    }

    private static void Validate(EmailMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.MessageKey))
        {
            throw new EmailPermanentException("The message has no MessageKey.");
        }

        if (message.From is null || message.Recipients is null || message.Recipients.Count == 0)
        {
            throw new EmailPermanentException($"Message {message.MessageKey} has no sender or no recipients.");
        }

        if (message.Recipients.Count > EmailMessage.MaxRecipients)
        {
            throw new EmailPermanentException(
                $"Message {message.MessageKey} has {message.Recipients.Count} recipients; at most {EmailMessage.MaxRecipients} are allowed.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < message.Recipients.Count; i++)
        {
            var address = message.Recipients[i]?.To?.Address;
            if (string.IsNullOrWhiteSpace(address))
            {
                throw new EmailPermanentException($"Message {message.MessageKey}: recipient {i} has no address.");
            }

            if (!seen.Add(address.Trim()))
            {
                throw new EmailPermanentException($"Message {message.MessageKey}: recipient {i} repeats an earlier address.");
            }
        }
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true); // rename(2) on the same volume: readers see old or new, never half
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }

            throw;
        }
    }

    private static string AddressHash(string address) =>
        Hex(SHA256.HashData(Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant())))[..16];

    private static string SafeKey(string key)
    {
        var safe = new string(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
        if (safe.Length > 100)
        {
            safe = safe[..100];
        }

        return safe == key ? safe : safe + "~" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];
    }

    // dot-atom-text (RFC 5322 §3.6.4): the file-safe key with no leading/trailing/double dots.
    private static string MessageIdLeft(string key)
    {
        var safe = SafeKey(key).Replace('~', '.').Trim('.');
        while (safe.Contains("..", StringComparison.Ordinal))
        {
            safe = safe.Replace("..", ".", StringComparison.Ordinal);
        }

        return safe.Length == 0 ? "key" : safe;
    }

    // ftext (RFC 5322 §2.2): printable ASCII except ':'.
    private static string HeaderNamePart(string key)
    {
        var part = new string(key.Select(c => c is > ' ' and <= '~' and not ':' ? c : '-').ToArray());
        return part.Length == 0 ? "Arg" : part;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
