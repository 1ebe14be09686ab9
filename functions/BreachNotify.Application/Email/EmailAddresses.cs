using System.Globalization;

namespace BreachNotify.Application.Email;

/// <summary>
/// What an address must be for both senders to send it, checked where addresses come in (uploads, erasure requests,
/// settings) and applied again where they go out (the senders write <see cref="ToAscii"/>'s form). Neither sender writes
/// SMTPUTF8 (RFC 6531), so the local part is ASCII: RFC 5322 dot-atom, no quoted strings. The domain may be
/// internationalised; it is sent in its ASCII form (IDNA via <see cref="IdnMapping"/>: UTS #46 mapping, punycode), whose
/// labels must be letters, digits and '-' of at most 63 octets each — a label of 63 'é' is too long once encoded.
/// Lengths are RFC 5321 §4.5.3.1's, in octets of the form sent: local part ≤ 64, domain ≤ 255, path ≤ 256 including
/// the angle brackets, so the address ≤ 254. Reasons never quote the address.
/// </summary>
public static class EmailAddresses
{
    /// <summary>RFC 5321 §4.5.3.1.3: a path is at most 256 octets, the angle brackets included.</summary>
    public const int MaxLength = 254;
    public const int MaxLocalPartLength = 64;
    public const int MaxDomainLength = 255;
    public const int MaxLabelLength = 63;

    // Text longer than this cannot shrink to 254 octets (UTS #46 drops only a few characters such as soft hyphens);
    // refused before the IDNA mapping sees it.
    private const int MaxInputLength = 4 * MaxLength;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <returns>Null when both senders can send to it, else why not (never echoing the address).</returns>
    public static string? Validate(string? address)
    {
        _ = ToAscii(address, out var reason);
        return reason;
    }

    /// <summary>
    /// The address as the senders write it: the local part as given, the domain in its ASCII (IDNA) form. Null, with
    /// <paramref name="reason"/>, when it cannot be sent. An all-ASCII address comes back trimmed and otherwise unchanged.
    /// </summary>
    public static string? ToAscii(string? address, out string? reason)
    {
        reason = Check(address, out var ascii);
        return reason is null ? ascii : null;
    }

    private static string? Check(string? address, out string? ascii)
    {
        ascii = null;
        if (string.IsNullOrWhiteSpace(address)) return "An e-mail address is required.";
        var a = address.Trim();
        if (a.Length > MaxInputLength) return $"The e-mail address is longer than {MaxLength} octets.";
        var at = a.LastIndexOf('@');
        if (at <= 0 || at == a.Length - 1 || a.IndexOf('@') != at) return "The e-mail address must have exactly one '@' with text on both sides.";
        var local = a[..at];
        var domain = a[(at + 1)..];

        foreach (var c in local)
        {
            if (c >= 0x80) return "The part before '@' contains a character outside ASCII: neither sender writes such addresses (SMTPUTF8, RFC 6531).";
            if (!char.IsAsciiLetterOrDigit(c) && !"!#$%&'*+-/=?^_`{|}~.".Contains(c)) return "The part before '@' contains a character that is not allowed.";
        }
        if (local.Length > MaxLocalPartLength) return $"The part before '@' is longer than {MaxLocalPartLength} octets.";
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal)) return "The part before '@' has a misplaced dot.";

        var asciiDomain = domain;
        if (!System.Text.Ascii.IsValid(domain) || domain.StartsWith("xn--", StringComparison.OrdinalIgnoreCase) || domain.Contains(".xn--", StringComparison.OrdinalIgnoreCase))
        {
            // An internationalised domain (or a punycode label, which must decode): the IDNA mapping decides, including
            // each encoded label's length.
            try { asciiDomain = Idn.GetAscii(domain); }
            catch (ArgumentException) { return $"The domain is not a valid internationalised domain name: once encoded (punycode) each label must be letters, digits and '-' of at most {MaxLabelLength} octets."; }
        }
        if (asciiDomain.Length > MaxDomainLength) return $"The domain is longer than {MaxDomainLength} octets.";
        var labels = asciiDomain.Split('.');
        if (labels.Length < 2) return "The domain needs at least one dot.";
        foreach (var label in labels)
        {
            if (label.Length == 0) return "The domain has an empty label.";
            if (label.Length > MaxLabelLength) return string.Create(CultureInfo.InvariantCulture, $"A domain label is longer than {MaxLabelLength} octets.");
            if (label.StartsWith('-') || label.EndsWith('-')) return "A domain label may not start or end with '-'.";
            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-') return "The domain contains a character that is not allowed.";
            }
        }
        if (local.Length + 1 + asciiDomain.Length > MaxLength)
            return $"The e-mail address is longer than {MaxLength} octets as sent (RFC 5321: a path of at most 256 with the angle brackets).";
        ascii = ReferenceEquals(asciiDomain, domain) ? a : local + "@" + asciiDomain;
        return null;
    }
}
