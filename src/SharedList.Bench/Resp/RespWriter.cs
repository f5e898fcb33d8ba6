using System.Buffers;
using System.Buffers.Text;

namespace SharedList.Bench.Resp;

/// <summary>
/// Encodes RESP2 (https://redis.io/docs/latest/develop/reference/protocol-spec/): a command is an array of
/// bulk strings (<c>*3\r\n$5\r\nRPUSH\r\n$3\r\nkey\r\n$4\r\nitem\r\n</c>); replies use every type.
/// </summary>
/// <remarks>Writes straight into the buffer writer; allocates nothing but what the writer does.</remarks>
public static class RespWriter
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>Writes a command: an array of its arguments as bulk strings.</summary>
    public static void WriteCommand(IBufferWriter<byte> output, params ReadOnlySpan<string> arguments)
    {
        WriteArrayHeader(output, arguments.Length);
        foreach (var argument in arguments)
        {
            WriteBulk(output, System.Text.Encoding.UTF8.GetBytes(argument));
        }
    }

    /// <summary>Writes <c>*count\r\n</c>; the caller writes the elements next. -1 is the null array.</summary>
    public static void WriteArrayHeader(IBufferWriter<byte> output, long count) => WriteHeader(output, (byte)'*', count);

    /// <summary>Writes <c>$length\r\nbytes\r\n</c>.</summary>
    public static void WriteBulk(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteHeader(output, (byte)'$', bytes.Length);
        output.Write(bytes);
        output.Write(CrLf);
    }

    /// <summary>Writes the null bulk string, <c>$-1\r\n</c>.</summary>
    public static void WriteNullBulk(IBufferWriter<byte> output) => WriteHeader(output, (byte)'$', -1);

    /// <summary>Writes <c>:value\r\n</c>.</summary>
    public static void WriteInteger(IBufferWriter<byte> output, long value) => WriteHeader(output, (byte)':', value);

    /// <summary>Writes <c>+text\r\n</c>; the text must not contain CR or LF.</summary>
    public static void WriteSimpleString(IBufferWriter<byte> output, ReadOnlySpan<byte> text) => WriteLine(output, (byte)'+', text);

    /// <summary>Writes <c>-text\r\n</c>; the text must not contain CR or LF.</summary>
    public static void WriteError(IBufferWriter<byte> output, ReadOnlySpan<byte> text) => WriteLine(output, (byte)'-', text);

    /// <summary>Writes any value, arrays recursively.</summary>
    public static void Write(IBufferWriter<byte> output, RespValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value.Type)
        {
            case RespType.SimpleString:
                WriteSimpleString(output, value.Bytes);
                break;
            case RespType.Error:
                WriteError(output, value.Bytes);
                break;
            case RespType.Number:
                WriteInteger(output, value.Value);
                break;
            case RespType.BulkString when value.Bytes is null:
                WriteNullBulk(output);
                break;
            case RespType.BulkString:
                WriteBulk(output, value.Bytes);
                break;
            case RespType.Array when value.Items is null:
                WriteArrayHeader(output, -1);
                break;
            case RespType.Array:
                WriteArrayHeader(output, value.Items.Count);
                foreach (var item in value.Items)
                {
                    Write(output, item);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Type, "unknown RESP type");
        }
    }

    private static void WriteLine(IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> text)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (text.ContainsAny((byte)'\r', (byte)'\n'))
        {
            throw new ArgumentException("A simple string or error cannot contain CR or LF.", nameof(text));
        }

        var span = output.GetSpan(text.Length + 3);
        span[0] = type;
        text.CopyTo(span[1..]);
        CrLf.CopyTo(span[(1 + text.Length)..]);
        output.Advance(text.Length + 3);
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte type, long value)
    {
        ArgumentNullException.ThrowIfNull(output);

        // Type byte, at most 20 characters of a long, CR LF.
        var span = output.GetSpan(23);
        span[0] = type;
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        CrLf.CopyTo(span[(1 + written)..]);
        output.Advance(written + 3);
    }
}
