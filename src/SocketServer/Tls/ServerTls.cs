using System.Net.Security;
using System.Net.Sockets;

namespace SocketServer.Tls;

/// <summary>
/// The server side of TLS on one connection: the handshake, bounded by <see cref="ServerTlsOptions.HandshakeTimeout"/>,
/// and the close. A thin layer: afterwards the connection's loop reads and writes the returned stream
/// instead of the socket; the socket itself stays the server's and is closed by its usual close path.
/// </summary>
internal static class ServerTls
{
    /// <summary>
    /// The blocking handshake, for the blocking models. The deadline covers the whole handshake, not each
    /// read: a client trickling its hello a byte at a time is cut off too. It fires by shutting the socket
    /// down, which wakes the blocked read (the synchronous <see cref="SslStream.AuthenticateAsServer(SslServerAuthenticationOptions)"/>
    /// takes no token).
    /// </summary>
    /// <exception cref="TlsHandshakeException">The handshake failed or timed out; the socket is then unusable.</exception>
    public static SslStream Authenticate(Socket socket, ServerTlsOptions options)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        using var deadline = new CancellationTokenSource(options.HandshakeTimeout);
        try
        {
            // Disposing the registration waits for a callback already running, so once it is disposed the
            // socket is either untouched or known to be shut down (the token is then cancelled).
            using (deadline.Token.UnsafeRegister(static s => ShutDownQuietly((Socket)s!), socket))
            {
                var first = new byte[1];
                ThrowUnlessHandshake(socket.Receive(first, SocketFlags.Peek), first[0]);
                tls.AuthenticateAsServer(options.CreateAuthenticationOptions());
            }
        }
        catch (Exception e)
        {
            tls.Dispose();
            throw deadline.IsCancellationRequested ? TimedOut(options) : e as TlsHandshakeException ?? Failed(e);
        }

        if (deadline.IsCancellationRequested)
        {
            // Completed just as the deadline shut the socket down: the connection is gone either way.
            tls.Dispose();
            throw TimedOut(options);
        }

        return tls;
    }

    /// <summary>The asynchronous handshake over <paramref name="socket"/>; the returned stream does not own the socket.</summary>
    /// <exception cref="TlsHandshakeException">The handshake failed or timed out.</exception>
    public static async Task<SslStream> AuthenticateAsync(Socket socket, ServerTlsOptions options)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        using var deadline = new CancellationTokenSource(options.HandshakeTimeout);
        try
        {
            var first = new byte[1];
            ThrowUnlessHandshake(await socket.ReceiveAsync(first, SocketFlags.Peek, deadline.Token).ConfigureAwait(false), first[0]);
            await tls.AuthenticateAsServerAsync(options.CreateAuthenticationOptions(), deadline.Token).ConfigureAwait(false);
            return tls;
        }
        catch (Exception e)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw deadline.IsCancellationRequested ? TimedOut(options) : e as TlsHandshakeException ?? Failed(e);
        }
    }

    /// <summary>
    /// The one rule for what is not TLS: a client's first record is a handshake record, whose first byte is 22
    /// (RFC 8446 §5.1). Anything else (a letter, say) is a plain-text client, refused at once: the handshake
    /// would wait for the five bytes of a record header, which a short line never sends.
    /// </summary>
    private static void ThrowUnlessHandshake(int received, byte first)
    {
        if (received == 0)
        {
            throw new TlsHandshakeException("the client closed the connection before the TLS handshake", refusal: TlsRefusal.ClosedFirst);
        }

        if (first != HandshakeRecord)
        {
            throw new TlsHandshakeException("the client sent plain text, not a TLS handshake", refusal: TlsRefusal.PlainText);
        }
    }

    /// <summary>
    /// Sends close_notify (RFC 8446 §6.1: each party must send it before closing its write side), then
    /// disposes the stream. A client already gone cannot take the alert; that is not an error.
    /// </summary>
    public static void Close(SslStream tls)
    {
        try
        {
            // SslStream has no synchronous shutdown. On this connection's own thread, with nothing else using
            // the stream, waiting for the one small write is the blocking models' normal way of sending.
            tls.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The peer is gone; closing is all that is left.
        }
        finally
        {
            tls.Dispose();
        }
    }

    /// <summary>Closes a connection's stream: for TLS, sends close_notify first (see <see cref="Close"/>).</summary>
    public static async ValueTask CloseAsync(Stream stream)
    {
        if (stream is SslStream tls)
        {
            try
            {
                await tls.ShutdownAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The peer is gone; closing is all that is left.
            }
        }

        await stream.DisposeAsync().ConfigureAwait(false);
    }

    private const byte HandshakeRecord = 22;

    private static TlsHandshakeException TimedOut(ServerTlsOptions options) =>
        new($"TLS handshake not completed within {options.HandshakeTimeout.TotalSeconds:0.###} s");

    // The innermost message says what happened ("...alert bad certificate"); the outer one often says "see inner exception".
    private static TlsHandshakeException Failed(Exception e) => new($"TLS handshake failed: {e.GetBaseException().Message}", e);

    private static void ShutDownQuietly(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed: the handshake has failed anyway.
        }
    }
}
