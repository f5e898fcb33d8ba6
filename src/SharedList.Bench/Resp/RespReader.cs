using System.Buffers.Text;

namespace SharedList.Bench.Resp;

/// <summary>
/// Parses one whole RESP2 value from the start of a buffer, or says that more bytes are needed. Pure: no
/// sockets, no state between calls, so a frame split at any point parses the same once it is complete.
/// </summary>
/// <remarks>
/// Allocates the value it returns; the load engine's hot path uses <see cref="RespReplyScanner"/> instead.
/// Throws <see cref="InvalidDataException"/> on bytes that are not RESP2.
/// </remarks>
public static class RespReader
{
    /// <summary>Arrays nested deeper than this are refused, so hostile input cannot exhaust the stack.</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Reads the value at the start of <paramref name="data"/>. True with the value and the bytes it took;
    /// false when <paramref name="data"/> holds only part of a value.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out RespValue? value, out int consumed)
    {
        var position = 0;
        if (TryRead(data, ref position, 0, out value))
        {
            consumed = position;
            return true;
        }

        consumed = 0;
        return false;
    }

    private static bool TryRead(ReadOnlySpan<byte> data, ref int position, int depth, out RespValue? value)
    {
        value = null;
        if (!TryReadLine(data, position, out var line, out var next))
        {
            return false;
        }

        if (line.IsEmpty)
        {
            throw new InvalidDataException("empty RESP line");
        }

        var body = line[1..];
        switch (line[0])
        {
            case (byte)'+':
                value = new RespValue(RespType.SimpleString, body.ToArray(), 0, null);
                position = next;
                return true;
            case (byte)'-':
                value = new RespValue(RespType.Error, body.ToArray(), 0, null);
                position = next;
                return true;
            case (byte)':':
                value = RespValue.Number(ParseNumber(body));
                position = next;
                return true;
            case (byte)'$':
                return TryReadBulk(data, ref position, ParseLength(body), next, out value);
            case (byte)'*':
                return TryReadArray(data, ref position, depth, ParseLength(body), next, out value);
            default:
                throw new InvalidDataException($"unknown RESP type byte 0x{line[0]:x2}");
        }
    }

    private static bool TryReadBulk(ReadOnlySpan<byte> data, ref int position, long length, int start, out RespValue? value)
    {
        value = null;
        if (length < 0)
        {
            value = RespValue.Bulk((byte[]?)null);
            position = start;
            return true;
        }

        if (data.Length - start < length + 2)
        {
            return false;
        }

        var end = start + (int)length;
        if (data[end] != '\r' || data[end + 1] != '\n')
        {
            throw new InvalidDataException("a bulk string does not end with CR LF");
        }

        value = RespValue.Bulk(data[start..end].ToArray());
        position = end + 2;
        return true;
    }

    private static bool TryReadArray(ReadOnlySpan<byte> data, ref int position, int depth, long count, int start, out RespValue? value)
    {
        value = null;
        if (count < 0)
        {
            value = RespValue.Array(null);
            position = start;
            return true;
        }

        if (depth >= MaxDepth)
        {
            throw new InvalidDataException($"arrays nested deeper than {MaxDepth}");
        }

        // Each element takes at least 3 bytes, so a count beyond what the buffer could hold needs more data:
        // no list is sized from an untrusted count.
        if (count > (data.Length - start) / 3)
        {
            return false;
        }

        var items = new List<RespValue>((int)count);
        var cursor = start;
        for (var i = 0; i < count; i++)
        {
            if (!TryRead(data, ref cursor, depth + 1, out var item))
            {
                return false;
            }

            items.Add(item!);
        }

        value = RespValue.Array(items);
        position = cursor;
        return true;
    }

    private static bool TryReadLine(ReadOnlySpan<byte> data, int start, out ReadOnlySpan<byte> line, out int next)
    {
        var end = data[start..].IndexOf("\r\n"u8);
        if (end < 0)
        {
            line = default;
            next = 0;
            return false;
        }

        line = data.Slice(start, end);
        next = start + end + 2;
        return true;
    }

    private static long ParseLength(ReadOnlySpan<byte> text)
    {
        var length = ParseNumber(text);
        return length is < -1 or > int.MaxValue - 2 ? throw new InvalidDataException($"bad RESP length {length}") : length;
    }

    private static long ParseNumber(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out long number, out var used) && used == text.Length
            ? number
            : throw new InvalidDataException("a RESP number is not an integer");
}
