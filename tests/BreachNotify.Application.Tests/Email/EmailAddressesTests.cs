using BreachNotify.Application.Email;
using BreachNotify.Application.Notices.Recipients;

namespace BreachNotify.Application.Tests.Email;

/// <summary>Upload validation accepts exactly what the senders can send: ASCII local parts, IDNA domains, RFC 5321 lengths in octets.</summary>
public sealed class EmailAddressesTests
{
    private static string Label(char c, int n) => new(c, n);

    [Theory]
    [InlineData("anna@example.org", "anna@example.org")]
    [InlineData("  Anna.Berg+news@Example.ORG ", "Anna.Berg+news@Example.ORG")]
    [InlineData("anna@bücher.de", "anna@xn--bcher-kva.de")]
    [InlineData("anna@BÜCHER.de", "anna@xn--bcher-kva.de")]
    [InlineData("anna@xn--bcher-kva.de", "anna@xn--bcher-kva.de")]
    [InlineData("anna@münchen.example", "anna@xn--mnchen-3ya.example")]
    public void Sendable_addresses_come_back_in_the_form_the_senders_write(string address, string ascii)
    {
        Assert.Equal(ascii, EmailAddresses.ToAscii(address, out var reason));
        Assert.Null(reason);
        Assert.Null(EmailAddresses.Validate(address));
    }

    [Fact]
    public void A_label_of_63_e_acute_is_refused_because_its_punycode_is_longer_than_63_octets()
    {
        // 63 characters, as the earlier check counted them, but "xn--" plus far more than 59 octets once encoded.
        var address = "anna@" + Label('é', 63) + ".de";
        Assert.Contains("at most 63 octets", EmailAddresses.Validate(address));
        Assert.Null(EmailAddresses.ToAscii(address, out _));
        // Twenty of them encode to 25 octets: fine.
        Assert.Equal("anna@xn--9caaaaaaaaaaaaaaaaaaaa.de", EmailAddresses.ToAscii("anna@" + Label('é', 20) + ".de", out _));
    }

    [Fact]
    public void Lengths_are_RFC_5321_octets_at_their_exact_limits()
    {
        Assert.Null(EmailAddresses.Validate(Label('a', 64) + "@example.org"));
        Assert.Contains("64 octets", EmailAddresses.Validate(Label('a', 65) + "@example.org"));
        Assert.Null(EmailAddresses.Validate("a@" + Label('b', 63) + ".org"));
        Assert.Contains("63 octets", EmailAddresses.Validate("a@" + Label('b', 64) + ".org"));

        // The whole address as sent: 254 octets is the limit (a path of 256 with the angle brackets).
        var domain = string.Join('.', Label('b', 63), Label('c', 63), Label('d', 63), Label('e', 45)); // 237 octets
        var at254 = Label('a', 254 - 1 - domain.Length) + "@" + domain;
        Assert.Equal(254, at254.Length);
        Assert.Null(EmailAddresses.Validate(at254));
        Assert.Contains("254 octets", EmailAddresses.Validate("a" + at254));

        // An internationalised domain counts in its encoded form: 16 characters of local part plus a domain of 237
        // characters is 254, but the 'ü' makes the encoded domain longer.
        var idn = string.Join('.', Label('b', 63), Label('c', 63), Label('d', 63), "ü" + Label('e', 44));
        Assert.Equal(254, (Label('a', 16) + "@" + idn).Length);
        Assert.Contains("254 octets", EmailAddresses.Validate(Label('a', 16) + "@" + idn));
    }

    [Theory]
    [InlineData("änna@example.org", "outside ASCII")]
    [InlineData("anna@exa_mple.org", "not allowed")]
    [InlineData("anna@-example.org", "start or end")]
    [InlineData("anna@example.org.", "empty label")]
    [InlineData("anna@example", "at least one dot")]
    [InlineData("anna@xn--zz.org", "internationalised")]
    [InlineData("anna@exa mple.org", "not allowed")]
    [InlineData(".anna@example.org", "misplaced dot")]
    [InlineData("an\"na@example.org", "not allowed")]
    [InlineData("anna@@example.org", "exactly one '@'")]
    [InlineData("", "required")]
    public void Unsendable_addresses_are_refused_with_a_reason_that_does_not_quote_them(string address, string why)
    {
        var reason = EmailAddresses.Validate(address);
        Assert.NotNull(reason);
        Assert.Contains(why, reason);
        if (address.Length > 0) Assert.DoesNotContain(address.Trim(), reason);
    }

    [Fact]
    public void The_dedupe_key_of_an_internationalised_address_is_that_of_the_form_a_provider_echoes_back()
    {
        Assert.Equal(RecipientKeys.RowKey(RecipientKeys.Hash("anna@xn--bcher-kva.de")), RecipientKeys.RowKey(RecipientKeys.Hash("Anna@Bücher.de")));
        // ASCII addresses keep the key they always had (trimmed, lower-cased).
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("anna@example.org"u8)), RecipientKeys.RowKey(RecipientKeys.Hash(" ANNA@Example.org ")));
    }
}
