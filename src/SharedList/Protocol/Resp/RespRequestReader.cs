using System.Buffers;
using System.Buffers.Text;

namespace SharedList.Protocol.Resp;

/// <summary>
/// Reads Redis requests (RESP2) off the front of buffered input: multibulk (<c>*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n</c>), as
/// every client library sends, and inline (<c>LLEN k\r\n</c>), as a person types into a socket. Pure: no sockets, and
/// no state but the <see cref="RespRequest"/> it is given, so one instance serves every connection.
/// </summary>
/// <remarks>
/// Each argument is consumed from the input as soon as it is whole, so the input never holds more than one argument
/// and its header, and nothing is read twice however the request is split. Errors are worded as Redis words them.
/// </remarks>
public sealed class RespRequestReader
{
    private const byte CarriageReturn = (byte)'\r';
    private const byte LineFeed = (byte)'\n';

    /// <summary>Creates a reader with these bounds.</summary>
    public RespRequestReader(RespLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits;
    }

    /// <summary>The bounds it enforces.</summary>
    public RespLimits Limits { get; }

    /// <summary>Reads on with the request in <paramref name="request"/>, consuming what it takes from <paramref name="input"/>.</summary>
    /// <param name="input">The bytes received and not consumed; on return, sliced past what was read.</param>
    /// <param name="request">The connection's request; cleared by the caller once a whole one has been handled.</param>
    /// <param name="error">With <see cref="RespReadStatus.ProtocolError"/>, Redis's message (without <c>-</c> and <c>\r\n</c>).</param>
    public RespReadStatus TryRead(ref ReadOnlySequence<byte> input, RespRequest request, out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        error = null;
        if (request.Expected < 0 && TryReadWhole(input.FirstSpan, request, out var consumed))
        {
            input = input.Slice(consumed);
            return RespReadStatus.Request;
        }

        // Terminates: each pass consumes at least one line or returns.
        while (request.Expected < 0)
        {
            if (input.IsEmpty)
            {
                return RespReadStatus.Incomplete;
            }

            if (input.FirstSpan[0] != (byte)'*')
            {
                var inline = ReadInline(ref input, request, out error);
                if (inline != RespReadStatus.Request || request.Count > 0)
                {
                    return inline;
                }

                // An empty line is no request: Redis reads on.
                continue;
            }

            var count = ReadHeader(ref input, out var value, "Protocol error: too big mbulk count string", "Protocol error: invalid multibulk length", Limits.MaxArguments, negativeAllowed: true, out error);
            if (count != RespReadStatus.Request)
            {
                return count;
            }

            if (value > 0)
            {
                request.Expected = (int)value;
            }
        }

        while (request.Count < request.Expected)
        {
            if (input.IsEmpty)
            {
                return RespReadStatus.Incomplete;
            }

            var first = input.FirstSpan[0];
            if (first != (byte)'$')
            {
                error = $"Protocol error: expected '$', got '{(char)first}'";
                return RespReadStatus.ProtocolError;
            }

            // The header is consumed only with its whole argument, so an argument still arriving is read from its start.
            var rest = input;
            var header = ReadHeader(ref rest, out var length, "Protocol error: too big bulk count string", "Protocol error: invalid bulk length", Limits.MaxBulkBytes, negativeAllowed: false, out error);
            if (header != RespReadStatus.Request)
            {
                return header;
            }

            if (rest.Length < length + 2)
            {
                return RespReadStatus.Incomplete;
            }

            if (request.Bytes + length > Limits.MaxRequestBytes)
            {
                error = $"Protocol error: request over {Limits.MaxRequestBytes} bytes";
                return RespReadStatus.ProtocolError;
            }

            // As Redis, the two bytes after the argument are taken as its CRLF without being checked.
            request.Add(rest.Slice(0, length));
            input = rest.Slice(length + 2);
        }

        return RespReadStatus.Request;
    }

    // The common case, read straight from one span: a whole, well-formed multibulk request at its start. Anything else
    // (a request not all here yet, an inline one, anything to refuse) is left to the general path, with the request as
    // it was: that path reads it again from its first byte and says what is wrong.
    private bool TryReadWhole(ReadOnlySpan<byte> span, RespRequest request, out int consumed)
    {
        consumed = 0;
        if (span.IsEmpty || span[0] != (byte)'*' || request.Count != 0)
        {
            return false;
        }

        var at = 1;
        if (!TryReadNumber(span, ref at, Limits.MaxArguments, out var count) || count == 0)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (at >= span.Length || span[at] != (byte)'$')
            {
                request.Clear();
                return false;
            }

            at++;
            if (!TryReadNumber(span, ref at, Limits.MaxBulkBytes, out var length)
                || span.Length - at < length + 2
                || request.Bytes + length > Limits.MaxRequestBytes)
            {
                request.Clear();
                return false;
            }

            // As Redis, the two bytes after the argument are taken as its CRLF without being checked.
            request.Add(span.Slice(at, length));
            at += length + 2;
        }

        request.Expected = count;
        consumed = at;
        return true;
    }

    // Digits, then \r and one more byte (taken as \n, as Redis does), at most max; false for anything else.
    private static bool TryReadNumber(ReadOnlySpan<byte> span, ref int at, int max, out int value)
    {
        value = 0;
        var start = at;
        long number = 0;
        while (at < span.Length && span[at] - (uint)'0' <= 9)
        {
            number = (number * 10) + (span[at] - '0');
            if (number > max)
            {
                return false;
            }

            at++;
        }

        if (at == start || span.Length - at < 2 || span[at] != (byte)'\r')
        {
            return false;
        }

        at += 2;
        value = (int)number;
        return true;
    }

    // "*<count>\r\n" or "$<length>\r\n": the number, bounded; Redis looks for the \r, and takes the byte after it as \n.
    // A count of zero or less is an empty request, which Redis skips; a negative length is an error.
    private static RespReadStatus ReadHeader(ref ReadOnlySequence<byte> input, out long value, string tooBig, string invalid, int max, bool negativeAllowed, out string? error)
    {
        value = 0;
        error = null;
        var reader = new SequenceReader<byte>(input);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, CarriageReturn, advancePastDelimiter: true) || reader.Remaining == 0)
        {
            if (input.Length > RespLimits.MaxInlineBytes)
            {
                error = tooBig;
                return RespReadStatus.ProtocolError;
            }

            return RespReadStatus.Incomplete;
        }

        if (line.Length > RespLimits.MaxInlineBytes)
        {
            error = tooBig;
            return RespReadStatus.ProtocolError;
        }

        Span<byte> digits = stackalloc byte[24];
        var number = line.Slice(1);
        if (number.Length is 0 or > 20 || !Utf8Parser.TryParse(Copy(number, digits), out value, out var used) || used != number.Length || value > max)
        {
            error = invalid;
            return RespReadStatus.ProtocolError;
        }

        if (value < 0 && !negativeAllowed)
        {
            error = invalid;
            return RespReadStatus.ProtocolError;
        }

        reader.Advance(1);
        input = input.Slice(reader.Position);
        return RespReadStatus.Request;
    }

    // A line of words, split as redis-cli and Redis split them: spaces between words, "double quotes" with \n \r \t \b
    // \a \\ \" \xHH escapes, 'single quotes' with only \'.
    private static RespReadStatus ReadInline(ref ReadOnlySequence<byte> input, RespRequest request, out string? error)
    {
        error = null;
        var reader = new SequenceReader<byte>(input);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, LineFeed, advancePastDelimiter: true))
        {
            if (input.Length > RespLimits.MaxInlineBytes)
            {
                error = "Protocol error: too big inline request";
                return RespReadStatus.ProtocolError;
            }

            return RespReadStatus.Incomplete;
        }

        if (line.Length > RespLimits.MaxInlineBytes)
        {
            error = "Protocol error: too big inline request";
            return RespReadStatus.ProtocolError;
        }

        var bytes = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
        if (bytes is [.., CarriageReturn])
        {
            bytes = bytes[..^1];
        }

        if (!InlineSplitter.TrySplit(bytes, request))
        {
            request.Clear();
            error = "Protocol error: unbalanced quotes in request";
            return RespReadStatus.ProtocolError;
        }

        input = input.Slice(reader.Position);
        return RespReadStatus.Request;
    }

    private static ReadOnlySpan<byte> Copy(ReadOnlySequence<byte> source, Span<byte> room)
    {
        if (source.IsSingleSegment)
        {
            return source.FirstSpan;
        }

        source.CopyTo(room);
        return room[..(int)source.Length];
    }
}
