using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace SharedList.Protocol.Resp;

/// <summary>Writes RESP2 replies: simple strings, errors, integers, bulk strings and arrays, and their nulls.</summary>
public static class RespWriter
{
    // Values up to this size are written into one span with their header: larger ones would make the writer find
    // that much contiguous room, so they are copied through as many spans as it gives.
    private const int ContiguousBulkBytes = 4096;

    /// <summary><c>+OK\r\n</c>.</summary>
    public static void WriteOk(IBufferWriter<byte> output) => Write(output, "+OK\r\n"u8);

    /// <summary><c>+text\r\n</c>; <paramref name="text"/> must hold no CR or LF.</summary>
    public static void WriteSimpleString(IBufferWriter<byte> output, string text) => WriteLine(output, (byte)'+', text);

    /// <summary><c>-text\r\n</c>, with Redis's prefix (<c>ERR</c>, <c>WRONGTYPE</c>) in <paramref name="text"/>.</summary>
    public static void WriteError(IBufferWriter<byte> output, string text) => WriteLine(output, (byte)'-', text);

    /// <summary><c>:n\r\n</c>.</summary>
    public static void WriteInteger(IBufferWriter<byte> output, long value) => WriteNumber(output, (byte)':', value);

    /// <summary>The most bytes a bulk string takes beyond its value: <c>$</c>, 10 digits and two line ends.</summary>
    internal const int BulkStringOverhead = 15;

    /// <summary><c>$n\r\n…\r\n</c>.</summary>
    public static void WriteBulkString(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (value.Length <= ContiguousBulkBytes)
        {
            // The common short value, as one span: an LRANGE reply is mostly these, one per item.
            output.Advance(TryWriteBulkString(output.GetSpan(value.Length + BulkStringOverhead), value));
            return;
        }

        WriteNumber(output, (byte)'$', value.Length);
        Write(output, value);
        Write(output, "\r\n"u8);
    }

    /// <summary>Writes <c>$n\r\n…\r\n</c> into <paramref name="destination"/> if it has <see cref="BulkStringOverhead"/> bytes more than the value.</summary>
    /// <returns>The bytes written, or 0 (nothing written) when there is not that much room.</returns>
    internal static int TryWriteBulkString(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        if (destination.Length < value.Length + BulkStringOverhead)
        {
            return 0;
        }

        destination[0] = (byte)'$';
        int at;
        if (value.Length < 10)
        {
            destination[1] = (byte)('0' + value.Length);
            at = 2;
        }
        else
        {
            Utf8Formatter.TryFormat(value.Length, destination[1..], out var digits);
            at = 1 + digits;
        }

        destination[at] = (byte)'\r';
        destination[at + 1] = (byte)'\n';
        at += 2;
        value.CopyTo(destination[at..]);
        at += value.Length;
        destination[at] = (byte)'\r';
        destination[at + 1] = (byte)'\n';
        return at + 2;
    }

    /// <summary>A bulk string of <paramref name="value"/> as UTF-8.</summary>
    public static void WriteBulkString(IBufferWriter<byte> output, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteNumber(output, (byte)'$', Encoding.UTF8.GetByteCount(value));
        Encoding.UTF8.GetBytes(value, output);
        Write(output, "\r\n"u8);
    }

    /// <summary><c>$-1\r\n</c>: no such value.</summary>
    public static void WriteNullBulkString(IBufferWriter<byte> output) => Write(output, "$-1\r\n"u8);

    /// <summary><c>*n\r\n</c>, followed by the <paramref name="count"/> elements.</summary>
    public static void WriteArrayHeader(IBufferWriter<byte> output, int count) => WriteNumber(output, (byte)'*', count);

    /// <summary><c>*-1\r\n</c>: no array.</summary>
    public static void WriteNullArray(IBufferWriter<byte> output) => Write(output, "*-1\r\n"u8);

    private static void WriteNumber(IBufferWriter<byte> output, byte kind, long value)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(24);
        span[0] = kind;
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        output.Advance(3 + written);
    }

    private static void WriteLine(IBufferWriter<byte> output, byte kind, string text)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A simple string or error is one line.", nameof(text));
        }

        Write(output, [kind]);
        Encoding.UTF8.GetBytes(text, output);
        Write(output, "\r\n"u8);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(bytes);
    }
}
