namespace SocketServer.Tls;

/// <summary>
/// A client did not complete the TLS handshake: it spoke plain text, offered nothing we accept, went
/// silent past the timeout or left. The normal life of a TLS server, so it is not logged as an error: a client
/// that left before sending a byte (a port probe) at Debug, the others at Information, rate-limited
/// (<see cref="Core.ServerCore.LogConnectionError"/>).
/// </summary>
internal sealed class TlsHandshakeException : IOException
{
    public TlsHandshakeException(string message, Exception? innerException = null, TlsRefusal refusal = TlsRefusal.Failed)
        : base(message, innerException)
    {
        Refusal = refusal;
    }

    /// <summary>Why the handshake did not happen.</summary>
    public TlsRefusal Refusal { get; }
}
