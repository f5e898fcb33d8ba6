using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SocketServer.Handlers;
using SocketServer.Tests.Support;
using SocketServer.Tls;

namespace SocketServer.Tests.Handlers;

/// <summary>A <see cref="StreamRequestHandler"/> behind TLS: its Reader and Writer see the plain text on every model that serves both.</summary>
public sealed class TlsHandlerTests : IDisposable
{
    private readonly X509Certificate2 _certificate = CreateCertificate();
    private readonly List<IServer> _servers = [];

    public static TheoryData<ServerModel> Models => new(ServerModels.All.Where(m => m.SupportsHandlers() && m.SupportsTls() && m.IsSupportedHere()));

    [Theory, MemberData(nameof(Models))]
    public async Task Reader_and_Writer_read_and_write_through_TLS(ServerModel model)
    {
        var server = ServerModels.Create(model, ServerFactory.AnyLoopbackPort, () => new UpperCaseHandler(), new ServerOptions { Tls = new ServerTlsOptions(_certificate) });
        _servers.Add(server);
        server.Start();
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint, timeout.Token);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false, IsOurCertificate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
        using var reader = new StreamReader(tls, Encoding.UTF8);

        await tls.WriteAsync("secret ação\n"u8.ToArray(), timeout.Token);
        Assert.Equal("SECRET AÇÃO", await reader.ReadLineAsync(timeout.Token));
        await tls.ShutdownAsync();
        Assert.Null(await reader.ReadLineAsync(timeout.Token));
    }

    // Pinned: the one certificate the server was given, self-signed for the test.
    private bool IsOurCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString();

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        _certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Through PKCS#12, so the key is one every platform serves with.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), password: null);
    }

    private sealed class UpperCaseHandler : StreamRequestHandler
    {
        public override async Task HandleAsync(CancellationToken cancellationToken)
        {
            while (await Reader.ReadLineAsync(cancellationToken) is { } line)
            {
                await Writer.WriteLineAsync(line.ToUpperInvariant(), cancellationToken);
            }
        }
    }
}
