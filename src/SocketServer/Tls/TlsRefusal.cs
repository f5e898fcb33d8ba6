namespace SocketServer.Tls;

/// <summary>The kinds of <see cref="TlsHandshakeException"/>.</summary>
internal enum TlsRefusal
{
    /// <summary>The handshake failed or timed out.</summary>
    Failed,

    /// <summary>The client's first byte was not a TLS handshake record: it spoke plain text, and was closed at once.</summary>
    PlainText,

    /// <summary>The client closed the connection before sending anything.</summary>
    ClosedFirst,
}
