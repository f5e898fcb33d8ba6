using SocketServer.Handlers;

namespace SocketServer.Tests.Handlers;

/// <summary><see cref="RequestWriter"/> (Python's <c>wfile</c>) into memory.</summary>
public sealed class RequestWriterTests
{
    [Fact]
    public void Text_is_UTF8_without_a_byte_order_mark_and_WriteLine_ends_with_a_bare_newline()
    {
        using var output = new MemoryStream();
        var writer = new RequestWriter(output);

        writer.Write("ação ");
        writer.WriteLine("👍");
        writer.Write("x"u8);

        Assert.Equal("ação 👍\nx"u8.ToArray(), output.ToArray());
    }

    [Fact]
    public void Unbuffered_each_write_reaches_the_stream_before_it_returns()
    {
        using var output = new MemoryStream();
        var writer = new RequestWriter(output);
        Assert.Equal(0, writer.BufferSize);

        writer.WriteLine("one");
        Assert.Equal("one\n"u8.ToArray(), output.ToArray());
        writer.Write("two"u8);
        Assert.Equal("one\ntwo"u8.ToArray(), output.ToArray());
    }

    [Fact]
    public void Buffered_writes_gather_until_the_buffer_is_full_or_flushed()
    {
        using var output = new MemoryStream();
        var writer = new RequestWriter(output, bufferSize: 8);

        writer.Write("abc");
        writer.Write("def"u8);
        Assert.Equal(0, output.Length);

        // Past the buffer's room: what was gathered goes first, in order.
        writer.Write("ghi");
        Assert.Equal("abcdef"u8.ToArray(), output.ToArray());

        // Too large for the buffer at all: written straight through, after what was gathered.
        writer.Write("0123456789"u8);
        Assert.Equal("abcdefghi0123456789"u8.ToArray(), output.ToArray());

        writer.WriteLine("end");
        Assert.Equal(19, output.Length);
        writer.Flush();
        Assert.Equal("abcdefghi0123456789end\n"u8.ToArray(), output.ToArray());
    }

    [Fact]
    public async Task The_async_writes_give_what_the_blocking_ones_give()
    {
        var token = TestContext.Current.CancellationToken;
        using var unbuffered = new MemoryStream();
        using var buffered = new MemoryStream();
        foreach (var writer in new[] { new RequestWriter(unbuffered), new RequestWriter(buffered, bufferSize: 4) })
        {
            await writer.WriteAsync("ação", token);
            await writer.WriteLineAsync(" line", token);
            await writer.WriteAsync("bytes"u8.ToArray(), token);
            await writer.FlushAsync(token);
        }

        Assert.Equal("ação line\nbytes"u8.ToArray(), unbuffered.ToArray());
        Assert.Equal(unbuffered.ToArray(), buffered.ToArray());
    }
}
