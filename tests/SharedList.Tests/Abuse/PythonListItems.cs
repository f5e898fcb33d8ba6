namespace SharedList.Tests.Abuse;

/// <summary>
/// Splits a <c>LIST</c> reply (CPython's <c>str(list)</c>) into its items as written, escapes left in place:
/// enough to find plain items such as <c>w3-17</c> among arbitrary ones (quotes, backslashes, <c>\xhh</c>).
/// </summary>
internal static class PythonListItems
{
    public static List<string> Split(string reply)
    {
        if (reply.Length < 2 || reply[0] != '[' || reply[^1] != ']')
        {
            throw new FormatException($"not a list: {Preview(reply)}");
        }

        var items = new List<string>();
        var i = 1;
        while (i < reply.Length - 1)
        {
            if (items.Count > 0)
            {
                Expect(reply, i, ", ");
                i += 2;
            }

            var quote = reply[i];
            if (quote is not ('\'' or '"'))
            {
                throw new FormatException($"expected a quote at {i}: {Preview(reply[i..])}");
            }

            var start = ++i;
            while (reply[i] != quote)
            {
                // An escape (\\, \', \t, \xhh, ...) never ends the item.
                i += reply[i] == '\\' ? 2 : 1;
                if (i >= reply.Length - 1)
                {
                    throw new FormatException($"unterminated item at {start}");
                }
            }

            items.Add(reply[start..i]);
            i++;
        }

        return items;
    }

    private static void Expect(string reply, int at, string what)
    {
        if (string.CompareOrdinal(reply, at, what, 0, what.Length) != 0)
        {
            throw new FormatException($"expected '{what}' at {at}: {Preview(reply[at..])}");
        }
    }

    private static string Preview(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
