using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SharedList.Protocol;

namespace SharedList.Client;

/// <summary>
/// A client of the shared-list service over one persistent TCP connection (optionally TLS) or UDP: sends a
/// message, waits for its reply. Used by <c>sharedlist connect</c>.
/// </summary>
/// <remarks>Not thread-safe: one request at a time, as the protocol's request/reply rounds are.</remarks>
public sealed class ListClient : IDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;

    // How much of an unfinished reply a timeout quotes: enough to recognise Ack or a short list.
    private const int QuotedReplyLength = 40;

    private readonly Socket _socket;
    private readonly Framing _framing;
    private readonly bool _udp;
    private readonly SslStream? _tls;
    private readonly TimeSpan _timeout;
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private int _buffered;

    private ListClient(Socket socket, Framing framing, bool udp, SslStream? tls, TimeSpan timeout)
    {
        _socket = socket;
        _framing = framing;
        _udp = udp;
        _tls = tls;
        _timeout = timeout;
    }

    /// <summary>Where the client is connected.</summary>
    public EndPoint RemoteEndPoint => _socket.RemoteEndPoint!;

    /// <summary>
    /// Connects to <paramref name="server"/>: an <see cref="IPEndPoint"/>, or a <see cref="UnixDomainSocketEndPoint"/>
    /// for a server on a Unix stream socket (for UDP nothing is sent). <paramref name="timeout"/> bounds the connect,
    /// and then each wait for reply bytes (a long reply that keeps coming is not cut) and each send the server does
    /// not take. Throws <see cref="SocketException"/> when the server refuses.
    /// </summary>
    public static Task<ListClient> ConnectAsync(EndPoint server, Framing framing, bool udp, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ConnectAsync(server, framing, udp, timeout, tls: null, cancellationToken);

    /// <summary>
    /// Connects to <paramref name="server"/> as <see cref="ConnectAsync(EndPoint, Framing, bool, TimeSpan, CancellationToken)"/> does;
    /// with <paramref name="tls"/> (TCP only), the TLS handshake follows, within the same <paramref name="timeout"/>.
    /// Throws <see cref="AuthenticationException"/> when the handshake fails (an untrusted certificate, a server
    /// not speaking TLS, no answer in time).
    /// </summary>
    public static async Task<ListClient> ConnectAsync(EndPoint server, Framing framing, bool udp, TimeSpan timeout, ClientTlsOptions? tls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (udp && tls is not null)
        {
            throw new ArgumentException("TLS runs over TCP only.", nameof(tls));
        }

        if (udp && server.AddressFamily == AddressFamily.Unix)
        {
            // A reply datagram needs a path of ours to go to; this client binds none.
            throw new ArgumentException("A Unix socket is served as a stream: connect without UDP.", nameof(udp));
        }

        // Unspecified: TCP or UDP over IP, and what a Unix-domain socket (UnixDomainSocketEndPoint) accepts.
        var socket = new Socket(server.AddressFamily, udp ? SocketType.Dgram : SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(timeout);
            await socket.ConnectAsync(server, connectTimeout.Token).ConfigureAwait(false);
            // A server of the other framing answers a line with no newline, or never: without a bound the client
            // would wait forever. Blocking calls only, so the TLS handshake below is bounded by its token instead.
            socket.ReceiveTimeout = socket.SendTimeout = (int)Math.Ceiling(timeout.TotalMilliseconds);
            if (!udp && server.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            {
                socket.NoDelay = true;
            }

            var stream = tls is null ? null : await AuthenticateAsync(socket, tls, timeout, connectTimeout.Token, cancellationToken).ConfigureAwait(false);
            return new ListClient(socket, udp ? Framing.Raw : framing, udp, stream, timeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> and returns the reply without its terminator.
    /// Throws <see cref="EndOfStreamException"/> when the server closed the connection instead of replying,
    /// and <see cref="TimeoutException"/> when the reply (or, on line framing, its end) did not come in time, or
    /// the server took nothing of the message in time.
    /// </summary>
    public string Request(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var payload = Encoding.UTF8.GetBytes(_framing == Framing.Line ? message + "\n" : message);
        try
        {
            SendAll(payload);
        }
        catch (SocketException e) when (IsTimeout(e))
        {
            throw new TimeoutException($"{RemoteEndPoint} took none of the message within {Seconds} s", e);
        }

        return _udp ? ReceiveDatagram() : _framing == Framing.Line ? ReceiveLine() : ReceiveOnce();
    }

    /// <summary>
    /// Sends <c>AUTH <paramref name="password"/></c>, to be done first on a server started with a password.
    /// Throws <see cref="AuthenticationException"/> whose message is the server's reply when it is not
    /// <c>OK</c> (a wrong password, or a server without one), and what <see cref="Request"/> throws otherwise.
    /// </summary>
    /// <param name="password">The password; a line break is refused, since it would end the message early.</param>
    public void Authenticate(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (password.AsSpan().ContainsAny('\r', '\n'))
        {
            // The rest would reach the server as a separate message, maybe appended to the list.
            throw new ArgumentException("A password cannot contain line breaks.", nameof(password));
        }

        var reply = Request("AUTH " + password);
        if (reply != Replies.Ok)
        {
            throw new AuthenticationException(reply);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }

    private static async Task<SslStream> AuthenticateAsync(Socket socket, ClientTlsOptions options, TimeSpan timeout, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(AuthenticationOptions(options), deadline).ConfigureAwait(false);
            return tls;
        }
        catch (Exception e)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw e switch
            {
                OperationCanceledException when cancellationToken.IsCancellationRequested => e,
                OperationCanceledException => new AuthenticationException($"no answer within {timeout.TotalSeconds:0.#} s", e),

                // The server closed or reset the connection mid-handshake: most often a server that does not speak TLS.
                IOException => new AuthenticationException($"{e.Message} (does the server speak TLS?)", e),

                // "Authentication failed, see inner exception": the inner one says what the server objected to.
                AuthenticationException { InnerException: not null } => new AuthenticationException(e.GetBaseException().Message, e),
                _ => e,
            };
        }
    }

    private static SslClientAuthenticationOptions AuthenticationOptions(ClientTlsOptions options)
    {
        var authentication = new SslClientAuthenticationOptions { TargetHost = options.TargetHost };
        if (options.SkipValidation)
        {
#pragma warning disable CA5359 // Asked for explicitly (--tls-insecure), for self-signed test certificates; documented as insecure.
            authentication.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (options.TrustedCertificate is { } trusted)
        {
            // The given certificate is the only root; the usual checks (chain, validity, name) still apply.
            // A private root publishes no revocation list, so revocation is not checked against it.
            authentication.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { trusted },
                RevocationMode = X509RevocationMode.NoCheck,
            };
        }

        return authentication;
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        if (_tls is not null)
        {
            try
            {
                _tls.Write(data);
            }
            catch (IOException e) when (e.InnerException is SocketException socketError)
            {
                // The same news as without TLS, so callers need not know which they run over.
                throw socketError;
            }

            return;
        }

        while (!data.IsEmpty)
        {
            data = data[_socket.Send(data)..];
        }
    }

    private string ReceiveLine()
    {
        var scanned = 0;
        var line = new List<byte>();
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanned, _buffered - scanned);
            if (newline >= 0)
            {
                line.AddRange(_buffer.AsSpan(0, newline));
                var rest = _buffered - newline - 1;
                Buffer.BlockCopy(_buffer, newline + 1, _buffer, 0, rest);
                _buffered = rest;
                return Encoding.UTF8.GetString([.. line]);
            }

            if (_buffered == _buffer.Length)
            {
                // A reply longer than the buffer (a big LIST): keep what we have and read on.
                line.AddRange(_buffer.AsSpan(0, _buffered));
                _buffered = 0;
            }

            scanned = _buffered;
            int received;
            try
            {
                received = Receive(_buffered, _buffer.Length - _buffered);
            }
            catch (SocketException e) when (IsTimeout(e))
            {
                line.AddRange(_buffer.AsSpan(0, _buffered));
                throw NoReply(e, [.. line]);
            }

            if (received == 0)
            {
                throw new EndOfStreamException("the server closed the connection");
            }

            _buffered += received;
        }
    }

    // Raw framing has no terminator: like the course's client, one receive is one reply.
    private string ReceiveOnce()
    {
        int received;
        try
        {
            received = Receive(0, _buffer.Length);
        }
        catch (SocketException e) when (IsTimeout(e))
        {
            throw NoReply(e, []);
        }

        if (received == 0)
        {
            throw new EndOfStreamException("the server closed the connection");
        }

        return Encoding.UTF8.GetString(_buffer, 0, received);
    }

    private int Receive(int offset, int count)
    {
        if (_tls is null)
        {
            return _socket.Receive(_buffer, offset, count, SocketFlags.None);
        }

        try
        {
            return _tls.Read(_buffer, offset, count);
        }
        catch (IOException e) when (e.InnerException is SocketException socketError)
        {
            // The same news as without TLS, so callers need not know which they run over.
            throw socketError;
        }
    }

    private string ReceiveDatagram()
    {
        try
        {
            var received = _socket.Receive(_buffer);
            return Encoding.UTF8.GetString(_buffer, 0, received);
        }
        catch (SocketException e) when (IsTimeout(e))
        {
            throw NoReply(e, []);
        }
    }

    private static bool IsTimeout(SocketException e) => e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock;

    private string Seconds => _timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    // What came of the reply is quoted: bytes with no newline are the mark of a server on raw framing.
    private TimeoutException NoReply(SocketException e, byte[] partial)
    {
        if (partial.Length == 0)
        {
            return new TimeoutException($"no reply from {RemoteEndPoint} within {Seconds} s", e);
        }

        var text = Encoding.UTF8.GetString(partial);
        var quoted = text.Length > QuotedReplyLength ? text[..QuotedReplyLength] + "…" : text;
        return new TimeoutException($"the reply from {RemoteEndPoint} has no newline after {Seconds} s (received \"{quoted}\")", e);
    }
}
