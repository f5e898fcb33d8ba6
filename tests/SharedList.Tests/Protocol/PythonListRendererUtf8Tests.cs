using System.Buffers;
using System.Text;
using FsCheck.Xunit;
using SharedList.Protocol;

namespace SharedList.Tests.Protocol;

/// <summary>The UTF-8 input path of the renderer must write exactly what the string path writes for the decoded text.</summary>
public class PythonListRendererUtf8Tests
{
    // Pieces of text the renderer treats differently: plain ASCII, both quotes, the backslash, the named and
    // the \x escapes, DEL and C1 controls, non-ASCII printable and not (NBSP, soft hyphen, line separator,
    // BOM, private use, unassigned, noncharacters), astral printable and not, and invalid UTF-8 (a lone
    // continuation byte, a truncated sequence, an encoded surrogate, an overlong form, past U+10FFFF, 0xFF).
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "a", "plain text ", "'", "\"", "\\", "\t", "\n", "\r", "\0", "\u001f", "\u007f", "\u0085", "\u00a0",
            "\u00ad", "é", "ação", "日本", "\u2028", "\u200b", "\ufeff", "\ue000", "\u0378", "\ufffe", "\ufffd",
            "😀", "\U000e0001", "\U0010ffff", "\U000f0000", "\\x41",
        }.Select(Encoding.UTF8.GetBytes),
        [0x80], [0xC3], [0xE6, 0x97], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF],
    ];

    [Property(MaxTest = 2000)]
    public bool Repr_of_utf8_tokens_is_repr_of_the_decoded_string(byte[] tokenChoices)
    {
        var utf8 = tokenChoices.SelectMany(t => Tokens[t % Tokens.Length]).ToArray();
        return ReprOfUtf8(utf8).AsSpan().SequenceEqual(ReprOfString(Encoding.UTF8.GetString(utf8)));
    }

    [Property(MaxTest = 2000)]
    public bool Repr_of_any_bytes_is_repr_of_the_decoded_string(byte[] utf8)
    {
        return ReprOfUtf8(utf8).AsSpan().SequenceEqual(ReprOfString(Encoding.UTF8.GetString(utf8)));
    }

    [Property(MaxTest = 1000)]
    public bool Repr_of_an_encoded_string_is_repr_of_the_string(string text)
    {
        // Lone surrogates cannot be encoded; the encoder replaces them, and so must the comparison.
        text ??= "";
        var decoded = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
        return ReprOfUtf8(Encoding.UTF8.GetBytes(text)).AsSpan().SequenceEqual(ReprOfString(decoded));
    }

    [Fact]
    public void Repr_of_every_code_point_matches_the_string_path()
    {
        // Every scalar value once, in runs of 64, so each category and each escape width is seen.
        var builder = new StringBuilder();
        for (var value = 0; value <= 0x10FFFF; value++)
        {
            if (value is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            builder.Append(char.ConvertFromUtf32(value));
            if (builder.Length >= 64 || value == 0x10FFFF)
            {
                var text = builder.ToString();
                Assert.Equal(ReprOfString(text), ReprOfUtf8(Encoding.UTF8.GetBytes(text)));
                builder.Clear();
            }
        }
    }

    [Theory]
    [InlineData("it's", (byte)'"')]
    [InlineData("say \"hi\"", (byte)'\'')]
    [InlineData("it's \"x\"", (byte)'\'')]
    [InlineData("", (byte)'\'')]
    public void Chooses_the_quote_cpython_chooses(string text, byte quote)
    {
        Assert.Equal(quote, PythonListRenderer.ChooseQuote(Encoding.UTF8.GetBytes(text)));
    }

    private static byte[] ReprOfUtf8(byte[] utf8)
    {
        var output = new ArrayBufferWriter<byte>();
        PythonListRenderer.WriteRepr(utf8, output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] ReprOfString(string text)
    {
        var output = new ArrayBufferWriter<byte>();
        PythonListRenderer.WriteRepr(text.AsSpan(), output);
        return output.WrittenSpan.ToArray();
    }
}
