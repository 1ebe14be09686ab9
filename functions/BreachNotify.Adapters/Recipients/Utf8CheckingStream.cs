using System.Globalization;
using System.Text.Unicode;
using BreachNotify.Application.Notices.Recipients;

namespace BreachNotify.Adapters.Recipients;

/// <summary>
/// Passes an upload through unchanged while checking that it is UTF-8, counting lines as it goes: the first byte
/// that is not part of a UTF-8 sequence stops the read with a <see cref="RecipientUploadException"/> naming its
/// line. A decoder would otherwise put U+FFFD in its place, and a Latin-1 <c>bad\u00e9@example.org</c> would be
/// stored and mailed as <c>bad\ufffd@example.org</c>. The check runs before the CSV reader sees the bytes, so no row
/// holding them is ever read.
/// </summary>
internal sealed class Utf8CheckingStream(Stream inner) : Stream
{
    private readonly byte[] _carry = new byte[4];
    private int _carried;   // bytes of a sequence split by the previous read
    private int _needed;    // its full length
    private long _line = 1; // the line of the next byte

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Check(buffer.AsSpan(offset, read));
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Check(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Checks the bytes just read; an empty read is the end, where no sequence may be left open.</summary>
    private void Check(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            if (_carried > 0) throw NotUtf8();
            return;
        }

        if (_carried > 0)
        {
            var take = Math.Min(_needed - _carried, data.Length);
            data[..take].CopyTo(_carry.AsSpan(_carried));
            _carried += take;
            data = data[take..];
            if (_carried < _needed) return;
            if (!Utf8.IsValid(_carry.AsSpan(0, _needed))) throw NotUtf8();
            _carried = 0;
        }

        // A sequence cut by the end of this read is completed by the next one.
        var whole = data.Length;
        for (var back = 1; back <= Math.Min(3, data.Length); back++)
        {
            var b = data[^back];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: look further back for its lead
            var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (length > back) whole = data.Length - back;
            break;
        }

        var complete = data[..whole];
        if (!Utf8.IsValid(complete))
        {
            // Find the line of the first bad byte: every byte before it is valid, so its newlines are lines.
            var valid = 0;
            while (System.Text.Rune.DecodeFromUtf8(complete[valid..], out _, out var used) == System.Buffers.OperationStatus.Done) valid += used;
            _line += complete[..valid].Count((byte)'\n');
            throw NotUtf8();
        }

        _line += complete.Count((byte)'\n');
        var tail = data[whole..];
        if (!tail.IsEmpty)
        {
            tail.CopyTo(_carry);
            _carried = tail.Length;
            var lead = tail[0];
            _needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        }
    }

    private RecipientUploadException NotUtf8() => new("$", string.Create(CultureInfo.InvariantCulture,
        $"Line {_line} is not UTF-8 text. Save the file as UTF-8 (in Excel: \"CSV UTF-8\") and upload it again."));
}
