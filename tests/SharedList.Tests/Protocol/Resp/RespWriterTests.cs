using System.Buffers;
using System.Text;
using SharedList.Protocol.Resp;

namespace SharedList.Tests.Protocol.Resp;

public sealed class RespWriterTests
{
    [Fact]
    public void Every_reply_type_is_written_as_RESP2()
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.WriteOk(output);
        RespWriter.WriteSimpleString(output, "PONG");
        RespWriter.WriteError(output, "ERR unknown command 'x'");
        RespWriter.WriteInteger(output, -42);
        RespWriter.WriteBulkString(output, "olá"u8);
        RespWriter.WriteBulkString(output, "olá");
        RespWriter.WriteNullBulkString(output);
        RespWriter.WriteArrayHeader(output, 2);
        RespWriter.WriteNullArray(output);

        Assert.Equal("+OK\r\n+PONG\r\n-ERR unknown command 'x'\r\n:-42\r\n$4\r\nolá\r\n$4\r\nolá\r\n$-1\r\n*2\r\n*-1\r\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(100_000)]
    public void A_bulk_string_of_any_length_is_its_header_its_bytes_and_a_line_end_through_small_spans_too(int length)
    {
        var value = Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26))).ToArray();
        var output = new Support.SegmentedBufferWriter(segment: 7);
        RespWriter.WriteBulkString(output, value);

        Assert.Equal([.. Encoding.ASCII.GetBytes($"${length}\r\n"), .. value, .. "\r\n"u8.ToArray()], output.Written);
    }

    [Fact]
    public void A_simple_string_cannot_hold_a_line_break()
    {
        Assert.Throws<ArgumentException>(() => RespWriter.WriteError(new ArrayBufferWriter<byte>(), "ERR a\r\nb"));
    }
}
