using System.Buffers;
using System.Text;
using SharedList.Protocol.Resp;

namespace SharedList.Tests.Protocol.Resp;

/// <summary>Redis requests read as Redis reads them, whole or split at every byte, with Redis's protocol errors.</summary>
public sealed class RespRequestReaderTests
{
    private readonly RespRequestReader _reader = new(new RespLimits { MaxBulkBytes = 64, MaxArguments = 8, MaxRequestBytes = 200 });

    [Theory]
    [InlineData("*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n", "LLEN|k")]
    [InlineData("*3\r\n$5\r\nRPUSH\r\n$2\r\nab\r\n$0\r\n\r\n", "RPUSH|ab|")]
    [InlineData("*1\r\n$5\r\nPI\r\nG\r\n", "PI\r\nG")]
    [InlineData("PING\r\n", "PING")]
    [InlineData("PING\n", "PING")]
    [InlineData("  RPUSH   k  v \r\n", "RPUSH|k|v")]
    [InlineData("RPUSH k \"a b\" 'c d'\r\n", "RPUSH|k|a b|c d")]
    [InlineData("ECHO \"\\x41\\n\\t\\\\\\\"\"\r\n", "ECHO|A\n\t\\\"")]
    [InlineData("ECHO 'it\\'s'\r\n", "ECHO|it's")]
    [InlineData("ECHO \"\"\r\n", "ECHO|")]
    [InlineData("\r\n\r\nPING\r\n", "PING")]
    [InlineData("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n", "PING")]
    public void A_request_is_read_whole_and_split_at_every_byte(string wire, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        Assert.Equal(expected, ReadWhole(bytes));
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            Assert.Equal(expected, ReadInTwo(bytes, cut));
        }
    }

    [Fact]
    public void Pipelined_requests_are_read_one_at_a_time()
    {
        var input = Sequence("*1\r\n$4\r\nPING\r\nECHO x\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n");
        var request = new RespRequest();
        var read = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(RespReadStatus.Request, _reader.TryRead(ref input, request, out _));
            read.Add(Words(request));
            request.Clear();
        }

        Assert.Equal(["PING", "ECHO|x", "LLEN|k"], read);
        Assert.Equal(RespReadStatus.Incomplete, _reader.TryRead(ref input, request, out _));
        Assert.True(input.IsEmpty);
    }

    [Fact]
    public void A_whole_argument_is_consumed_as_soon_as_it_arrives()
    {
        var request = new RespRequest();
        var input = Sequence("*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$10\r\nabc");
        Assert.Equal(RespReadStatus.Incomplete, _reader.TryRead(ref input, request, out _));
        Assert.Equal(2, request.Count);
        Assert.Equal("$10\r\nabc", Encoding.UTF8.GetString(input.ToArray()));
    }

    [Theory]
    [InlineData("*x\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*9\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'")]
    [InlineData("*1\r\n$-1\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$65\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$1x\r\n", "Protocol error: invalid bulk length")]
    [InlineData("ECHO \"abc\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("ECHO \"abc\"def\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("ECHO 'abc\r\n", "Protocol error: unbalanced quotes in request")]
    public void Input_that_is_not_RESP_is_a_protocol_error_worded_as_Redis_words_it(string wire, string error)
    {
        var input = Sequence(wire);
        var request = new RespRequest();
        Assert.Equal(RespReadStatus.ProtocolError, _reader.TryRead(ref input, request, out var message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void A_request_over_its_byte_bound_is_refused()
    {
        var input = Sequence("*4\r\n" + string.Concat(Enumerable.Repeat("$60\r\n" + new string('a', 60) + "\r\n", 4)));
        Assert.Equal(RespReadStatus.ProtocolError, _reader.TryRead(ref input, new RespRequest(), out var message));
        Assert.Equal("Protocol error: request over 200 bytes", message);
    }

    [Theory]
    [InlineData("", "Protocol error: too big inline request")]
    [InlineData("*", "Protocol error: too big mbulk count string")]
    [InlineData("*1\r\n$", "Protocol error: too big bulk count string")]
    public void A_line_that_never_ends_is_refused_past_64_KiB(string prefix, string error)
    {
        var input = Sequence(prefix + new string('1', RespLimits.MaxInlineBytes + 1));
        Assert.Equal(RespReadStatus.ProtocolError, _reader.TryRead(ref input, new RespRequest(), out var message));
        Assert.Equal(error, message);
    }

    private string ReadWhole(byte[] bytes)
    {
        var input = new ReadOnlySequence<byte>(bytes);
        var request = new RespRequest();
        Assert.Equal(RespReadStatus.Request, _reader.TryRead(ref input, request, out var error));
        Assert.Null(error);
        Assert.True(input.IsEmpty);
        return Words(request);
    }

    // As a connection does: the first part, then what was not consumed with the rest appended.
    private string ReadInTwo(byte[] bytes, int cut)
    {
        var request = new RespRequest();
        var input = new ReadOnlySequence<byte>(bytes, 0, cut);
        var status = _reader.TryRead(ref input, request, out _);
        var consumed = cut - (int)input.Length;
        if (status == RespReadStatus.Request)
        {
            // Whole in the first part: the bytes after it (a trailing \n after \r, say) were not needed.
            return Words(request);
        }

        Assert.Equal(RespReadStatus.Incomplete, status);
        var rest = new ReadOnlySequence<byte>(bytes, consumed, bytes.Length - consumed);
        Assert.Equal(RespReadStatus.Request, _reader.TryRead(ref rest, request, out _));
        Assert.True(rest.IsEmpty);
        return Words(request);
    }

    private static string Words(RespRequest request) =>
        string.Join('|', Enumerable.Range(0, request.Count).Select(i => Encoding.UTF8.GetString(request[i])));

    private static ReadOnlySequence<byte> Sequence(string text) => new(Encoding.UTF8.GetBytes(text));
}
