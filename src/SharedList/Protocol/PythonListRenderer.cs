using System.Buffers;
using System.Globalization;
using System.Text;

namespace SharedList.Protocol;

/// <summary>
/// Renders a list of strings byte-identical to CPython 3's <c>str(list)</c>, which is what the seed server
/// sends for <c>LIST</c>: <c>[]</c>, <c>['a', 'b']</c>, <c>["it's"]</c>, <c>['tab\t']</c>.
/// </summary>
/// <remarks>
/// Follows <c>unicode_repr</c> in CPython's <c>Objects/unicodeobject.c</c>. Printability comes from .NET's
/// Unicode tables, CPython's from its own <c>unicodedata</c>: a code point assigned in a newer Unicode version
/// than the running CPython knows is unassigned (Cn) there, so CPython escapes it and we may not (or the other
/// way round). Every code point assigned in both versions renders the same.
/// Output is UTF-8, written straight into the caller's buffer: no intermediate string per item. Items may be
/// given as strings or as UTF-8; both paths write the same bytes for the same text.
/// </remarks>
public static class PythonListRenderer
{
    private const string HexDigits = "0123456789abcdef";

    // Characters repr() copies unchanged whatever the quote: printable ASCII except both quotes and the
    // backslash. Runs of these are copied in bulk; anything else takes the per-character path.
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(PlainAsciiCharacters());
    private static readonly SearchValues<byte> PlainAsciiBytes = SearchValues.Create(Encoding.ASCII.GetBytes(PlainAsciiCharacters()));

    /// <summary>Writes <c>str(items)</c> as UTF-8.</summary>
    /// <param name="items">The list, in order.</param>
    /// <param name="output">Where the bytes go.</param>
    public static void Render(ReadOnlySpan<string> items, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteOpening(output);
        for (var i = 0; i < items.Length; i++)
        {
            WriteItem(items[i], first: i == 0, output);
        }

        WriteClosing(output);
    }

    /// <summary>Writes the <c>[</c> that opens a list; with <see cref="WriteItem"/> and <see cref="WriteClosing"/>, a list can be written piecewise.</summary>
    /// <param name="output">Where the bytes go.</param>
    public static void WriteOpening(IBufferWriter<byte> output) => output.Write("["u8);

    /// <summary>Writes one item of a list: its separator (unless <paramref name="first"/>) and its repr.</summary>
    /// <param name="item">The item.</param>
    /// <param name="first">Whether it is the list's first item.</param>
    /// <param name="output">Where the bytes go.</param>
    public static void WriteItem(string item, bool first, IBufferWriter<byte> output)
    {
        if (!first)
        {
            output.Write(", "u8);
        }

        WriteRepr(item, output);
    }

    /// <summary>Writes the <c>]</c> that closes a list.</summary>
    /// <param name="output">Where the bytes go.</param>
    public static void WriteClosing(IBufferWriter<byte> output) => output.Write("]"u8);

    /// <summary>Returns <c>str(items)</c> as a string, for logs.</summary>
    /// <param name="items">The list, in order.</param>
    public static string RenderToString(ReadOnlySpan<string> items)
    {
        var writer = new ArrayBufferWriter<byte>();
        Render(items, writer);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }

    /// <summary>Writes <c>repr(text)</c> as UTF-8.</summary>
    /// <param name="text">The string. A lone surrogate is escaped as <c>\udxxx</c>, as CPython does.</param>
    /// <param name="output">Where the bytes go.</param>
    public static void WriteRepr(ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // CPython uses '"' only when that spares escaping: the text has a "'" and no '"'.
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        WriteAscii(output, quote);
        while (!text.IsEmpty)
        {
            var plain = text.IndexOfAnyExcept(PlainAscii);
            if (plain != 0)
            {
                var run = plain < 0 ? text : text[..plain];
                Encoding.UTF8.GetBytes(run, output);
                text = text[run.Length..];
                continue;
            }

            if (Rune.DecodeFromUtf16(text, out var rune, out var consumed) == OperationStatus.Done)
            {
                WriteCharacter(rune, quote, output);
            }
            else
            {
                // A lone surrogate (Cs) cannot come from valid UTF-8, but a string may hold one.
                WriteEscape(text[0], output);
                consumed = 1;
            }

            text = text[consumed..];
        }

        WriteAscii(output, quote);
    }

    /// <summary>Writes <c>repr(text)</c> as UTF-8, for text given as UTF-8.</summary>
    /// <param name="utf8">The text. Invalid sequences are read as U+FFFD each, as <see cref="Encoding.UTF8"/> decodes them,
    /// so the output is always that of <see cref="WriteRepr(ReadOnlySpan{char}, IBufferWriter{byte})"/> on the decoded string.</param>
    /// <param name="output">Where the bytes go.</param>
    public static void WriteRepr(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var quote = ChooseQuote(utf8);
        WriteAscii(output, (char)quote);
        WriteReprContent(utf8, quote, output);
        WriteAscii(output, (char)quote);
    }

    /// <summary>
    /// Whether <c>repr</c> copies the text unchanged between single quotes: it is all printable ASCII, with no
    /// quote and no backslash. Most list items are; for them <c>repr</c> is a copy.
    /// </summary>
    /// <param name="utf8">The text, as UTF-8.</param>
    public static bool IsPlain(ReadOnlySpan<byte> utf8) => utf8.IndexOfAnyExcept(PlainAsciiBytes) < 0;

    /// <summary>The quote <c>repr</c> puts around the text: <c>"</c> when that spares escaping (the text has a <c>'</c> and no <c>"</c>), else <c>'</c>.</summary>
    /// <param name="utf8">The text, as UTF-8.</param>
    public static byte ChooseQuote(ReadOnlySpan<byte> utf8) =>
        utf8.Contains((byte)'\'') && !utf8.Contains((byte)'"') ? (byte)'"' : (byte)'\'';

    /// <summary>Writes what <c>repr(text)</c> puts between its quotes, escaped for <paramref name="quote"/>.</summary>
    /// <param name="utf8">The text, as UTF-8; invalid sequences are read as in <see cref="WriteRepr(ReadOnlySpan{byte}, IBufferWriter{byte})"/>.</param>
    /// <param name="quote">The quote from <see cref="ChooseQuote"/>, which is escaped inside (the other quote is not).</param>
    /// <param name="output">Where the bytes go.</param>
    public static void WriteReprContent(ReadOnlySpan<byte> utf8, byte quote, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        while (!utf8.IsEmpty)
        {
            // Most items are mostly plain ASCII, copied as they are: one vectorized search per run.
            var plain = utf8.IndexOfAnyExcept(PlainAsciiBytes);
            if (plain != 0)
            {
                var run = plain < 0 ? utf8 : utf8[..plain];
                output.Write(run);
                utf8 = utf8[run.Length..];
                continue;
            }

            // Invalid UTF-8 decodes to U+FFFD over the same bytes Encoding.UTF8 replaces, so both paths agree.
            _ = Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            WriteCharacter(rune, (char)quote, output);
            utf8 = utf8[consumed..];
        }
    }

    /// <summary>
    /// CPython's <c>Py_UNICODE_ISPRINTABLE</c>: everything except categories Cc, Cf, Cs, Co, Cn, Zl, Zp and
    /// Zs other than the ASCII space.
    /// </summary>
    /// <param name="rune">The code point.</param>
    public static bool IsPrintable(Rune rune)
    {
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            UnicodeCategory.SpaceSeparator => rune.Value == ' ',
            _ => true,
        };
    }

    private static void WriteCharacter(Rune rune, char quote, IBufferWriter<byte> output)
    {
        var value = rune.Value;
        switch (value)
        {
            case '\\':
                output.Write("\\\\"u8);
                return;
            case '\t':
                output.Write("\\t"u8);
                return;
            case '\n':
                output.Write("\\n"u8);
                return;
            case '\r':
                output.Write("\\r"u8);
                return;
        }

        if (value == quote)
        {
            WriteAscii(output, '\\');
            WriteAscii(output, quote);
        }
        else if (value < ' ' || value == 0x7f)
        {
            // CPython decides ASCII by range, not by category: controls become \xhh.
            WriteEscape(value, output);
        }
        else if (value < 0x7f || IsPrintable(rune))
        {
            var span = output.GetSpan(4);
            var written = rune.EncodeToUtf8(span);
            output.Advance(written);
        }
        else
        {
            WriteEscape(value, output);
        }
    }

    // \xhh below 0x100, \uhhhh below 0x10000, \Uhhhhhhhh above: lowercase hex, as CPython writes it.
    private static void WriteEscape(int value, IBufferWriter<byte> output)
    {
        var (marker, digits) = value switch
        {
            < 0x100 => ((byte)'x', 2),
            < 0x10000 => ((byte)'u', 4),
            _ => ((byte)'U', 8),
        };
        var span = output.GetSpan(2 + digits);
        span[0] = (byte)'\\';
        span[1] = marker;
        for (var i = 0; i < digits; i++)
        {
            span[2 + i] = (byte)HexDigits[(value >> (4 * (digits - 1 - i))) & 0xf];
        }

        output.Advance(2 + digits);
    }

    private static void WriteAscii(IBufferWriter<byte> output, char c)
    {
        var span = output.GetSpan(1);
        span[0] = (byte)c;
        output.Advance(1);
    }

    private static string PlainAsciiCharacters()
    {
        var builder = new StringBuilder();
        for (var c = ' '; c < (char)0x7f; c++)
        {
            if (c is not ('\'' or '"' or '\\'))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
