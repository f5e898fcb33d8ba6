using System.Buffers;
using System.Text;

namespace SharedList.Protocol;

/// <summary>
/// The fixed reply texts, byte for byte the seed's (so the course's clients and expected outputs work
/// unchanged), and how a reply is put on the wire for a framing.
/// </summary>
public static class Replies
{
    /// <summary>Reply to an append: the seed's <c>resp = 'Ack'</c>.</summary>
    public const string Ack = "Ack";

    /// <summary>Reply to <c>CLEAR</c>: the seed's <c>resp = "Lista apagada"</c>.</summary>
    public const string ListCleared = "Lista apagada";

    /// <summary>Reply to a message that is not valid UTF-8; nothing is stored and the connection continues.</summary>
    public const string InvalidUtf8 = "ERR invalid UTF-8";

    /// <summary>Reply to a message over the size limit; the connection is closed after it.</summary>
    public const string MessageTooLong = "ERR message too long";

    /// <summary>Sent by the server to a connection past its limit, before closing it.</summary>
    public const string TooManyConnections = "ERR too many connections";

    /// <summary>The reply to an append when the list already holds its maximum number of items; nothing is stored.</summary>
    public const string ListFull = "ERR list full";

    /// <summary>Reply to a correct <c>AUTH</c>.</summary>
    public const string Ok = "OK";

    /// <summary>Reply to any request but <c>AUTH</c> before the connection has authenticated; nothing is stored.</summary>
    public const string AuthenticationRequired = "ERR authentication required";

    /// <summary>Reply to a wrong <c>AUTH</c>; after a few on one connection it is closed.</summary>
    public const string InvalidPassword = "ERR invalid password";

    /// <summary>Reply to <c>AUTH</c> when the server has no password (Redis answers the same way); the connection goes on.</summary>
    public const string NoPasswordSet = "ERR no password is set";

    /// <summary>
    /// The reply when the store could not do what was asked (a journal that cannot be written, a Redis that is down):
    /// nothing is promised, and the connection goes on. Never an <see cref="Ack"/> that the store did not confirm.
    /// </summary>
    /// <param name="reason">Why, in one short clause (<c>no space left on device</c>); null for none.</param>
    public static string StoreUnavailable(string? reason) =>
        reason is null ? StoreUnavailablePrefix : $"{StoreUnavailablePrefix}: {reason}";

    /// <summary>How <see cref="StoreUnavailable"/> begins, whatever the reason.</summary>
    public const string StoreUnavailablePrefix = "ERR store unavailable";

    /// <summary>Encodes a reply as it goes on the wire: UTF-8, plus <c>\n</c> with <see cref="Framing.Line"/>.</summary>
    /// <param name="reply">The reply text, for example <see cref="TooManyConnections"/>.</param>
    /// <param name="framing">The connection's framing.</param>
    /// <returns>A new array the caller owns.</returns>
    public static byte[] Encode(string reply, Framing framing)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var writer = new ArrayBufferWriter<byte>(reply.Length + 1);
        Write(writer, reply, framing);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes <see cref="Ack"/> as it goes on the wire, as <see cref="Write"/> does, from bytes encoded once: it
    /// is the reply to nearly every request, and one write of four bytes costs less than encoding it anew.
    /// </summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="framing">The connection's framing.</param>
    public static void WriteAck(IBufferWriter<byte> output, Framing framing)
    {
        ArgumentNullException.ThrowIfNull(output);
        var line = "Ack\n"u8;
        output.Write(framing == Framing.Line ? line : line[..^1]);
    }

    /// <summary>Writes a reply as it goes on the wire: UTF-8, plus <c>\n</c> with <see cref="Framing.Line"/>.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="reply">The reply text.</param>
    /// <param name="framing">The connection's framing.</param>
    public static void Write(IBufferWriter<byte> output, string reply, Framing framing)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reply);
        Encoding.UTF8.GetBytes(reply, output);
        WriteTerminator(output, framing);
    }

    /// <summary>Ends a reply written piecemeal (the list rendering): <c>\n</c> with Line framing, nothing with Raw.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="framing">The connection's framing.</param>
    public static void WriteTerminator(IBufferWriter<byte> output, Framing framing)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (framing == Framing.Line)
        {
            output.Write("\n"u8);
        }
    }
}
