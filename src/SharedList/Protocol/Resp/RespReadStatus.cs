namespace SharedList.Protocol.Resp;

/// <summary>What <see cref="RespRequestReader.TryRead"/> found.</summary>
public enum RespReadStatus
{
    /// <summary>A whole request: its arguments are in the <see cref="RespRequest"/>.</summary>
    Request,

    /// <summary>Not a whole request yet: what was read is kept, call again with more input.</summary>
    Incomplete,

    /// <summary>The input is not RESP: reply with the error and close the connection, as Redis does.</summary>
    ProtocolError,
}
