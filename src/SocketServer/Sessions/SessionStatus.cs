namespace SocketServer.Sessions;

/// <summary>What a server does with a connection after <see cref="ISession.Process"/> returns.</summary>
public enum SessionStatus
{
    /// <summary>Keep the connection open and wait for more bytes.</summary>
    Continue,

    /// <summary>Send what was written, then close the connection.</summary>
    Close,
}
