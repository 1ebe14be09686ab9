using System.Security.Cryptography;
using System.Text;
using BreachNotify.Adapters.Outbox;
using BreachNotify.Application.Email;
using MimeKit;

namespace BreachNotify.Adapters.Tests.Outbox;

public sealed class OutboxEmailSenderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bn-outbox-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 5, 9, 30, 15, TimeSpan.Zero));

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

    /// <summary>Reads a written file with MimeKit's parser, after checking the raw text: CRLF only, lines ≤ 998.</summary>
    private MimeMessage Read(string address, string key = "job-42")
    {
        var path = Path.Combine(_directory, ExpectedFileName(key, address));
        var text = File.ReadAllText(path);
        Assert.DoesNotMatch("(?<!\r)\n", text); // CRLF only
        Assert.All(text.Split("\r\n"), line => Assert.True(line.Length <= 998, "line longer than 998"));
        return MimeMessage.Load(path);
    }

    private string Raw(string address, string key = "job-42") => File.ReadAllText(Path.Combine(_directory, ExpectedFileName(key, address)));

    /// <summary>A header's field body as written (unfolded, not decoded).</summary>
    private static string RawHeader(MimeMessage mail, string name)
        => Encoding.ASCII.GetString(mail.Headers.First(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)).RawValue).Replace("\r\n", "", StringComparison.Ordinal).Trim();

    private static (string Name, string Address) Single(InternetAddressList list)
    {
        var mailbox = Assert.IsType<MailboxAddress>(Assert.Single(list));
        return (mailbox.Name ?? string.Empty, mailbox.Address);
    }

    private static IReadOnlyList<TextPart> Parts(MimeMessage mail)
        => Assert.IsType<MultipartAlternative>(mail.Body).Cast<TextPart>().ToList();

    [Fact]
    public async Task Writes_a_parseable_multipart_message_with_headers_and_decoded_parts()
    {
        var result = await Sender().SendAsync(Message());

        Assert.Equal("job-42", result.ProviderMessageId);
        Assert.Equal(_time.GetUtcNow(), result.AcceptedAt);
        var mail = Read("anna@example.com");
        Assert.Equal("Thu, 05 Nov 2026 09:30:15 +0000", RawHeader(mail, "Date"));
        Assert.Equal(_time.GetUtcNow(), mail.Date);
        Assert.Equal(("Data Protection Officer", "dpo@example.org"), Single(mail.From));
        Assert.Equal(("Anna", "anna@example.com"), Single(mail.To));
        Assert.Equal(("", "privacy@example.org"), Single(mail.ReplyTo));
        Assert.Equal("Notice for Anna", mail.Subject);
        Assert.Equal("1.0", mail.Headers["MIME-Version"]);
        Assert.Equal("de", mail.Body!.Headers["Content-Language"]);
        Assert.Equal("job-42", mail.Headers["X-BreachNotify-Message-Key"]);
        Assert.Equal("inc-7", mail.Headers["X-BreachNotify-incident_id"]);
        Assert.Equal("n-3", mail.Headers["X-BreachNotify-notification_id"]);
        Assert.Equal("breach-notice", mail.Headers["X-BreachNotify-Categories"]);
        Assert.Matches("^job-42\\.[0-9a-f]{16}@outbox\\.breachnotify\\.invalid$", mail.MessageId);

        var parts = Parts(mail);
        Assert.Equal(2, parts.Count);
        Assert.Equal("text/plain", parts[0].ContentType.MimeType);
        Assert.Equal("utf-8", parts[0].ContentType.Charset);
        Assert.Equal(ContentEncoding.QuotedPrintable, parts[0].ContentTransferEncoding);
        Assert.Equal("Dear Anna,\r\nwe must inform you = important.\r\n", parts[0].Text.ReplaceLineEndings("\r\n"));
        Assert.Equal("text/html", parts[1].ContentType.MimeType);
        Assert.Equal("<p>Dear Anna,</p><p>we must inform you.</p>", parts[1].Text);
    }

    [Fact]
    public async Task Non_ascii_subject_names_and_bodies_round_trip()
    {
        var subject = "Datenschutzverletzung: Benachrichtigung für -name- — bitte sorgfältig lesen 🔒 (Vorfall 2026/11)";
        await Sender().SendAsync(Message(subject, Recipient("jurgen@example.de", "Jürgen Müller")));

        var mail = Read("jurgen@example.de");
        Assert.Contains("=?utf-8?", RawHeader(mail, "Subject"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(subject.Replace("-name-", "Jürgen Müller", StringComparison.Ordinal), mail.Subject);
        Assert.Equal(("Jürgen Müller", "jurgen@example.de"), Single(mail.To));
        Assert.StartsWith("=?utf-8?", RawHeader(mail, "To"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Jürgen Müller", Parts(mail)[0].Text, StringComparison.Ordinal);

        var raw = Raw("jurgen@example.de");
        Assert.All(raw.Split("\r\n"), line => Assert.True(line.All(c => c < 128), "non-ASCII in the file: " + line));
        // MimeKit folds lines with encoded-words at 77 characters, one past RFC 2047 §2's 76; RFC 5322 §2.1.1's 78 holds.
        Assert.All(raw.Split("\r\n"), line => Assert.True(line.Length <= 78, "line longer than 78: " + line));
    }

    [Theory]
    [InlineData("Doe, \"Jay\"")]
    [InlineData("Anna <admin@example.net>")]
    [InlineData("O'Brien; (work)")]
    public async Task Display_names_with_specials_display_as_given(string name)
    {
        await Sender().SendAsync(Message("Hi", Recipient("a@example.com", name)));

        var mail = Read("a@example.com");
        Assert.Equal((name, "a@example.com"), Single(mail.To));
        Assert.StartsWith("\"", RawHeader(mail, "To"), StringComparison.Ordinal); // a quoted-string, not bare specials
    }

    [Theory]
    [InlineData("=?utf-8?B?RXZpbCBDb3Jw?=")]                 // would display as "Evil Corp"
    [InlineData("Anna =?iso-8859-1?q?M=FCller?= Jones")]      // would display as "Anna Müller Jones"
    [InlineData("=?utf-8?q?x?=")]
    public async Task A_display_name_that_is_itself_an_encoded_word_displays_as_given(string name)
    {
        await Sender().SendAsync(Message("Hi", Recipient("a@example.com", name)));

        var mail = Read("a@example.com");
        Assert.Equal((name, "a@example.com"), Single(mail.To)); // MimeKit's parser decodes encoded-words in a phrase
    }

    [Fact]
    public async Task Temp_files_left_by_a_crash_are_removed_at_start_and_one_being_written_is_kept()
    {
        Directory.CreateDirectory(_directory);
        var left = Path.Combine(_directory, "job-1-0123456789abcdef.eml.0f0f.tmp");
        var justLeft = Path.Combine(_directory, "job-3-0123456789abcdef.eml.2d2d.tmp");
        var writing = Path.Combine(_directory, "job-2-0123456789abcdef.eml.1e1e.tmp");
        var other = Path.Combine(_directory, "notes.tmp");
        foreach (var f in new[] { left, justLeft, other }) await File.WriteAllTextAsync(f, "partial");
        File.SetLastWriteTimeUtc(left, DateTime.UtcNow - TimeSpan.FromDays(1));
        // Another instance's write in progress: it holds its temp file open (as the sender does until the file is in place).
        await using (var held = new FileStream(writing, FileMode.CreateNew, FileAccess.Write, FileShare.Delete))
        {
            var sender = Sender();

            Assert.Equal(2, sender.RemovedTempFiles);
            Assert.False(File.Exists(left));
            Assert.False(File.Exists(justLeft)); // left seconds ago by a killed process: nobody holds it
            Assert.True(File.Exists(writing));
            Assert.True(File.Exists(other)); // not ours
        }
        Assert.Equal(1, Sender().RemovedTempFiles); // once its writer is gone, it is a leftover too
    }

    [Fact]
    public async Task Writes_one_file_per_recipient_with_their_own_substitutions()
    {
        await Sender().SendAsync(Message("Notice for -name-",
            Recipient("anna@example.com", "Anna"), Recipient("ben@example.com", "Ben"), Recipient("cleo@example.com", null)));

        Assert.Equal(3, Directory.GetFiles(_directory, "*.eml").Length);
        Assert.Equal("Notice for Anna", Read("anna@example.com").Subject);
        Assert.Equal("Notice for Ben", Read("ben@example.com").Subject);
        var cleo = Read("cleo@example.com");
        Assert.Equal("cleo@example.com", RawHeader(cleo, "To").Trim('<', '>'));
        Assert.StartsWith("Dear Sir or Madam,", Parts(cleo)[0].Text, StringComparison.Ordinal);
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
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(Assert.IsType<MultipartAlternative>(first.Body).Boundary, Assert.IsType<MultipartAlternative>(second.Body).Boundary);
        Assert.Equal("Thu, 05 Nov 2026 09:33:15 +0000", RawHeader(second, "Date"));
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

        var raw = Raw("anna@example.com");
        var plain = raw[raw.IndexOf("Content-Type: text/plain", StringComparison.Ordinal)..raw.IndexOf("Content-Type: text/html", StringComparison.Ordinal)];
        // MimeKit wraps quoted-printable a character or two past RFC 2045's 76; RFC 5322 §2.1.1's 78 holds.
        Assert.All(plain.Split("\r\n"), line => Assert.True(line.Length <= 78, "QP line longer than 78: " + line));
        Assert.Equal(longLine, Parts(Read("anna@example.com"))[0].Text);
    }

    [Fact]
    public async Task No_temp_files_are_left_behind()
    {
        await Sender().SendAsync(Message("Hi", Recipient("anna@example.com", "Anna"), Recipient("ben@example.com", "Ben")));

        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task A_recipient_that_cannot_be_written_is_refused_alone_and_the_others_are_written()
    {
        var unsendable = "anna@" + new string('é', 63) + ".de"; // a label longer than 63 octets once encoded
        var result = await Sender().SendAsync(Message("Hi",
            Recipient("ben@example.com", "Ben"), Recipient(unsendable, "Anna"), Recipient("BEN@example.com", "Ben again"), Recipient("cleo@example.com", null)));

        Assert.Equal([1, 2], result.Refused.Select(r => r.Index));
        Assert.All(result.Refused, r => Assert.DoesNotContain("@", r.Reason, StringComparison.Ordinal));
        Assert.Contains("repeats", result.Refused[1].Reason, StringComparison.Ordinal);
        Assert.Equal("job-42", result.ProviderMessageId);
        Assert.Equal(2, Directory.GetFiles(_directory, "*.eml").Length);
        Assert.Equal(("Ben", "ben@example.com"), Single(Read("ben@example.com").To));
        Assert.True(File.Exists(Path.Combine(_directory, ExpectedFileName("job-42", "cleo@example.com"))));
    }

    [Fact]
    public async Task Every_recipient_refused_means_nothing_written_and_no_message_id()
    {
        var result = await Sender().SendAsync(Message("Hi", Recipient("anna@" + new string('é', 63) + ".de", "Anna")));

        Assert.Null(result.ProviderMessageId);
        Assert.Equal(0, Assert.Single(result.Refused).Index);
        Assert.Empty(Directory.GetFiles(_directory, "*.eml"));
    }

    [Fact]
    public async Task An_internationalised_domain_is_written_in_its_ascii_form()
    {
        await Sender().SendAsync(Message("Hi", Recipient("anna@bücher.de", "Anna")));

        var file = Assert.Single(Directory.GetFiles(_directory, "*.eml"));
        Assert.Equal(ExpectedFileName("job-42", "anna@xn--bcher-kva.de"), Path.GetFileName(file));
        Assert.Contains("<anna@xn--bcher-kva.de>", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_are_a_setting_of_at_most_1000_files()
    {
        Assert.Equal(100, Sender().RecipientsPerSend);
        Assert.Equal(7, new OutboxEmailSender(new OutboxEmailSenderOptions { Directory = _directory, RecipientsPerBatch = 7 }, _time).RecipientsPerSend);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutboxEmailSender(new OutboxEmailSenderOptions { Directory = _directory, RecipientsPerBatch = 1001 }, _time));
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
        Assert.Empty(mail.Bcc);
        Assert.Null(mail.Headers["X-Evil"]);
        Assert.Equal("Hi  Bcc: evil@example.net", mail.Subject);
        Assert.Equal("j  X-Evil: 1", mail.Headers["X-BreachNotify-job_id"]);
    }

    [Fact]
    public async Task Long_header_names_with_non_ascii_values_round_trip()
    {
        var message = Message() with
        {
            CustomArgs = new Dictionary<string, string> { [new string('k', 70)] = "värde" },
        };

        await Sender().SendAsync(message);

        Assert.All(Raw("anna@example.com").Split("\r\n"), line => Assert.True(line.All(c => c < 128), "non-ASCII in the file: " + line));
        Assert.Equal("värde", Read("anna@example.com").Headers["X-BreachNotify-" + new string('k', 70)]);
    }

    [Fact]
    public void Substitution_is_single_pass_and_prefers_the_longest_key()
    {
        var result = OutboxEmailSender.Substitute("-name- -name-full- -x-",
            new Dictionary<string, string> { ["-name-"] = "-x-", ["-name-full-"] = "Anna Full", ["-x-"] = "X" });

        Assert.Equal("-x- Anna Full X", result);
    }
}

