using System.Buffers;
using System.Buffers.Binary;
using SharedList.Stores.Journal;

namespace SharedList.Tests.Stores.Journal;

public sealed class JournalFormatTests
{
    [Fact]
    public void Crc32C_gives_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));

        // RFC 3720 B.4: 32 bytes of zeros, and of 0xFF.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
    }

    [Fact]
    public void An_append_record_is_laid_out_byte_by_byte()
    {
        var output = new ArrayBufferWriter<byte>();
        var written = JournalFormat.WriteAppend(output, "k1"u8, "ação"u8);

        var record = output.WrittenSpan;
        Assert.Equal(record.Length, written);
        Assert.Equal(12 + 1 + 2 + 2 + 6, record.Length);
        var payload = record[12..];
        Assert.Equal((uint)payload.Length, BinaryPrimitives.ReadUInt32LittleEndian(record));
        Assert.Equal(Crc32C.Compute(payload), BinaryPrimitives.ReadUInt32LittleEndian(record[4..]));
        Assert.Equal(Crc32C.Compute(record[..8]), BinaryPrimitives.ReadUInt32LittleEndian(record[8..]));
        Assert.Equal(JournalFormat.AppendType, payload[0]);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(payload[1..]));
        Assert.Equal("k1"u8.ToArray(), payload[3..5].ToArray());
        Assert.Equal("ação"u8.ToArray(), payload[5..].ToArray());
    }

    [Fact]
    public void A_clear_record_carries_its_key_and_no_item()
    {
        var output = new ArrayBufferWriter<byte>();
        JournalFormat.WriteClear(output, "list"u8);

        var payload = output.WrittenSpan[12..];
        Assert.Equal([JournalFormat.ClearType, 4, 0, (byte)'l', (byte)'i', (byte)'s', (byte)'t'], payload.ToArray());
    }

    [Fact]
    public void The_file_header_is_the_magic_and_the_version()
    {
        var header = new byte[JournalFormat.FileHeaderBytes];
        JournalFormat.WriteFileHeader(header);

        Assert.Equal("SLJOURNL"u8.ToArray(), header[..8]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)));
    }

    [Fact]
    public void A_record_header_whose_own_checksum_fails_is_not_trusted()
    {
        var output = new ArrayBufferWriter<byte>();
        JournalFormat.WriteAppend(output, "k"u8, "item"u8);
        var header = output.WrittenSpan[..12].ToArray();

        Assert.True(JournalFormat.TryReadRecordHeader(header, out var length, out _));
        Assert.Equal(1 + 2 + 1 + 4, length);

        header[1] ^= 0x40;
        Assert.False(JournalFormat.TryReadRecordHeader(header, out _, out _));
    }
}
