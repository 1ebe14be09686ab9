using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BreachNotify.Application.Email;
using MimeKit;
using MimeKit.Text;

namespace BreachNotify.Adapters.Outbox;

/// <summary>
/// <see cref="IEmailSender"/> for standalone use: writes one RFC 5322 message per recipient (their own copy, substitutions
/// applied), built and written by MimeKit, as <c>{MessageKey}-{first 16 hex of SHA-256(lower(address))}.eml</c>. Same
/// key + address → same file name and Message-ID, so a redelivery overwrites instead of duplicating. Files are written to
/// a temp file and moved into place; temp files left by a crash are removed at start. Body: <c>multipart/alternative</c>
/// (text/plain then text/html), UTF-8, quoted-printable, CRLF line ends. Custom args go into <c>X-BreachNotify-*</c>
/// headers. Addresses are written in their ASCII form (internationalised domains as punycode); a recipient that cannot be
/// written (no sendable address, an address twice) is refused alone and the others are written. At most 1000 recipients.
/// </summary>
public sealed class OutboxEmailSender : IEmailSender
{
    public const string HeaderPrefix = "X-BreachNotify-";

    /// <summary>Suffix of the temp file each .eml is written to before it is moved into place.</summary>
    public const string TempSuffix = ".tmp";

    // CRLF line ends, non-ASCII header text as RFC 2047 encoded-words.
    private static readonly FormatOptions Format = new() { NewLineFormat = NewLineFormat.Dos, International = false };

    private readonly string _directory;
    private readonly string _messageIdDomain;
    private readonly TimeProvider _timeProvider;
    private readonly int _recipientsPerSend;

    public OutboxEmailSender(OutboxEmailSenderOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.MessageIdDomain);
        _directory = Path.GetFullPath(options.Directory);
        _messageIdDomain = options.MessageIdDomain;
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        if (options.RecipientsPerBatch is < 1 or > EmailMessage.MaxRecipients) throw new ArgumentOutOfRangeException(nameof(options), $"RecipientsPerBatch must be 1 to {EmailMessage.MaxRecipients}.");
        _recipientsPerSend = options.RecipientsPerBatch;
        RemovedTempFiles = RemoveLeftoverTempFiles();
    }

    /// <summary>How many temp files left by an earlier crash were removed at start.</summary>
    public int RemovedTempFiles { get; }

    /// <summary>Files per call (<see cref="OutboxEmailSenderOptions.RecipientsPerBatch"/>): each batch is recorded on its job before the next is written.</summary>
    public int RecipientsPerSend => _recipientsPerSend;

    /// <summary>
    /// Deletes every <c>*.eml.*.tmp</c> file that no writer holds. A writer keeps its temp file open (locked) until it
    /// has been moved into place, so a temp file nobody holds was left by a process that died mid-write; one another
    /// instance is writing (instances may share the folder) cannot be opened exclusively and is left alone. (On Unix the
    /// lock is .NET's advisory <c>flock</c>, which every instance of this code takes.)
    /// </summary>
    private int RemoveLeftoverTempFiles()
    {
        if (!System.IO.Directory.Exists(_directory)) return 0;
        var removed = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(_directory, "*.eml.*" + TempSuffix))
        {
            try
            {
                using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
                removed++;
            }
            catch (IOException)
            {
                // Being written by a live process, or gone already: not ours.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to delete.
            }
        }
        return removed;
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

        var refused = new List<RefusedRecipient>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < message.Recipients.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var recipient = message.Recipients[i];
            // Written in its ASCII form (the form SendGrid is given too); one that has none, or repeats an address of this
            // message, is refused alone.
            var address = recipient?.To is { } to ? EmailAddresses.ToAscii(to.Address, out _) : null;
            if (address is null || !seen.Add(address))
            {
                refused.Add(new RefusedRecipient(i, address is null ? "The address cannot be sent (see the upload rules for addresses)." : "The address repeats an earlier recipient of this message."));
                continue;
            }
            var sendable = recipient! with { To = recipient.To with { Address = address } };
            MimeMessage content;
            try
            {
                content = Render(message, sendable, now);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or ParseException)
            {
                refused.Add(new RefusedRecipient(i, "The message for this recipient could not be written (its address or name)."));
                continue;
            }

            var fileName = FileNameFor(message.MessageKey, address);
            try
            {
                await WriteAtomicallyAsync(Path.Combine(_directory, fileName), content, cancellationToken).ConfigureAwait(false);
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

        return new EmailSendResult(refused.Count == message.Recipients.Count ? null : message.MessageKey, now) { Refused = refused };
    }

    internal MimeMessage Render(EmailMessage message, EmailRecipient recipient, DateTimeOffset now)
    {
        var substitutions = recipient.Substitutions ?? new Dictionary<string, string>();
        var addressHash = AddressHash(recipient.To.Address);
        var mail = new MimeMessage { Date = now, Subject = OneLine(Substitute(message.Subject, substitutions)) };
        AddMailbox(mail, HeaderId.From, message.From);
        AddMailbox(mail, HeaderId.To, recipient.To);
        if (message.ReplyTo is not null) AddMailbox(mail, HeaderId.ReplyTo, message.ReplyTo);
        mail.MessageId = MessageIdLeft(message.MessageKey) + "." + addressHash + "@" + _messageIdDomain;
        mail.Headers.Add(HeaderPrefix + "Message-Key", OneLine(message.MessageKey));
        if (message.CustomArgs is not null)
        {
            foreach (var (key, value) in message.CustomArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
                mail.Headers.Add(HeaderPrefix + HeaderNamePart(key), OneLine(value ?? string.Empty));
        }
        if (message.Categories is { Count: > 0 }) mail.Headers.Add(HeaderPrefix + "Categories", OneLine(string.Join(", ", message.Categories)));

        // Same key + address → same boundary, so a redelivery writes the same bytes apart from the Date.
        mail.Body = new MultipartAlternative
        {
            Boundary = "=_bn_" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(message.MessageKey + "\n" + addressHash)))[..24],
        };
        ((MultipartAlternative)mail.Body).Add(Part(TextFormat.Plain, Substitute(message.TextBody ?? string.Empty, substitutions)));
        ((MultipartAlternative)mail.Body).Add(Part(TextFormat.Html, Substitute(message.HtmlBody ?? string.Empty, substitutions)));
        if (!string.IsNullOrWhiteSpace(message.Language)) mail.Body.Headers.Add(HeaderId.ContentLanguage, OneLine(message.Language)); // RFC 3282, on the content
        return mail;
    }

    private static TextPart Part(TextFormat format, string text)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, text);
        return part;
    }

    /// <summary>
    /// A mailbox whose display name shows exactly as given: MimeKit quotes specials and encodes non-ASCII. A name that
    /// contains an encoded-word (<c>=?…?=</c>) would be decoded by readers into another name (RFC 2047 §5), and MimeKit
    /// writes plain ASCII as it is: such a name is itself written as base64 encoded-words, so that decoding gives it back.
    /// </summary>
    private static void AddMailbox(MimeMessage mail, HeaderId field, Application.Email.EmailAddress address)
    {
        var name = string.IsNullOrWhiteSpace(address.Name) ? string.Empty : OneLine(address.Name);
        var mailbox = new MailboxAddress(name, address.Address.Trim());
        if (!name.Contains("=?", StringComparison.Ordinal))
        {
            (field == HeaderId.From ? mail.From : field == HeaderId.To ? mail.To : mail.ReplyTo).Add(mailbox);
            return;
        }
        // Words of at most 45 bytes: "=?utf-8?b?" + 60 base64 characters + "?=" = 72, within RFC 2047's 75.
        var bytes = Encoding.UTF8.GetBytes(name);
        var words = new List<string>();
        for (var at = 0; at < bytes.Length;)
        {
            var take = Math.Min(45, bytes.Length - at);
            while (at + take < bytes.Length && (bytes[at + take] & 0xC0) == 0x80) take--; // whole characters per word
            words.Add("=?utf-8?b?" + Convert.ToBase64String(bytes, at, take) + "?=");
            at += take;
        }
        var header = new Header(field, string.Empty);
        header.SetRawValue(Encoding.ASCII.GetBytes(" " + string.Join("\r\n ", words) + "\r\n <" + mailbox.Address + ">\r\n"));
        mail.Headers.Add(header); // the raw value as written; MimeKit parses it into the address list
    }

    /// <summary>Header text on one line: CR and LF become spaces (no header injection through subjects or ids).</summary>
    private static string OneLine(string value) => value.Replace('\r', ' ').Replace('\n', ' ');

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
    }

    /// <summary>
    /// Writes the temp file and moves it into place while still holding it open: the open handle is the lock that tells a
    /// starting instance the file is being written (<see cref="RemoveLeftoverTempFiles"/>). <see cref="FileShare.Delete"/>
    /// lets the move happen on Windows; on Unix a rename of an open file is allowed anyway.
    /// </summary>
    private static async Task WriteAtomicallyAsync(string path, MimeMessage content, CancellationToken cancellationToken)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + TempSuffix;
        var moved = false;
        try
        {
            await using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Delete, 4096, FileOptions.Asynchronous);
            await content.WriteToAsync(Format, stream, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
            File.Move(temp, path, overwrite: true); // rename(2) on the same volume: readers see old or new, never half
            moved = true;
        }
        finally
        {
            if (!moved)
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                }
            }
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
