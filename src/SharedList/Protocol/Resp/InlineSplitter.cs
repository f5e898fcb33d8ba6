using System.Buffers.Text;

namespace SharedList.Protocol.Resp;

/// <summary>Splits an inline request into words as Redis's <c>sdssplitargs</c> does, so a line typed into a socket means what it means to Redis.</summary>
internal static class InlineSplitter
{
    /// <summary>Adds each word of <paramref name="line"/> to <paramref name="request"/>; false for unbalanced quotes.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, RespRequest request)
    {
        var i = 0;
        while (true)
        {
            while (i < line.Length && IsSpace(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                return true;
            }

            // A word is never longer than what is left of the line.
            var word = request.Reserve(line.Length - i);
            var length = 0;
            var quote = (byte)0;
            while (true)
            {
                if (quote == (byte)'"')
                {
                    if (i == line.Length)
                    {
                        return false;
                    }

                    if (line[i] == (byte)'\\' && i + 3 < line.Length && line[i + 1] == (byte)'x' && TryHex(line.Slice(i + 2, 2), out var value))
                    {
                        word[length++] = value;
                        i += 4;
                    }
                    else if (line[i] == (byte)'\\' && i + 1 < line.Length)
                    {
                        word[length++] = line[i + 1] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                        i += 2;
                    }
                    else if (line[i] == (byte)'"')
                    {
                        // The closing quote must end the word.
                        i++;
                        if (i < line.Length && !IsSpace(line[i]))
                        {
                            return false;
                        }

                        break;
                    }
                    else
                    {
                        word[length++] = line[i++];
                    }
                }
                else if (quote == (byte)'\'')
                {
                    if (i == line.Length)
                    {
                        return false;
                    }

                    if (line[i] == (byte)'\\' && i + 1 < line.Length && line[i + 1] == (byte)'\'')
                    {
                        word[length++] = (byte)'\'';
                        i += 2;
                    }
                    else if (line[i] == (byte)'\'')
                    {
                        i++;
                        if (i < line.Length && !IsSpace(line[i]))
                        {
                            return false;
                        }

                        break;
                    }
                    else
                    {
                        word[length++] = line[i++];
                    }
                }
                else if (i == line.Length || IsSpace(line[i]))
                {
                    break;
                }
                else if (line[i] is (byte)'"' or (byte)'\'')
                {
                    quote = line[i++];
                }
                else
                {
                    word[length++] = line[i++];
                }
            }

            request.Commit(length);
        }
    }

    // As C's isspace: space, \t, \n, \v, \f, \r.
    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool TryHex(ReadOnlySpan<byte> digits, out byte value) =>
        Utf8Parser.TryParse(digits, out value, out var used, 'x') && used == 2;
}
