using System.Globalization;
using System.Text;
using SocketServer.Handlers;

namespace ReverseEcho;

/// <summary>
/// The slides' <c>MyHandler</c>: every chunk a client sends comes back reversed, until the client closes.
/// </summary>
/// <remarks>
/// The slides reverse bytes (<c>data[::-1]</c>), which scrambles any character longer than one byte.
/// This reverses the text instead, as <c>data.decode()[::-1]</c> would, and by whole characters
/// (grapheme clusters), so "ação" comes back as "oãça" and an emoji stays one emoji. A character split
/// across two receives is carried over by the decoder rather than mangled.
/// Like the slides, each receive is one message: a client should wait for each reply before sending again.
/// </remarks>
public sealed class ReverseHandler : StreamRequestHandler
{
    /// <inheritdoc />
    public override void Handle()
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int received;
        while ((received = Connection.Read(bytes)) > 0)
        {
            var text = new string(chars, 0, decoder.GetChars(bytes, 0, received, chars, 0, flush: false));
            Connection.Write(Encoding.UTF8.GetBytes(Reverse(text)));
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
