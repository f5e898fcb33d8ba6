using System.Buffers;

namespace SharedList.Protocol;

/// <summary>
/// Takes one message at a time off the front of buffered input. Pure: no sockets, no state between calls,
/// so one instance is safely shared by every connection.
/// </summary>
/// <remarks>
/// Returned messages are slices of the input (no copy, no allocation); they are valid only as long as
/// the caller's buffer is.
/// </remarks>
public sealed class MessageFramer
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    /// <summary>Creates a framer.</summary>
    /// <param name="framing">How messages are delimited.</param>
    /// <param name="maxMessageBytes">The largest message accepted, in bytes, not counting the line terminator.</param>
    public MessageFramer(Framing framing, int maxMessageBytes)
    {
        if (!Enum.IsDefined(framing))
        {
            throw new ArgumentOutOfRangeException(nameof(framing), framing, "Unknown framing.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        Framing = framing;
        MaxMessageBytes = maxMessageBytes;
    }

    /// <summary>How messages are delimited.</summary>
    public Framing Framing { get; }

    /// <summary>The largest message accepted, in bytes, not counting the line terminator.</summary>
    public int MaxMessageBytes { get; }

    /// <summary>Tries to take the next message off the front of <paramref name="input"/>.</summary>
    /// <param name="input">
    /// The unconsumed bytes. On <see cref="FrameStatus.Message"/> it is advanced past the message and its
    /// terminator; otherwise it is left as it was.
    /// </param>
    /// <param name="message">The message without its terminator, when the result is <see cref="FrameStatus.Message"/>.</param>
    /// <returns>Whether a message was found, more bytes are needed, or the next message is too long.</returns>
    /// <remarks>
    /// With <see cref="Protocol.Framing.Line"/>, bytes after the last <c>\n</c> are always incomplete, even when the
    /// peer has closed: a line the client never finished (it crashed or was cut off mid-message) is not a
    /// request, and storing half of it would be worse than storing nothing.
    /// </remarks>
    public FrameStatus TryReadMessage(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> message)
    {
        return Framing == Framing.Line
            ? TryReadLine(ref input, out message)
            : TryReadRaw(ref input, out message);
    }

    private FrameStatus TryReadLine(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> message)
    {
        if (input.IsSingleSegment)
        {
            return TryReadLine(input.FirstSpan, ref input, out message);
        }

        message = default;
        var reader = new SequenceReader<byte>(input);
        if (reader.TryReadTo(out ReadOnlySequence<byte> line, LineFeed, advancePastDelimiter: true))
        {
            line = WithoutTrailingCarriageReturn(line);
            if (line.Length > MaxMessageBytes)
            {
                return FrameStatus.TooLong;
            }

            message = line;
            input = input.Slice(reader.Position);
            return FrameStatus.Message;
        }

        // No terminator yet. Judge the size now rather than when '\n' finally arrives, so a client that never
        // sends one cannot make the server buffer more than MaxMessageBytes + 1 bytes. A final '\r' is not
        // counted: it may be the first half of "\r\n" and the line may still fit. Chunking cannot change the
        // verdict: once the content before the last byte exceeds the limit, no later byte can make it fit.
        var pending = WithoutTrailingCarriageReturn(input);
        if (pending.Length > MaxMessageBytes)
        {
            return FrameStatus.TooLong;
        }

        return FrameStatus.Incomplete;
    }

    // The same rules on one span: where every model's input is, nearly always, and several times cheaper per
    // message than a SequenceReader and its slices.
    private FrameStatus TryReadLine(ReadOnlySpan<byte> span, ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> message)
    {
        message = default;
        var end = span.IndexOf(LineFeed);
        if (end >= 0)
        {
            var length = end > 0 && span[end - 1] == CarriageReturn ? end - 1 : end;
            if (length > MaxMessageBytes)
            {
                return FrameStatus.TooLong;
            }

            message = input.Slice(0, length);
            input = input.Slice(end + 1);
            return FrameStatus.Message;
        }

        var pending = span.Length > 0 && span[^1] == CarriageReturn ? span.Length - 1 : span.Length;
        return pending > MaxMessageBytes ? FrameStatus.TooLong : FrameStatus.Incomplete;
    }

    private FrameStatus TryReadRaw(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> message)
    {
        message = default;
        if (input.IsEmpty)
        {
            return FrameStatus.Incomplete;
        }

        if (input.Length > MaxMessageBytes)
        {
            return FrameStatus.TooLong;
        }

        message = input;
        input = input.Slice(input.End);
        return FrameStatus.Message;
    }

    private static ReadOnlySequence<byte> WithoutTrailingCarriageReturn(ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
        {
            return line;
        }

        // CopyTo rather than FirstSpan: a slice may start at the end of a segment (or at an empty one).
        Span<byte> last = stackalloc byte[1];
        line.Slice(line.Length - 1).CopyTo(last);
        return last[0] == CarriageReturn ? line.Slice(0, line.Length - 1) : line;
    }
}
