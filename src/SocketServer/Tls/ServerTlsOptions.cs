using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SocketServer.Tls;

/// <summary>
/// TLS for the stream servers that support it: <see cref="TcpServer"/> and its threading and pool variants
/// (through <see cref="Handlers.SessionStreamHandler"/>) and <see cref="EventDriven.AsyncServer"/> (through
/// <see cref="ServerOptions.Tls"/>). <see cref="EventDriven.SelectServer"/> refuses it: its loop
/// does non-blocking socket I/O, and .NET offers TLS only as a stream (<see cref="SslStream"/>), not as a
/// state machine a select loop could drive.
/// </summary>
/// <remarks>
/// <para>Each accepted connection performs the server handshake before its session is created. A client whose
/// first byte is not a TLS handshake record (a plain-text client) is closed at once; one that does not complete the
/// handshake within <see cref="HandshakeTimeout"/> is closed then. Both are logged (rate-limited), and the server goes on.</para>
/// <para>Ownership: the options do not own <see cref="ServerCertificate"/>; whoever created it disposes it
/// after the server is stopped. Immutable once built, so one instance may serve every connection and server.</para>
/// </remarks>
public sealed class ServerTlsOptions
{
    /// <summary>The default <see cref="HandshakeTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _handshakeTimeout = DefaultHandshakeTimeout;

    /// <summary>Uses <paramref name="serverCertificate"/>, which must carry its private key.</summary>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public ServerTlsOptions(X509Certificate2 serverCertificate)
    {
        ArgumentNullException.ThrowIfNull(serverCertificate);
        if (!serverCertificate.HasPrivateKey)
        {
            throw new ArgumentException("The server certificate has no private key.", nameof(serverCertificate));
        }

        ServerCertificate = serverCertificate;

        // Built once: the context holds the certificate's chain, which would otherwise be rebuilt per handshake.
        // offline: intermediates come from the machine's stores only, never fetched while a client waits.
        CertificateContext = SslStreamCertificateContext.Create(serverCertificate, additionalCertificates: null, offline: true);
    }

    /// <summary>The certificate (with its private key) the server presents.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>
    /// How long a client has to complete the handshake, from the moment its connection is served. It bounds
    /// what a silent or plain-text client costs: with the sequential model, it holds the only slot this long
    /// at most. Default 10 s.
    /// </summary>
    public TimeSpan HandshakeTimeout
    {
        get => _handshakeTimeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromMilliseconds(int.MaxValue));
            _handshakeTimeout = value;
        }
    }

    /// <summary>The TLS versions offered. Default <see cref="SslProtocols.None"/>: the operating system's choice.</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    private SslStreamCertificateContext CertificateContext { get; }

    /// <summary>Fresh options for one handshake (they are mutable, so never shared between connections).</summary>
    internal SslServerAuthenticationOptions CreateAuthenticationOptions() => new()
    {
        ServerCertificateContext = CertificateContext,
        EnabledSslProtocols = EnabledProtocols,
        ClientCertificateRequired = false,
    };
}
