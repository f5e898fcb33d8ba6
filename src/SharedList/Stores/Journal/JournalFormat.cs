using System.Buffers;
using System.Buffers.Binary;

namespace SharedList.Stores.Journal;

/// <summary>
/// The journal's bytes (docs/DURABILITY.md): a file header, then records, each a 12-byte header
/// <c>[u32 payload length][u32 CRC32C(payload)][u32 CRC32C(the 8 bytes before)]</c> and its payload
/// <c>[u8 type][u16 key length][key][item]</c>, all little-endian.
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

    /// <summary>The longest key, in UTF-8 bytes (its length is a u16).</summary>
    public const int MaxKeyBytes = ushort.MaxValue;

    /// <summary>
    /// The longest item the journal takes: 256 MiB, far above any <c>--max-message</c> in use. A record claiming
    /// more is damage, never an allocation of what a broken length says.
    /// </summary>
    public const int MaxItemBytes = 256 * 1024 * 1024;

    /// <summary>The longest payload of a sound record.</summary>
    public const int MaxPayloadBytes = PayloadPrefixBytes + MaxKeyBytes + MaxItemBytes;

    /// <summary>"SLJOURNL": the first bytes of every journal, so a foreign file is refused rather than read.</summary>
    public static ReadOnlySpan<byte> Magic => "SLJOURNL"u8;

    /// <summary>The bytes of a record of this key and item (item empty for a clear).</summary>
    public static int RecordBytes(int keyBytes, int itemBytes) => RecordHeaderBytes + PayloadPrefixBytes + keyBytes + itemBytes;

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
        var payloadLength = PayloadPrefixBytes + key.Length + item.Length;
        var total = RecordHeaderBytes + payloadLength;
        var record = output.GetSpan(total)[..total];
        var payload = record[RecordHeaderBytes..];
        payload[0] = type;
        BinaryPrimitives.WriteUInt16LittleEndian(payload[1..], (ushort)key.Length);
        key.CopyTo(payload[PayloadPrefixBytes..]);
        item.CopyTo(payload[(PayloadPrefixBytes + key.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], Crc32C.Compute(record[..8]));
        output.Advance(total);
        return total;
    }
}
