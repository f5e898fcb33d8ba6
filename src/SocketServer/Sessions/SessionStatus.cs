namespace SocketServer.Sessions;

/// <summary>What a server does with a connection after <see cref="ISession.Process"/> returns.</summary>
public enum SessionStatus
{
    /// <summary>Keep the connection open and wait for more bytes.</summary>
    Continue,

    /// <summary>Send what was written, then close the connection.</summary>
    Close,

    /// <summary>
    /// The session stopped at its output budget with more to write (the rest of a long reply, or messages
    /// still in <c>input</c>). Send what was written, then call <see cref="ISession.Process"/> again with the
    /// remaining input before waiting for new bytes. This is how a session keeps what one connection holds
    /// in server memory bounded, and how one huge reply is interleaved with other clients' work.
    /// </summary>
    OutputPending,
}
