using System.Globalization;
using System.Text;
using SocketServer.Handlers;

namespace ReverseEcho;

/// <summary>
/// The slides' <c>MyHandler</c>, with CPython's <c>rfile</c> and <c>wfile</c>: every line a client sends comes back
/// reversed, until the client closes.
/// </summary>
/// <remarks>
/// The slides reverse each <c>recv(1024)</c>, but TCP keeps no message boundaries: one send may arrive in two
/// receives, or two in one. A line is a boundary the stream keeps, so this reverses each line, as
/// <c>for line in self.rfile: self.wfile.write(line.rstrip(b"\n")[::-1] + b"\n")</c> would. It reverses the text,
/// not the bytes, by whole characters (grapheme clusters), so "ação" comes back as "oãça" and an emoji stays one
/// emoji. The same handler runs on every model that runs handlers, the async one included.
/// </remarks>
public sealed class ReverseHandler : StreamRequestHandler
{
    /// <inheritdoc />
    public override void Handle()
    {
        while (Reader.ReadLine() is { } line)
        {
            Writer.WriteLine(Reverse(line));
        }
    }

    /// <summary>Reverses <paramref name="text"/> by grapheme clusters, so no character is split.</summary>
    public static string Reverse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var starts = StringInfo.ParseCombiningCharacters(text);
        var reversed = new StringBuilder(text.Length);
        for (var i = starts.Length - 1; i >= 0; i--)
        {
            var end = i + 1 < starts.Length ? starts[i + 1] : text.Length;
            reversed.Append(text, starts[i], end - starts[i]);
        }

        return reversed.ToString();
    }
}
