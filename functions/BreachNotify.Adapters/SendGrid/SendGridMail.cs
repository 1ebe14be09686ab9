using System.Text;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>An e-mail address as SendGrid's <c>{"email","name"}</c> object.</summary>
public sealed record SendGridAddress(string Email, string? Name = null);

/// <summary>One <c>personalizations[]</c> entry: its recipients and per-recipient values.</summary>
public sealed class SendGridPersonalization
{
    public SendGridPersonalization() { }

    public SendGridPersonalization(SendGridAddress to) => To.Add(to);

    public IList<SendGridAddress> To { get; } = new List<SendGridAddress>();

    /// <summary>Replaced in subject and content for these recipients (legacy substitutions; total &lt; 10,000 bytes).</summary>
    public IDictionary<string, string> Substitutions { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Merged with <see cref="SendGridMail.CustomArgs"/>; echoed back on every event.</summary>
    public IDictionary<string, string> CustomArgs { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>The body of <c>POST /v3/mail/send</c> (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send).</summary>
public sealed class SendGridMail
{
    public const int MaxRecipients = 1000;
    public const int MaxPersonalizations = 1000;
    public const int MaxCategories = 10;
    public const int MaxCategoryLength = 255;

    /// <summary>custom_args (top level + one personalization) must total under 10,000 bytes.</summary>
    public const int MaxCustomArgsBytes = 10_000;

    /// <summary>substitutions per personalization must total under 10,000 bytes.</summary>
    public const int MaxSubstitutionsBytes = 10_000;

    public SendGridMail(SendGridAddress from, string subject)
    {
        From = from ?? throw new ArgumentNullException(nameof(from));
        Subject = subject ?? throw new ArgumentNullException(nameof(subject));
    }

    public SendGridAddress From { get; }

    public string Subject { get; set; }

    public SendGridAddress? ReplyTo { get; set; }

    /// <summary>Sent as <c>content[0]</c> with type <c>text/plain</c> (SendGrid requires text/plain first).</summary>
    public string? PlainTextContent { get; set; }

    /// <summary>Sent after the text part with type <c>text/html</c>.</summary>
    public string? HtmlContent { get; set; }

    public IList<SendGridPersonalization> Personalizations { get; } = new List<SendGridPersonalization>();

    public IList<string> Categories { get; } = new List<string>();

    /// <summary>String values only; ids, never personal data.</summary>
    public IDictionary<string, string> CustomArgs { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra headers (e.g. <c>Content-Language</c>); SendGrid's reserved headers are rejected by SendGrid.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks SendGrid's documented limits before sending. Messages never contain addresses (personal data).</summary>
    /// <exception cref="ArgumentException">A limit is exceeded.</exception>
    public void Validate()
    {
        ValidateAddress(From, "from");
        if (ReplyTo is not null)
        {
            ValidateAddress(ReplyTo, "reply_to");
        }

        if (string.IsNullOrEmpty(Subject))
        {
            throw new ArgumentException("subject is required.", nameof(Subject));
        }

        if (string.IsNullOrEmpty(PlainTextContent) && string.IsNullOrEmpty(HtmlContent))
        {
            throw new ArgumentException("At least one of text/plain or text/html content is required.", nameof(PlainTextContent));
        }

        if (Personalizations.Count is 0 or > MaxPersonalizations)
        {
            throw new ArgumentException(
                $"personalizations must hold 1 to {MaxPersonalizations} entries (got {Personalizations.Count}).", nameof(Personalizations));
        }

        if (Categories.Count > MaxCategories)
        {
            throw new ArgumentException($"At most {MaxCategories} categories are allowed (got {Categories.Count}).", nameof(Categories));
        }

        for (var i = 0; i < Categories.Count; i++)
        {
            if (string.IsNullOrEmpty(Categories[i]) || Categories[i].Length > MaxCategoryLength)
            {
                throw new ArgumentException($"categories[{i}] must be 1 to {MaxCategoryLength} characters.", nameof(Categories));
            }
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var total = 0;
        var topArgsBytes = ByteSize(CustomArgs);
        if (topArgsBytes >= MaxCustomArgsBytes)
        {
            throw new ArgumentException($"custom_args must total under {MaxCustomArgsBytes} bytes.", nameof(CustomArgs));
        }

        for (var p = 0; p < Personalizations.Count; p++)
        {
            var personalization = Personalizations[p]
                ?? throw new ArgumentException($"personalizations[{p}] is null.", nameof(Personalizations));
            if (personalization.To.Count == 0)
            {
                throw new ArgumentException($"personalizations[{p}].to must not be empty.", nameof(Personalizations));
            }

            for (var t = 0; t < personalization.To.Count; t++)
            {
                var to = personalization.To[t];
                ValidateAddress(to, $"personalizations[{p}].to[{t}]");
                if (++total > MaxRecipients)
                {
                    throw new ArgumentException($"At most {MaxRecipients} recipients are allowed per request.", nameof(Personalizations));
                }

                if (!seen.Add(to.Email.Trim()))
                {
                    // The address itself is personal data: report the position only.
                    throw new ArgumentException(
                        $"personalizations[{p}].to[{t}] repeats an address already in this request (each address may appear once).",
                        nameof(Personalizations));
                }
            }

            if (ByteSize(personalization.Substitutions) >= MaxSubstitutionsBytes)
            {
                throw new ArgumentException($"personalizations[{p}].substitutions must total under {MaxSubstitutionsBytes} bytes.", nameof(Personalizations));
            }

            if (topArgsBytes + ByteSize(personalization.CustomArgs) >= MaxCustomArgsBytes)
            {
                throw new ArgumentException($"custom_args for personalizations[{p}] must total under {MaxCustomArgsBytes} bytes.", nameof(Personalizations));
            }
        }
    }

    private static void ValidateAddress(SendGridAddress? address, string path)
    {
        if (address is null || string.IsNullOrWhiteSpace(address.Email))
        {
            throw new ArgumentException($"{path}.email is required.", path);
        }

        if (address.Email.AsSpan().IndexOfAny('\r', '\n') >= 0 || !address.Email.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{path}.email is not a valid address.", path);
        }
    }

    private static int ByteSize(IDictionary<string, string> values)
    {
        var size = 0;
        foreach (var (key, value) in values)
        {
            size += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value ?? string.Empty);
        }

        return size;
    }
}

/// <summary>Outcome of an accepted send.</summary>
/// <param name="MessageId">The <c>X-Message-Id</c> header (prefix of the events' <c>sg_message_id</c>); null in sandbox mode when absent.</param>
/// <param name="Status">202 (queued) or 200 (sandbox).</param>
public sealed record SendGridSendResult(string? MessageId, int Status);
