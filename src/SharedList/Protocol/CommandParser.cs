namespace SharedList.Protocol;

/// <summary>Recognises the command in one message, as the seed's <c>msg.decode() == 'LIST'</c> does.</summary>
public static class CommandParser
{
    /// <summary>What starts an <see cref="Command.Auth"/> message: <c>AUTH</c> and one space.</summary>
    public static ReadOnlySpan<byte> AuthPrefix => "AUTH "u8;

    /// <summary>Returns the command a whole message asks for. Case-sensitive; no trimming.</summary>
    /// <param name="message">The message bytes without their terminator.</param>
    /// <remarks>
    /// Comparing bytes is equivalent to the seed's comparison of decoded text because the keywords are ASCII
    /// and UTF-8 encodes every other character with bytes outside ASCII.
    /// </remarks>
    public static Command Parse(ReadOnlySpan<byte> message)
    {
        if (message.SequenceEqual("LIST"u8))
        {
            return Command.List;
        }

        if (message.SequenceEqual("CLEAR"u8))
        {
            return Command.Clear;
        }

        return message.StartsWith(AuthPrefix) ? Command.Auth : Command.Append;
    }

    /// <summary>The password of an <see cref="Command.Auth"/> message: everything after <see cref="AuthPrefix"/>.</summary>
    /// <param name="message">A message that <see cref="Parse"/> found to be <see cref="Command.Auth"/>.</param>
    public static ReadOnlySpan<byte> AuthPassword(ReadOnlySpan<byte> message)
    {
        if (!message.StartsWith(AuthPrefix))
        {
            throw new ArgumentException("Not an AUTH message.", nameof(message));
        }

        return message[AuthPrefix.Length..];
    }
}
