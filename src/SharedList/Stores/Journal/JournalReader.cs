using System.Buffers.Binary;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace SharedList.Stores.Journal;

/// <summary>
/// Reads a journal's records in order, from just after the file header, checking each (length, both checksums,
/// type, its body for that type, UTF-8), and tells how the reading ended: every byte sound, a torn tail, or damage in the middle.
/// </summary>
/// <remarks>
/// Tell-tales of a crash in mid-write, cut as a torn tail: the file ends inside a header or inside a payload whose
/// header is sound; the last record fails its checksum; or the bytes from the failing record on are all zero (a file
/// whose length reached the disk before its data). A record that fails with other bytes after it is damage.
/// Not thread-safe.
/// </remarks>
internal sealed class JournalReader
{
    private const int DefaultBufferBytes = 1024 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly long _length;
    private byte[] _buffer;
    private long _bufferOffset;
    private int _start;
    private int _end;
    private byte[]? _lastKey;

    /// <summary>Reads the file of <paramref name="handle"/>, <paramref name="length"/> bytes long, whose header has been checked.</summary>
    public JournalReader(SafeFileHandle handle, long length, int bufferBytes = DefaultBufferBytes)
    {
        _handle = handle;
        _length = length;
        _buffer = new byte[bufferBytes];
        _bufferOffset = JournalFormat.FileHeaderBytes;
    }

    /// <summary>Where the next record begins: after a torn tail or damage, where the file is to be cut.</summary>
    public long Offset => _bufferOffset + _start;

    /// <summary>How reading ended, once <see cref="TryRead"/> has returned false.</summary>
    public JournalEnd End { get; private set; }

    /// <summary>What is wrong at <see cref="Offset"/>, when <see cref="End"/> is not <see cref="JournalEnd.Complete"/>.</summary>
    public string Problem { get; private set; } = string.Empty;

    /// <summary>Reads the next sound record; false at the end, with <see cref="End"/> telling why.</summary>
    public bool TryRead(out JournalRecord record)
    {
        record = default;
        var offset = Offset;
        var remaining = _length - offset;
        if (remaining == 0)
        {
            return Stop(JournalEnd.Complete, string.Empty);
        }

        if (remaining < JournalFormat.RecordHeaderBytes)
        {
            return Stop(JournalEnd.TornTail, "the file ends inside a record header");
        }

        Fill(JournalFormat.RecordHeaderBytes);
        var header = _buffer.AsSpan(_start, JournalFormat.RecordHeaderBytes);
        if (!JournalFormat.TryReadRecordHeader(header, out var payloadLength, out var payloadCrc))
        {
            return Fault(offset, JournalFormat.RecordHeaderBytes, "a record header whose checksum does not match");
        }

        if (payloadLength < JournalFormat.PayloadPrefixBytes || payloadLength > JournalFormat.MaxPayloadBytes)
        {
            return Stop(JournalEnd.Damaged, $"a record header with an impossible length ({payloadLength} bytes)");
        }

        var recordBytes = JournalFormat.RecordHeaderBytes + payloadLength;
        if (recordBytes > remaining)
        {
            return Stop(JournalEnd.TornTail, "the file ends inside a record");
        }

        Fill(recordBytes);
        var bytes = _buffer.AsSpan(_start, recordBytes);
        var payload = bytes[JournalFormat.RecordHeaderBytes..];
        if (Crc32C.Compute(payload) != payloadCrc)
        {
            return Fault(offset, recordBytes, "a record whose checksum does not match");
        }

        var type = payload[0];
        var keyLength = payload[1] | (payload[2] << 8);
        if (JournalFormat.PayloadPrefixBytes + keyLength > payload.Length)
        {
            return Stop(JournalEnd.Damaged, "a record whose key is longer than the record");
        }

        var key = payload.Slice(JournalFormat.PayloadPrefixBytes, keyLength);
        var bodyStart = _start + JournalFormat.RecordHeaderBytes + JournalFormat.PayloadPrefixBytes + keyLength;
        var body = _buffer.AsMemory(bodyStart, recordBytes - (bodyStart - _start));
        if (CheckBody(type, key, body.Span) is { } problem)
        {
            return Stop(JournalEnd.Damaged, problem);
        }

        if (_lastKey is null || !key.SequenceEqual(_lastKey))
        {
            // Keys repeat from record to record: each new one is checked once.
            if (!Utf8.IsValid(key))
            {
                return Stop(JournalEnd.Damaged, "a record whose key is not UTF-8");
            }

            _lastKey = key.ToArray();
        }

        record = new JournalRecord(offset, type, key, body, bytes);
        _start += recordBytes;
        return true;
    }

    // What is wrong with a record's body for its type, or null when it is sound.
    private static string? CheckBody(byte type, ReadOnlySpan<byte> key, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case JournalFormat.AppendType:
                return Utf8.IsValid(body) ? null : "a record whose item is not UTF-8";
            case JournalFormat.ClearType:
                return body.IsEmpty ? null : "a clear record with an item";
            case JournalFormat.ClearAllType:
                return key.IsEmpty && body.IsEmpty ? null : "a clear-all record with a key or a body";
            case JournalFormat.PopType:
                return JournalFormat.TryReadEndAndCount(type, body, out _, out _) ? null : "a pop record whose end or count is not sound";
            case JournalFormat.PushType:
                if (!JournalFormat.TryReadEndAndCount(type, body, out _, out _))
                {
                    return "a push record whose items do not add up to its length";
                }

                for (var rest = body[JournalFormat.EndAndCountBytes..]; !rest.IsEmpty;)
                {
                    var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(rest);
                    var item = rest.Slice(JournalFormat.ItemLengthBytes, length);
                    if (!Utf8.IsValid(item))
                    {
                        return "a push record with an item that is not UTF-8";
                    }

                    rest = rest[(JournalFormat.ItemLengthBytes + length)..];
                }

                return null;
            default:
                return $"a record of unknown type {type}";
        }
    }

    private bool Stop(JournalEnd end, string problem)
    {
        End = end;
        Problem = problem;
        return false;
    }

    // A failed checksum: torn when nothing but zeros (or nothing) follows the failing record, damage otherwise.
    private bool Fault(long offset, long checkedBytes, string problem)
    {
        var torn = offset + checkedBytes == _length || IsZeroFrom(offset + checkedBytes);
        return Stop(torn ? JournalEnd.TornTail : JournalEnd.Damaged, problem);
    }

    private bool IsZeroFrom(long offset)
    {
        var scratch = new byte[64 * 1024];
        while (offset < _length)
        {
            var read = RandomAccess.Read(_handle, scratch.AsSpan(0, (int)Math.Min(scratch.Length, _length - offset)), offset);
            if (read <= 0)
            {
                return true;
            }

            if (scratch.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            offset += read;
        }

        return true;
    }

    // Makes at least `count` bytes from _start available in the buffer; the caller has checked the file holds them.
    private void Fill(int count)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (count > _buffer.Length)
        {
            var grown = new byte[Math.Max(count, _buffer.Length * 2)];
            _buffer.AsSpan(_start, _end - _start).CopyTo(grown);
            _buffer = grown;
        }
        else
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        }

        _bufferOffset += _start;
        _end -= _start;
        _start = 0;
        while (_end < count)
        {
            var read = RandomAccess.Read(_handle, _buffer.AsSpan(_end), _bufferOffset + _end);
            if (read <= 0)
            {
                throw new IOException($"The journal ended at {_bufferOffset + _end} bytes while {_length} were expected: it changed while being read.");
            }

            _end += read;
        }
    }
}
