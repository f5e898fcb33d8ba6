namespace SocketServer.Tls;

/// <summary>
/// A client did not complete the TLS handshake: it spoke plain text, offered nothing we accept, went
/// silent past the timeout or left. The normal life of a TLS server, so it is logged at Debug, not as an error.
/// </summary>
internal sealed class TlsHandshakeException : IOException
{
    public TlsHandshakeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
