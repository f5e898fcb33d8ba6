namespace SharedList.Protocol.Resp;

/// <summary>
/// Redis's glob (<c>stringmatchlen</c>), for <c>KEYS</c>, <c>SCAN … MATCH</c> and <c>CONFIG GET</c>: <c>*</c> any run,
/// <c>?</c> one character, <c>[abc]</c>, <c>[^abc]</c> and <c>[a-z]</c> a set, <c>\x</c> the character x itself.
/// Case-sensitive, over characters (Redis matches bytes: the two differ only for <c>?</c> on a character outside ASCII).
/// </summary>
public static class RespGlob
{
    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (pattern.Length > 0)
        {
            switch (pattern[0])
            {
                case '*':
                    while (pattern.Length > 1 && pattern[1] == '*')
                    {
                        pattern = pattern[1..];
                    }

                    if (pattern.Length == 1)
                    {
                        return true;
                    }

                    // Bounded by the text's length times the pattern's stars, as Redis's.
                    for (var start = 0; start <= text.Length; start++)
                    {
                        if (IsMatch(pattern[1..], text[start..]))
                        {
                            return true;
                        }
                    }

                    return false;
                case '?':
                    if (text.Length == 0)
                    {
                        return false;
                    }

                    text = text[1..];
                    pattern = pattern[1..];
                    break;
                case '[':
                    if (text.Length == 0 || !MatchSet(ref pattern, text[0]))
                    {
                        return false;
                    }

                    text = text[1..];
                    break;
                case '\\' when pattern.Length >= 2:
                    if (text.Length == 0 || text[0] != pattern[1])
                    {
                        return false;
                    }

                    text = text[1..];
                    pattern = pattern[2..];
                    break;
                default:
                    if (text.Length == 0 || text[0] != pattern[0])
                    {
                        return false;
                    }

                    text = text[1..];
                    pattern = pattern[1..];
                    break;
            }
        }

        return text.Length == 0;
    }

    // At '[': reads the set up to its ']' (or the pattern's end, as Redis does) and tells whether c is in it.
    private static bool MatchSet(ref ReadOnlySpan<char> pattern, char c)
    {
        pattern = pattern[1..];
        var negate = pattern.Length > 0 && pattern[0] == '^';
        if (negate)
        {
            pattern = pattern[1..];
        }

        var match = false;
        while (pattern.Length > 0 && pattern[0] != ']')
        {
            if (pattern[0] == '\\' && pattern.Length >= 2)
            {
                match |= pattern[1] == c;
                pattern = pattern[2..];
            }
            else if (pattern.Length >= 3 && pattern[1] == '-')
            {
                var (low, high) = pattern[0] <= pattern[2] ? (pattern[0], pattern[2]) : (pattern[2], pattern[0]);
                match |= c >= low && c <= high;
                pattern = pattern[3..];
            }
            else
            {
                match |= pattern[0] == c;
                pattern = pattern[1..];
            }
        }

        if (pattern.Length > 0)
        {
            // The closing ']'.
            pattern = pattern[1..];
        }

        return negate ? !match : match;
    }
}
