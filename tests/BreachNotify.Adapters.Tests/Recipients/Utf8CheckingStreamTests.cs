using System.Text;
using BreachNotify.Adapters.Recipients;
using BreachNotify.Application.Notices.Recipients;

namespace BreachNotify.Adapters.Tests.Recipients;

/// <summary>Issue 13 point 9: an upload that is not UTF-8 is refused naming its line, whatever the read sizes.</summary>
public sealed class Utf8CheckingStreamTests
{
    /// <summary>Reads in chunks of <paramref name="chunk"/> bytes, so sequences are split at every possible place.</summary>
    private static async Task<byte[]> ReadAllAsync(byte[] input, int chunk)
    {
        using var checking = new Utf8CheckingStream(new MemoryStream(input));
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = await checking.ReadAsync(buffer)) > 0) output.Write(buffer, 0, read);
        return output.ToArray();
    }

    public static TheoryData<int> Chunks => new() { 1, 2, 3, 5, 4096 };

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Utf8_of_every_length_passes_unchanged(int chunk)
    {
        var input = Encoding.UTF8.GetBytes("\uFEFFemail,name\nj\u00f6rg@example.de,J\u00f6rg \u20ac \U0001F600\nx@example.org,\u65e5\u672c\n");
        Assert.Equal(input, await ReadAllAsync(input, chunk));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Latin1_is_refused_with_its_line(int chunk)
    {
        var input = Encoding.Latin1.GetBytes("email,name\nok@example.org,Ok\nbad\u00e9@example.org,Jos\u00e9\n");
        var ex = await Assert.ThrowsAsync<RecipientUploadException>(() => ReadAllAsync(input, chunk));
        Assert.StartsWith("Line 3 is not UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', (byte)'\n', 0xC3 }, 2)]                    // cut short by the end
    [InlineData(new byte[] { (byte)'\n', (byte)'\n', 0xE2, 0x82, (byte)'\n' }, 3)] // a newline inside a sequence
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 1)]                                // an encoded surrogate
    [InlineData(new byte[] { 0xC0, 0xAF }, 1)]                                      // an overlong '/'
    [InlineData(new byte[] { (byte)'a', 0xFF }, 1)]
    public async Task Broken_sequences_are_refused_with_their_line(byte[] input, int line)
    {
        foreach (var chunk in new[] { 1, 2, 4096 })
        {
            var ex = await Assert.ThrowsAsync<RecipientUploadException>(() => ReadAllAsync(input, chunk));
            Assert.StartsWith($"Line {line} is not UTF-8", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_csv_reader_yields_no_row_from_a_latin1_line()
    {
        var input = Encoding.Latin1.GetBytes("email,name\nok@example.org,Ok\nbad\u00e9@example.org,Jos\u00e9\n");
        var rows = new List<RecipientInput>();
        var ex = await Assert.ThrowsAsync<RecipientUploadException>(async () =>
        {
            await foreach (var row in RecipientReaders.ReadCsvAsync(new MemoryStream(input))) rows.Add(row);
        });
        Assert.Contains("Line 3", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(rows, r => r.Email?.Contains('\uFFFD', StringComparison.Ordinal) == true);
    }
}
