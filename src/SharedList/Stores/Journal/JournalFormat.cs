using System.Buffers;
using System.Buffers.Binary;

namespace SharedList.Stores.Journal;

/// <summary>
/// The journal's bytes (docs/DURABILITY.md): a file header, then records, each a 12-byte header
/// <c>[u32 payload length][u32 CRC32C(payload)][u32 CRC32C(the 8 bytes before)]</c> and its payload
/// <c>[u8 type][u16 key length][key][body]</c>, all little-endian. The body is the item of an append, nothing for a
/// clear or a clear-all, <c>[u8 end][u32 count]([u32 length][item]) × count</c> for a push, <c>[u8 end][u32 count]</c> for a pop.
/// </summary>
internal static class JournalFormat
{
    /// <summary>The journal's name in its directory.</summary>
    public const string FileName = "sharedlist.journal";

    /// <summary>Where a rewrite writes the new journal before renaming it over the old one.</summary>
    public const string RewriteFileName = FileName + ".tmp";

    /// <summary>The file a serving process holds locked, so that one process at a time uses the journal.</summary>
    public const string LockFileName = FileName + ".lock";

    /// <summary>The format this code writes and reads.</summary>
    public const uint Version = 1;

    /// <summary>The file header: the magic and the version.</summary>
    public const int FileHeaderBytes = 12;

    /// <summary>A record's header: length, payload CRC, header CRC.</summary>
    public const int RecordHeaderBytes = 12;

    /// <summary>A payload's fixed part: the type and the key length.</summary>
    public const int PayloadPrefixBytes = 3;

    /// <summary>The type of a record that appends its item to its key's list.</summary>
    public const byte AppendType = 1;

    /// <summary>The type of a record that empties its key's list.</summary>
    public const byte ClearType = 2;

    /// <summary>The type of a record that pushes all its items at one end of its key's list: one whole push.</summary>
    public const byte PushType = 3;

    /// <summary>The type of a record that removes a number of items from one end of its key's list.</summary>
    public const byte PopType = 4;

    /// <summary>The type of a record, with an empty key, that empties every list.</summary>
    public const byte ClearAllType = 5;

    /// <summary>A push body's fixed part, and a pop's whole body: the end and the count.</summary>
    public const int EndAndCountBytes = 5;

    /// <summary>What a push body adds to each item: its length.</summary>
    public const int ItemLengthBytes = 4;

    /// <summary>The longest key, in UTF-8 bytes (its length is a u16).</summary>
    public const int MaxKeyBytes = ushort.MaxValue;

    /// <summary>
    /// The longest item the journal takes: 256 MiB, far above any <c>--max-message</c> in use. A record claiming
    /// more is damage, never an allocation of what a broken length says.
    /// </summary>
    public const int MaxItemBytes = 256 * 1024 * 1024;

    /// <summary>
    /// The longest body: a push of one item of <see cref="MaxItemBytes"/>. A push whose items take more, together, is
    /// refused as one item that long is.
    /// </summary>
    public const int MaxBodyBytes = EndAndCountBytes + ItemLengthBytes + MaxItemBytes;

    /// <summary>The longest payload of a sound record.</summary>
    public const int MaxPayloadBytes = PayloadPrefixBytes + MaxKeyBytes + MaxBodyBytes;

    /// <summary>"SLJOURNL": the first bytes of every journal, so a foreign file is refused rather than read.</summary>
    public static ReadOnlySpan<byte> Magic => "SLJOURNL"u8;

    /// <summary>The bytes of a record of this key and body (empty for a clear).</summary>
    public static int RecordBytes(int keyBytes, int bodyBytes) => RecordHeaderBytes + PayloadPrefixBytes + keyBytes + bodyBytes;

    /// <summary>The body of a push of <paramref name="items"/>, in bytes; more than <see cref="MaxBodyBytes"/> is refused.</summary>
    public static long PushBodyBytes(IReadOnlyList<ReadOnlyMemory<byte>> items)
    {
        long bytes = EndAndCountBytes;
        for (var i = 0; i < items.Count; i++)
        {
            bytes += ItemLengthBytes + items[i].Length;
        }

        return bytes;
    }

    /// <summary>Writes the file header into <paramref name="destination"/> (<see cref="FileHeaderBytes"/> long).</summary>
    public static void WriteFileHeader(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[Magic.Length..], Version);
    }

    /// <summary>Appends an append record to <paramref name="output"/>.</summary>
    public static int WriteAppend(IBufferWriter<byte> output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> item) =>
        WriteRecord(output, AppendType, key, item);

    /// <summary>Appends a clear record to <paramref name="output"/>.</summary>
    public static int WriteClear(IBufferWriter<byte> output, ReadOnlySpan<byte> key) =>
        WriteRecord(output, ClearType, key, []);

    /// <summary>Appends a push record of <paramref name="items"/> (their body at most <see cref="MaxBodyBytes"/>) to <paramref name="output"/>.</summary>
    public static int WritePush(IBufferWriter<byte> output, ReadOnlySpan<byte> key, ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> items)
    {
        var bodyBytes = checked((int)PushBodyBytes(items));
        var record = BeginRecord(output, PushType, key, bodyBytes, out var body);
        WriteEndAndCount(body, end, items.Count);
        var at = EndAndCountBytes;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i].Span;
            BinaryPrimitives.WriteUInt32LittleEndian(body[at..], (uint)item.Length);
            item.CopyTo(body[(at + ItemLengthBytes)..]);
            at += ItemLengthBytes + item.Length;
        }

        return EndRecord(output, record);
    }

    /// <summary>Appends a pop record of <paramref name="count"/> items (the number removed, at least 1) to <paramref name="output"/>.</summary>
    public static int WritePop(IBufferWriter<byte> output, ReadOnlySpan<byte> key, ListEnd end, int count)
    {
        var record = BeginRecord(output, PopType, key, EndAndCountBytes, out var body);
        WriteEndAndCount(body, end, count);
        return EndRecord(output, record);
    }

    /// <summary>Appends a clear-all record to <paramref name="output"/>.</summary>
    public static int WriteClearAll(IBufferWriter<byte> output) => WriteRecord(output, ClearAllType, [], []);

    /// <summary>
    /// Reads a push or pop body's end and count, and checks the body: false when it is not sound (an unknown end, a
    /// count below 1, a pop body of another length, a push whose item lengths do not add up to its body).
    /// </summary>
    public static bool TryReadEndAndCount(byte type, ReadOnlySpan<byte> body, out ListEnd end, out int count)
    {
        end = default;
        count = 0;
        if (body.Length < EndAndCountBytes || body[0] > (byte)ListEnd.Tail)
        {
            return false;
        }

        end = (ListEnd)body[0];
        var claimed = BinaryPrimitives.ReadUInt32LittleEndian(body[1..]);
        if (claimed is 0 or > int.MaxValue)
        {
            return false;
        }

        count = (int)claimed;
        if (type == PopType)
        {
            return body.Length == EndAndCountBytes;
        }

        var rest = body[EndAndCountBytes..];
        for (var i = 0; i < count; i++)
        {
            if (rest.Length < ItemLengthBytes)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            if (length > (uint)(rest.Length - ItemLengthBytes))
            {
                return false;
            }

            rest = rest[(ItemLengthBytes + (int)length)..];
        }

        return rest.IsEmpty;
    }

    /// <summary>Adds the items of a sound push body (<see cref="TryReadEndAndCount"/>) to <paramref name="items"/>, as slices of it.</summary>
    public static void ReadPushItems(ReadOnlyMemory<byte> body, List<ReadOnlyMemory<byte>> items)
    {
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(body.Span[1..]);
        var at = EndAndCountBytes;
        for (var i = 0; i < count; i++)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(body.Span[at..]);
            items.Add(body.Slice(at + ItemLengthBytes, length));
            at += ItemLengthBytes + length;
        }
    }

    /// <summary>
    /// Reads a record header: false when its own checksum fails, so neither the length nor the payload CRC can be trusted.
    /// </summary>
    public static bool TryReadRecordHeader(ReadOnlySpan<byte> header, out int payloadLength, out uint payloadCrc)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        payloadLength = (int)Math.Min(length, int.MaxValue);
        return Crc32C.Compute(header[..8]) == headerCrc;
    }

    private static int WriteRecord(IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> key, ReadOnlySpan<byte> item)
    {
        var record = BeginRecord(output, type, key, item.Length, out var body);
        item.CopyTo(body);
        return EndRecord(output, record);
    }

    // The record's span in `output`, its header still to write, with the type and key written and `body` left to fill.
    private static Span<byte> BeginRecord(IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> key, int bodyBytes, out Span<byte> body)
    {
        var total = RecordBytes(key.Length, bodyBytes);
        var record = output.GetSpan(total)[..total];
        var payload = record[RecordHeaderBytes..];
        payload[0] = type;
        BinaryPrimitives.WriteUInt16LittleEndian(payload[1..], (ushort)key.Length);
        key.CopyTo(payload[PayloadPrefixBytes..]);
        body = payload[(PayloadPrefixBytes + key.Length)..];
        return record;
    }

    private static int EndRecord(IBufferWriter<byte> output, Span<byte> record)
    {
        var payload = record[RecordHeaderBytes..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], Crc32C.Compute(record[..8]));
        output.Advance(record.Length);
        return record.Length;
    }

    private static void WriteEndAndCount(Span<byte> body, ListEnd end, int count)
    {
        body[0] = (byte)end;
        BinaryPrimitives.WriteUInt32LittleEndian(body[1..], (uint)count);
    }
}
