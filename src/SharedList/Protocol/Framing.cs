namespace SharedList.Protocol;

/// <summary>How a byte stream is cut into messages, and whether replies carry a terminator.</summary>
public enum Framing
{
    /// <summary>
    /// A message is the bytes up to <c>\n</c> (one trailing <c>\r</c> dropped); every reply ends with <c>\n</c>.
    /// The default for TCP: the result does not depend on how the bytes were chunked.
    /// </summary>
    Line,

    /// <summary>
    /// The seed's <c>recv(1024)</c> framing: whatever is buffered is one message and replies carry no terminator.
    /// Only valid for clients that wait for each reply before sending the next message.
    /// </summary>
    Raw,
}
