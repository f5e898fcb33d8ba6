using System.Buffers;
using System.Buffers.Binary;
using SharedList.Stores;
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
    public void A_push_record_carries_its_end_and_every_item_with_its_length()
    {
        var output = new ArrayBufferWriter<byte>();
        var written = JournalFormat.WritePush(output, "k"u8, ListEnd.Head, [(byte[])[(byte)'a'], Array.Empty<byte>(), "çç"u8.ToArray()]);

        var payload = output.WrittenSpan[12..];
        Assert.Equal(written, output.WrittenCount);
        Assert.Equal(
            [JournalFormat.PushType, 1, 0, (byte)'k', 0, 3, 0, 0, 0, 1, 0, 0, 0, (byte)'a', 0, 0, 0, 0, 4, 0, 0, 0, .. "çç"u8],
            payload.ToArray());
        Assert.True(JournalFormat.TryReadEndAndCount(JournalFormat.PushType, payload[4..], out var end, out var count));
        Assert.Equal((ListEnd.Head, 3), (end, count));
        var items = new List<ReadOnlyMemory<byte>>();
        JournalFormat.ReadPushItems(payload[4..].ToArray(), items);
        Assert.Equal(["a", "", "çç"], items.Select(item => System.Text.Encoding.UTF8.GetString(item.Span)));
    }

    [Fact]
    public void Pop_and_clear_all_records_are_laid_out_byte_by_byte()
    {
        var output = new ArrayBufferWriter<byte>();
        JournalFormat.WritePop(output, "k"u8, ListEnd.Tail, 258);
        Assert.Equal([JournalFormat.PopType, 1, 0, (byte)'k', 1, 2, 1, 0, 0], output.WrittenSpan[12..].ToArray());

        output.ResetWrittenCount();
        JournalFormat.WriteClearAll(output);
        Assert.Equal([JournalFormat.ClearAllType, 0, 0], output.WrittenSpan[12..].ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 2, 1, 0, 0, 0 })] // an end that is neither head nor tail
    [InlineData(new byte[] { 0, 0, 0, 0, 0 })] // a count of 0
    [InlineData(new byte[] { 0, 1, 0, 0, 0, 9 })] // a pop with more after its count
    public void A_pop_body_that_is_not_sound_is_refused(byte[] body) =>
        Assert.False(JournalFormat.TryReadEndAndCount(JournalFormat.PopType, body, out _, out _));

    [Theory]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 2, 0, 0, 0, 97 })] // an item longer than the body
    [InlineData(new byte[] { 1, 2, 0, 0, 0, 1, 0, 0, 0, 97 })] // fewer items than the count
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 1, 0, 0, 0, 97, 98 })] // bytes after the last item
    public void A_push_body_whose_lengths_do_not_add_up_is_refused(byte[] body) =>
        Assert.False(JournalFormat.TryReadEndAndCount(JournalFormat.PushType, body, out _, out _));

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
