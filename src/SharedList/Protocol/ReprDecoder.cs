using System.Buffers;
using System.Globalization;
using System.Text;

namespace SharedList.Protocol;

/// <summary>
/// The inverse of <see cref="PythonListRenderer.WriteReprContent"/>: the text of an item from its repr's content, for
/// a store that keeps items escaped (<see cref="CompactListBody"/>) and a client that wants them as they were sent.
/// </summary>
internal static class ReprDecoder
{
    /// <summary>Writes the item whose repr content is <paramref name="escaped"/> as UTF-8.</summary>
    /// <exception cref="FormatException">The bytes are not what <c>repr</c> writes.</exception>
    public static void Decode(ReadOnlySpan<byte> escaped, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        while (!escaped.IsEmpty)
        {
            var backslash = escaped.IndexOf((byte)'\\');
            var run = backslash < 0 ? escaped : escaped[..backslash];
            output.Write(run);
            if (backslash < 0)
            {
                return;
            }

            escaped = escaped[(backslash + 1)..];
            if (escaped.IsEmpty)
            {
                throw new FormatException("A repr ends in a lone backslash.");
            }

            var kind = escaped[0];
            escaped = escaped[1..];
            switch (kind)
            {
                case (byte)'\\' or (byte)'\'' or (byte)'"':
                    WriteByte(output, kind);
                    break;
                case (byte)'n':
                    WriteByte(output, (byte)'\n');
                    break;
                case (byte)'r':
                    WriteByte(output, (byte)'\r');
                    break;
                case (byte)'t':
                    WriteByte(output, (byte)'\t');
                    break;
                case (byte)'x':
                    WriteRune(output, ReadHex(ref escaped, 2));
                    break;
                case (byte)'u':
                    WriteRune(output, ReadHex(ref escaped, 4));
                    break;
                case (byte)'U':
                    WriteRune(output, ReadHex(ref escaped, 8));
                    break;
                default:
                    throw new FormatException($"A repr holds an unknown escape \\{(char)kind}.");
            }
        }
    }

    private static int ReadHex(ref ReadOnlySpan<byte> escaped, int digits)
    {
        if (escaped.Length < digits
            || !int.TryParse(Encoding.ASCII.GetString(escaped[..digits]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException("A repr holds a malformed numeric escape.");
        }

        escaped = escaped[digits..];
        return value;
    }

    private static void WriteRune(IBufferWriter<byte> output, int value)
    {
        if (!Rune.TryCreate(value, out var rune))
        {
            throw new FormatException($"A repr escapes U+{value:X}, which is not a Unicode scalar value.");
        }

        var span = output.GetSpan(4);
        output.Advance(rune.EncodeToUtf8(span));
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }
}
