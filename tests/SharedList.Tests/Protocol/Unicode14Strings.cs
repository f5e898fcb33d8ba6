using System.Text;

namespace SharedList.Tests.Protocol;

/// <summary>
/// Random strings for the CPython comparison, built only from code points whose category is the same in
/// Unicode 14 (CPython 3.11's database) and in the newer tables .NET ships: blocks fully assigned by 14.0,
/// plus ranges that are unassigned (Cn) in every version so far, and noncharacters.
/// </summary>
internal static class Unicode14Strings
{
    // Inclusive ranges, picked to cover every category the renderer distinguishes.
    private static readonly (int First, int Last)[] Ranges =
    [
        (0x00, 0x7F), // ASCII: controls, quotes, backslash
        (0x80, 0xFF), // C1 controls (Cc), NBSP (Zs), soft hyphen (Cf), Latin-1 letters
        (0x100, 0x24F), // Latin Extended-A/B
        (0x300, 0x36F), // combining marks (Mn, printable)
        (0x378, 0x379), // unassigned (Cn)
        (0x391, 0x3A1),
        (0x3A3, 0x3C9), // Greek
        (0x400, 0x4FF), // Cyrillic
        (0x5D0, 0x5EA), // Hebrew
        (0x600, 0x61C), // Arabic, with number signs and ALM (Cf)
        (0x900, 0x939), // Devanagari
        (0x1680, 0x1680), // Ogham space mark (Zs)
        (0x180E, 0x180E), // Mongolian vowel separator (Cf)
        (0x2000, 0x206F), // spaces (Zs), ZW* and bidi controls (Cf), U+2028 (Zl), U+2029 (Zp), U+2065 (Cn)
        (0x20A0, 0x20BF), // currency signs
        (0x3000, 0x3000), // ideographic space (Zs)
        (0x3041, 0x3096), // Hiragana
        (0x4E00, 0x9FFF), // CJK unified ideographs
        (0xAC00, 0xD7A3), // Hangul syllables
        (0xE000, 0xF8FF), // private use (Co)
        (0xFDD0, 0xFDEF), // noncharacters (Cn)
        (0xFE00, 0xFE0F), // variation selectors (Mn)
        (0xFEFF, 0xFEFF), // BOM (Cf)
        (0xFFF9, 0xFFFF), // interlinear annotation (Cf), U+FFFC/U+FFFD (So), noncharacters (Cn)
        (0x10000, 0x1000B), // Linear B (astral, printable)
        (0x1D173, 0x1D17A), // musical formatting (astral Cf)
        (0x1F300, 0x1F64F), // emoji
        (0x20000, 0x2A6D6), // CJK extension B
        (0x50000, 0x5FFFF), // plane 5: unassigned (astral Cn)
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F), // tags (astral Cf)
        (0xF0000, 0xF00FF), // supplementary private use (astral Co)
        (0x10FFFE, 0x10FFFF), // noncharacters (astral Cn)
    ];

    // The characters the renderer treats specially, often enough that every string mixes several.
    private static readonly string[] Specials =
        ["'", "\"", "\\", "\t", "\n", "\r", "\0", "\u007f", "\u0085", "\u2028", "\u200b", " ", "\\x41", "'\"", "😀"];

    public static string Next(Random random)
    {
        var length = random.Next(0, 12);
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            switch (random.Next(10))
            {
                case < 4:
                    builder.Append(Specials[random.Next(Specials.Length)]);
                    break;
                case < 6:
                    builder.Append((char)random.Next(0x20, 0x7F));
                    break;
                default:
                    var (first, last) = Ranges[random.Next(Ranges.Length)];
                    builder.Append(char.ConvertFromUtf32(random.Next(first, last + 1)));
                    break;
            }
        }

        return builder.ToString();
    }
}
