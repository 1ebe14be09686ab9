using System.Security.Cryptography;
using System.Text;
using BreachNotify.Adapters.Outbox;
using BreachNotify.Adapters.Tests.Fakes;
using BreachNotify.Application.Email;
using BreachNotify.Tests.Shared.Mail;

namespace BreachNotify.Adapters.Tests.Outbox;

public sealed class OutboxEmailSenderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bn-outbox-" + Guid.NewGuid().ToString("N"));
    private readonly AutoAdvanceTimeProvider _time = new(new DateTimeOffset(2026, 11, 5, 9, 30, 15, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private OutboxEmailSender Sender() => new(new OutboxEmailSenderOptions { Directory = _directory }, _time);

    private static EmailRecipient Recipient(string address, string? name) =>
        new(new EmailAddress(address, name), new Dictionary<string, string> { ["-name-"] = name ?? "Sir or Madam" });

    private static EmailMessage Message(string subject = "Notice for -name-", params EmailRecipient[] recipients) => new(
        "job-42",
        new EmailAddress("dpo@example.org", "Data Protection Officer"),
        subject,
        "Dear -name-,\nwe must inform you = important.\n",
        "<p>Dear -name-,</p><p>we must inform you.</p>",
        recipients.Length == 0 ? [Recipient("anna@example.com", "Anna")] : recipients,
        ReplyTo: new EmailAddress("privacy@example.org"),
        CustomArgs: new Dictionary<string, string> { ["incident_id"] = "inc-7", ["notification_id"] = "n-3" },
        Categories: ["breach-notice"],
        Language: "de");

    private static string ExpectedFileName(string key, string address) =>
        $"{key}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address.ToLowerInvariant())))[..16]}.eml";

    private MimeEntity Read(string address, string key = "job-42")
    {
        var bytes = File.ReadAllBytes(Path.Combine(_directory, ExpectedFileName(key, address)));
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotMatch("(?<!\r)\n", text); // CRLF only
        Assert.All(text.Split("\r\n"), line => Assert.True(line.Length <= 998, "line longer than 998"));
        return MimeEntity.Parse(text);
    }

    [Fact]
    public async Task Writes_a_parseable_multipart_message_with_headers_and_decoded_parts()
    {
        var result = await Sender().SendAsync(Message());

        Assert.Equal("job-42", result.ProviderMessageId);
        Assert.Equal(_time.GetUtcNow(), result.AcceptedAt);
        var mail = Read("anna@example.com");
        Assert.Equal("Thu, 05 Nov 2026 09:30:15 +0000", mail["Date"]);
        Assert.Equal("Data Protection Officer <dpo@example.org>", mail["From"]);
        Assert.Equal("Anna <anna@example.com>", mail["To"]);
        Assert.Equal("<privacy@example.org>", mail["Reply-To"]);
        Assert.Equal("Notice for Anna", mail.Decoded("Subject"));
        Assert.Equal("1.0", mail["MIME-Version"]);
        Assert.Equal("de", mail["Content-Language"]);
        Assert.Equal("job-42", mail["X-BreachNotify-Message-Key"]);
        Assert.Equal("inc-7", mail["X-BreachNotify-incident_id"]);
        Assert.Equal("n-3", mail["X-BreachNotify-notification_id"]);
        Assert.Equal("breach-notice", mail["X-BreachNotify-Categories"]);
        Assert.Matches("^<job-42\\.[0-9a-f]{16}@outbox\\.breachnotify\\.invalid>$", mail["Message-ID"]);
        Assert.True(DateTimeOffset.TryParse(mail["Date"], System.Globalization.CultureInfo.InvariantCulture, out _));

        Assert.Equal("multipart/alternative", mail.ContentType.MediaType);
        var parts = mail.Parts();
        Assert.Equal(2, parts.Count);
        Assert.Equal("text/plain", parts[0].ContentType.MediaType);
        Assert.Equal("utf-8", parts[0].ContentType.CharSet);
        Assert.Equal("quoted-printable", parts[0]["Content-Transfer-Encoding"]);
        Assert.Equal("Dear Anna,\r\nwe must inform you = important.\r\n", parts[0].DecodedBody());
        Assert.Equal("text/html", parts[1].ContentType.MediaType);
        Assert.Equal("<p>Dear Anna,</p><p>we must inform you.</p>", parts[1].DecodedBody());
    }

    [Fact]
    public async Task Non_ascii_subject_names_and_bodies_round_trip()
    {
        var subject = "Datenschutzverletzung: Benachrichtigung für -name- — bitte sorgfältig lesen 🔒 (Vorfall 2026/11)";
        await Sender().SendAsync(Message(subject, Recipient("jurgen@example.de", "Jürgen Müller")));

        var mail = Read("jurgen@example.de");
        Assert.StartsWith("=?utf-8?B?", mail["Subject"], StringComparison.Ordinal);
        Assert.Equal(subject.Replace("-name-", "Jürgen Müller", StringComparison.Ordinal), mail.Decoded("Subject"));
        Assert.Equal("Jürgen Müller <jurgen@example.de>", mail.Decoded("To"));
        Assert.StartsWith("=?utf-8?B?", mail["To"], StringComparison.Ordinal);
        Assert.Contains("Jürgen Müller", mail.Parts()[0].DecodedBody(), StringComparison.Ordinal);

        var raw = File.ReadAllText(Path.Combine(_directory, ExpectedFileName("job-42", "jurgen@example.de")));
        Assert.All(raw.Split("\r\n"), line => Assert.True(line.All(c => c < 128), "non-ASCII in the file: " + line));
        Assert.All(raw.Split("\r\n").Where(l => l.Contains("=?utf-8?", StringComparison.Ordinal)),
            line => Assert.True(line.Length <= 76, "encoded-word line longer than 76 (RFC 2047 §2): " + line));
    }

    [Fact]
    public async Task Display_names_with_specials_are_quoted()
    {
        await Sender().SendAsync(Message("Hi", Recipient("a@example.com", "Doe, \"Jay\"")));

        Assert.Equal("\"Doe, \\\"Jay\\\"\" <a@example.com>", Read("a@example.com")["To"]);
    }

    [Fact]
    public async Task Writes_one_file_per_recipient_with_their_own_substitutions()
    {
        await Sender().SendAsync(Message("Notice for -name-",
            Recipient("anna@example.com", "Anna"), Recipient("ben@example.com", "Ben"), Recipient("cleo@example.com", null)));

        Assert.Equal(3, Directory.GetFiles(_directory, "*.eml").Length);
        Assert.Equal("Notice for Anna", Read("anna@example.com").Decoded("Subject"));
        Assert.Equal("Notice for Ben", Read("ben@example.com").Decoded("Subject"));
        var cleo = Read("cleo@example.com");
        Assert.Equal("<cleo@example.com>", cleo["To"]);
        Assert.StartsWith("Dear Sir or Madam,", cleo.Parts()[0].DecodedBody(), StringComparison.Ordinal);
        Assert.DoesNotContain("anna", File.ReadAllText(Path.Combine(_directory, ExpectedFileName("job-42", "ben@example.com"))),
            StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Redelivery_overwrites_the_same_files_and_keeps_message_ids()
    {
        var sender = Sender();
        await sender.SendAsync(Message());
        var first = Read("anna@example.com");

        _time.Advance(TimeSpan.FromMinutes(3));
        await sender.SendAsync(Message());

        Assert.Single(Directory.GetFiles(_directory));
        var second = Read("anna@example.com");
        Assert.Equal(first["Message-ID"], second["Message-ID"]);
        Assert.Equal(first.ContentType.Boundary, second.ContentType.Boundary);
        Assert.Equal("Thu, 05 Nov 2026 09:33:15 +0000", second["Date"]);
    }

    [Fact]
    public async Task File_name_ignores_address_case()
    {
        await Sender().SendAsync(Message("Hi", Recipient("Anna@Example.COM", "Anna")));

        Assert.True(File.Exists(Path.Combine(_directory, ExpectedFileName("job-42", "anna@example.com"))));
        Assert.Equal(ExpectedFileName("job-42", "anna@example.com"), OutboxEmailSender.FileNameFor("job-42", "ANNA@example.com"));
    }

    [Fact]
    public void Unsafe_message_keys_are_sanitised_without_collisions()
    {
        var a = OutboxEmailSender.FileNameFor("job/1", "a@example.com");
        var b = OutboxEmailSender.FileNameFor("job_1", "a@example.com");

        Assert.NotEqual(a, b);
        Assert.DoesNotContain('/', a);
        Assert.StartsWith("job_1~", a, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Long_lines_are_soft_wrapped_and_decode_back()
    {
        var longLine = string.Concat(Enumerable.Repeat("Lorem ipsum dolor sit amet, äöü ß = 100 % ", 20)) + "trailing space ";
        var message = Message() with { TextBody = longLine };

        await Sender().SendAsync(message);

        var part = Read("anna@example.com").Parts()[0];
        Assert.All(part.RawBody.Split("\r\n"), line => Assert.True(line.Length <= 76, "QP line longer than 76"));
        Assert.Equal(longLine, part.DecodedBody());
    }

    [Fact]
    public async Task No_temp_files_are_left_behind()
    {
        await Sender().SendAsync(Message("Hi", Recipient("anna@example.com", "Anna"), Recipient("ben@example.com", "Ben")));

        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task Duplicate_recipient_is_permanent_and_names_no_address()
    {
        var ex = await Assert.ThrowsAsync<EmailPermanentException>(() =>
            Sender().SendAsync(Message("Hi", Recipient("anna@example.com", "Anna"), Recipient("ANNA@example.com", "Anna"))));

        Assert.DoesNotContain("anna", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(_directory) && Directory.GetFiles(_directory).Length > 0);
    }

    [Fact]
    public async Task Header_injection_through_subject_or_args_is_neutralised()
    {
        var message = Message("Hi\r\nBcc: evil@example.net") with
        {
            CustomArgs = new Dictionary<string, string> { ["job_id"] = "j\r\nX-Evil: 1" },
        };

        await Sender().SendAsync(message);

        var mail = Read("anna@example.com");
        Assert.Null(mail["Bcc"]);
        Assert.Null(mail["X-Evil"]);
        Assert.Equal("Hi  Bcc: evil@example.net", mail.Decoded("Subject"));
        Assert.Equal("j  X-Evil: 1", mail.Decoded("X-BreachNotify-job_id"));
    }

    [Fact]
    public async Task Long_header_names_still_keep_encoded_lines_within_76()
    {
        var message = Message() with
        {
            CustomArgs = new Dictionary<string, string> { [new string('k', 70)] = "värde" },
        };

        await Sender().SendAsync(message);

        var raw = File.ReadAllText(Path.Combine(_directory, ExpectedFileName("job-42", "anna@example.com")));
        Assert.All(raw.Split("\r\n").Where(l => l.Contains("=?utf-8?", StringComparison.Ordinal)),
            line => Assert.True(line.Length <= 76, line));
        Assert.Equal("värde", Read("anna@example.com").Decoded("X-BreachNotify-" + new string('k', 70)));
    }

    [Fact]
    public void Substitution_is_single_pass_and_prefers_the_longest_key()
    {
        var result = OutboxEmailSender.Substitute("-name- -name-full- -x-",
            new Dictionary<string, string> { ["-name-"] = "-x-", ["-name-full-"] = "Anna Full", ["-x-"] = "X" });

        Assert.Equal("-x- Anna Full X", result);
    }
}

