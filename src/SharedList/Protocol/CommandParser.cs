namespace SharedList.Protocol;

/// <summary>Recognises the command in one message, as the seed's <c>msg.decode() == 'LIST'</c> does.</summary>
public static class CommandParser
{
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

        return message.SequenceEqual("CLEAR"u8) ? Command.Clear : Command.Append;
    }
}
