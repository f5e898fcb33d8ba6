using System.Text;
using SocketServer.Handlers;

namespace SocketServer.Tests.Handlers;

/// <summary><see cref="RequestReader"/> (Python's <c>rfile</c>) over in-memory input handed out a few bytes at a time.</summary>
public sealed class RequestReaderTests
{
    public static TheoryData<int> PerRead => new(1, 3, 4096);

    [Theory, MemberData(nameof(PerRead))]
    public void ReadLine_returns_each_line_without_its_line_end_then_null_at_the_end(int perRead)
    {
        var reader = Reader("one\ntwo\r\n\nlast without newline", perRead);

        Assert.Equal("one", reader.ReadLine());
        Assert.Equal("two", reader.ReadLine());
        Assert.Equal("", reader.ReadLine());
        Assert.Equal("last without newline", reader.ReadLine());
        Assert.Null(reader.ReadLine());
        Assert.Null(reader.ReadLine());
    }

    [Theory, MemberData(nameof(PerRead))]
    public void ReadLineBytes_returns_each_line_with_its_newline_as_Pythons_readline_then_empty(int perRead)
    {
        var reader = Reader("one\ntwo\r\nend", perRead);

        Assert.Equal("one\n"u8.ToArray(), reader.ReadLineBytes());
        Assert.Equal("two\r\n"u8.ToArray(), reader.ReadLineBytes());
        Assert.Equal("end"u8.ToArray(), reader.ReadLineBytes());
        Assert.Empty(reader.ReadLineBytes());
    }

    [Theory, MemberData(nameof(PerRead))]
    public async Task The_async_reads_give_what_the_blocking_ones_give(int perRead)
    {
        var reader = Reader("ação\nbytes\nrest", perRead);

        Assert.Equal("ação", await reader.ReadLineAsync(TestContext.Current.CancellationToken));
        Assert.Equal("bytes\n"u8.ToArray(), await reader.ReadLineBytesAsync(TestContext.Current.CancellationToken));
        var rest = new byte[16];
        var count = 0;
        for (var read = -1; read != 0 && count < rest.Length; count += read)
        {
            read = await reader.ReadAsync(rest.AsMemory(count), TestContext.Current.CancellationToken);
        }

        Assert.Equal("rest", Encoding.UTF8.GetString(rest, 0, count));
        Assert.Null(await reader.ReadLineAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await reader.ReadLineBytesAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Read_takes_what_is_buffered_first_then_reads_on_and_gives_0_at_the_end()
    {
        var reader = Reader("line\nraw bytes", perRead: 4096);
        Assert.Equal("line", reader.ReadLine());

        var destination = new byte[4];
        Assert.Equal(4, reader.Read(destination));
        Assert.Equal("raw "u8.ToArray(), destination);
        var rest = new byte[64];
        Assert.Equal(5, reader.Read(rest));
        Assert.Equal("bytes"u8.ToArray(), rest[..5]);
        Assert.Equal(0, reader.Read(rest));
    }

    [Fact]
    public void Reading_into_no_room_reads_nothing_from_the_stream()
    {
        var input = new TrickleStream("abc"u8.ToArray());
        var reader = new RequestReader(input);

        Assert.Equal(0, reader.Read(Span<byte>.Empty));
        Assert.Equal(0, input.Reads);
        Assert.Equal("abc", reader.ReadLine());
    }

    [Fact]
    public void A_line_longer_than_the_buffer_grows_it_and_comes_back_whole()
    {
        var line = new string('x', 1000);
        var reader = new RequestReader(new TrickleStream(Encoding.UTF8.GetBytes(line + "\nnext\n"), perRead: 64), bufferSize: 16);

        Assert.Equal(line, reader.ReadLine());
        Assert.Equal("next", reader.ReadLine());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void A_line_longer_than_MaxLineLength_throws_instead_of_growing_without_bound(int perRead)
    {
        var input = new TrickleStream(Encoding.UTF8.GetBytes(new string('x', 100_000) + "\n"), perRead);
        var reader = new RequestReader(input, bufferSize: 16, maxLineLength: 100);

        var e = Assert.Throws<InvalidDataException>(() => reader.ReadLine());

        Assert.Contains("100 bytes", e.Message, StringComparison.Ordinal);

        // It stopped reading at the bound: the rest of the line was never asked for.
        Assert.True(input.Reads <= 101, $"{input.Reads} reads");
    }

    [Fact]
    public void A_line_of_exactly_MaxLineLength_is_accepted_and_an_unterminated_one_is_bounded_too()
    {
        var atBound = new RequestReader(new TrickleStream("12345\n"u8.ToArray()), maxLineLength: 5);
        Assert.Equal("12345", atBound.ReadLine());
        Assert.Null(atBound.ReadLine());

        var pastBound = new RequestReader(new TrickleStream("123456"u8.ToArray()), maxLineLength: 5);
        Assert.Throws<InvalidDataException>(() => pastBound.ReadLineBytes());
    }

    [Fact]
    public async Task MaxLineLength_bounds_the_async_reads_too()
    {
        var reader = new RequestReader(new TrickleStream(Encoding.UTF8.GetBytes(new string('x', 1000)), perRead: 7), bufferSize: 8, maxLineLength: 50);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadLineAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Invalid_UTF8_becomes_the_replacement_character_in_text_and_stays_as_is_in_bytes()
    {
        byte[] input = [(byte)'a', 0xFF, (byte)'b', (byte)'\n', (byte)'a', 0xFF, (byte)'b', (byte)'\n'];
        var reader = new RequestReader(new TrickleStream(input));

        Assert.Equal("a\uFFFDb", reader.ReadLine());
        Assert.Equal(input[4..], reader.ReadLineBytes());
    }

    private static RequestReader Reader(string input, int perRead) => new(new TrickleStream(Encoding.UTF8.GetBytes(input), perRead));
}
