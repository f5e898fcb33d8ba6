namespace SocketServer.Sessions;

/// <summary>How bytes reach a session.</summary>
public enum TransportKind
{
    /// <summary>A byte stream (TCP): message boundaries are the protocol's business.</summary>
    Stream,

    /// <summary>One datagram (UDP) per session: the datagram is the whole input and <c>inputCompleted</c> is true.</summary>
    Datagram,
}
