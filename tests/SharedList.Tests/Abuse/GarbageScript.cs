using System.Text;
using System.Text.Unicode;

namespace SharedList.Tests.Abuse;

/// <summary>
/// A stream of random lines — raw bytes (mostly invalid UTF-8), control characters, quotes, random code
/// points, stray <c>\r</c> — and the exact replies the protocol owes it, line by line (docs/PROTOCOL.md):
/// <c>ERR invalid UTF-8</c>, <c>Ack</c>, <c>ERR no password is set</c> for <c>AUTH …</c>, and with
/// <see cref="Generate"/>'s <c>overlong</c>, <c>ERR message too long</c> and then nothing more.
/// </summary>
internal sealed class GarbageScript
{
    private GarbageScript(byte[] bytes, IReadOnlyList<string> replies, IReadOnlyList<string> appended, bool endsWithTooLong)
    {
        Bytes = bytes;
        Replies = replies;
        Appended = appended;
        EndsWithTooLong = endsWithTooLong;
    }

    public byte[] Bytes { get; }

    /// <summary>The replies, in order, without their <c>\n</c>.</summary>
    public IReadOnlyList<string> Replies { get; }

    /// <summary>The items the lines answered <c>Ack</c> append, in order.</summary>
    public IReadOnlyList<string> Appended { get; }

    /// <summary>True when the script ends with a message over the limit: the server answers it and closes.</summary>
    public bool EndsWithTooLong { get; }

    /// <summary>About <paramref name="size"/> bytes of lines; the last line is left unfinished (no reply, nothing stored).</summary>
    public static GarbageScript Generate(Random random, int size, int maxMessage, bool overlong)
    {
        var bytes = new List<byte>(size + maxMessage + 64);
        var replies = new List<string>();
        var appended = new List<string>();
        var overlongAt = overlong ? size / 2 : int.MaxValue;
        while (bytes.Count < size)
        {
            if (bytes.Count >= overlongAt)
            {
                // More than the limit without a newline; what follows is never read.
                bytes.AddRange(Line(random, maxMessage + 1 + random.Next(1000), rawBytes: true));
                replies.Add("ERR message too long");
                bytes.Add((byte)'\n');
                bytes.AddRange("after-the-overlong-line\n"u8.ToArray());
                return new GarbageScript([.. bytes], replies, appended, endsWithTooLong: true);
            }

            var line = NextLine(random);
            if (line.AsSpan().SequenceEqual("LIST"u8) || line.AsSpan().SequenceEqual("CLEAR"u8))
            {
                // Valid commands, not garbage: a CLEAR would wipe the well-behaved clients' items.
                continue;
            }

            bytes.AddRange(line);
            bytes.Add((byte)'\n');
            var reply = ExpectedReply(line);
            replies.Add(reply);
            if (reply == "Ack")
            {
                appended.Add(Encoding.UTF8.GetString(line.AsSpan().EndsWith("\r"u8) ? line.AsSpan()[..^1] : line));
            }
        }

        bytes.AddRange("unfinished-last-line"u8.ToArray());
        return new GarbageScript([.. bytes], replies, appended, endsWithTooLong: false);
    }

    // The reply the protocol owes one line (bytes before '\n').
    private static string ExpectedReply(byte[] line)
    {
        var message = line.AsSpan();
        if (message.EndsWith("\r"u8))
        {
            message = message[..^1];
        }

        if (message.StartsWith("AUTH "u8))
        {
            return "ERR no password is set";
        }

        return Utf8.IsValid(message) ? "Ack" : "ERR invalid UTF-8";
    }

    private static byte[] NextLine(Random random) => random.Next(6) switch
    {
        0 or 1 => Line(random, random.Next(0, 200), rawBytes: true),
        2 => Encoding.UTF8.GetBytes(new string([.. Enumerable.Range(0, random.Next(0, 60)).Select(_ => (char)random.Next(0, 128)).Where(c => c != '\n')])),
        3 => Encoding.UTF8.GetBytes(RandomCodePoints(random, random.Next(1, 40))),
        4 => [.. Line(random, random.Next(0, 40), rawBytes: true), (byte)'\r'],
        _ => Encoding.UTF8.GetBytes("AUTH " + RandomCodePoints(random, random.Next(0, 10))),
    };

    // Random bytes, never '\n' (that would end the line).
    private static byte[] Line(Random random, int length, bool rawBytes)
    {
        var line = new byte[length];
        random.NextBytes(line);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == (byte)'\n' || !rawBytes)
            {
                line[i] = (byte)'x';
            }
        }

        return line;
    }

    // Any Unicode scalar values (no surrogates, no '\n'): quotes, backslashes, controls, emoji, unassigned ones.
    private static string RandomCodePoints(Random random, int count)
    {
        var text = new StringBuilder();
        while (count-- > 0)
        {
            var codePoint = random.Next(3) switch
            {
                0 => random.Next(0, 0x80),
                1 => random.Next(0x80, 0x800),
                _ => random.Next(0x800, 0x110000),
            };
            if (codePoint is (>= 0xD800 and <= 0xDFFF) or '\n')
            {
                continue;
            }

            text.Append(char.ConvertFromUtf32(codePoint));
        }

        return text.ToString();
    }
}
