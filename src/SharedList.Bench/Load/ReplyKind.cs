namespace SharedList.Bench.Load;

/// <summary>What a reply says, as far as the load engine cares.</summary>
public enum ReplyKind
{
    /// <summary>An append was stored: <c>Ack</c> (line), an integer (RESP <c>RPUSH</c>).</summary>
    Appended,

    /// <summary>A list came back: a line starting with <c>[</c> (line), an array (RESP <c>LRANGE</c>).</summary>
    Listed,

    /// <summary>Anything else: an <c>ERR</c> line, a RESP error, a reply of the wrong shape.</summary>
    Unexpected,
}
