using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Client;
using SharedList.Hosting;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer;
using SocketServer.EventDriven;
using SocketServer.Tls;

namespace SharedList.Tests.Models;

/// <summary>
/// TLS on every model that offers it (sequential, threading, pool, async), over loopback with a certificate
/// made at run time; the select model refuses it.
/// </summary>
public sealed class TlsOnEveryModelTests(TestCertificate certificate) : IClassFixture<TestCertificate>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Longer than any test here takes to be served, so a server that waited for a stuck handshake would fail the test.
    private static readonly TimeSpan ClientReadTimeout = TimeSpan.FromSeconds(8);

    [Theory, MemberData(nameof(EveryModel.Tls), MemberType = typeof(EveryModel))]
    public async Task A_TLS_connection_serves_many_rounds(ServerModel model)
    {
        await using var server = Start(model);
        using var client = await ConnectTlsAsync(server);

        var expected = new List<string>();
        for (var round = 0; round < 200; round++)
        {
            var item = $"item-{round} é";
            Assert.Equal("Ack", client.Request(item));
            expected.Add(item);
            if (round % 50 == 49)
            {
                Assert.Equal(expected, ListReply.ParseSimple(client.Request("LIST")));
            }
        }

        Assert.Equal("Lista apagada", client.Request("CLEAR"));
        Assert.Equal("[]", client.Request("LIST"));
        Assert.EndsWith(", tls", server.Settings.ModelName, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(EveryModel.ConcurrentTls), MemberType = typeof(EveryModel))]
    public async Task Concurrent_TLS_clients_share_the_list(ServerModel model)
    {
        const int clients = 8;
        const int itemsPerClient = 25;
        await using var server = Start(model);

        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            using var client = await ConnectTlsAsync(server);
            for (var i = 0; i < itemsPerClient; i++)
            {
                Assert.Equal("Ack", client.Request($"c{c}-{i}"));
            }
        }))).WaitAsync(Timeout);

        using var reader = await ConnectTlsAsync(server);
        Assert.Equal(clients * itemsPerClient, ListReply.ParseSimple(reader.Request("LIST")).Count);
    }

    [Theory, MemberData(nameof(EveryModel.Tls), MemberType = typeof(EveryModel))]
    public async Task An_error_reply_reaches_the_client_before_the_TLS_connection_closes(ServerModel model)
    {
        await using var server = Start(model, maxMessageBytes: 16);
        using var client = await ConnectTlsAsync(server);

        Assert.Equal("Ack", client.Request("short"));
        Assert.Equal("ERR message too long", client.Request(new string('x', 100)));

        // Closed after the reply: the next request finds the end of the stream (or, if its bytes drew a reset first, a reset).
        var e = Record.Exception(() => client.Request("LIST"));
        Assert.True(e is EndOfStreamException or SocketException { SocketErrorCode: SocketError.ConnectionReset }, $"expected the connection closed, got {e}");
    }

    [Theory, MemberData(nameof(EveryModel.Tls), MemberType = typeof(EveryModel))]
    public async Task A_silent_plain_client_is_closed_after_the_handshake_timeout_and_TLS_clients_are_served(ServerModel model)
    {
        // Long enough that a TLS client's own handshake on a loaded machine is not cut off too.
        await using var server = Start(model, handshakeTimeout: TimeSpan.FromSeconds(3));
        using var plain = await ConnectPlainAsync(server.EndPoint);
        // Accepted, or already accepted and dropped: a test thread starved past the handshake bound sees only the latter.
        await Eventually.TrueAsync(() => server.Server.ActiveConnections == 1 || plain.Poll(0, SelectMode.SelectRead), Timeout, "the plain client to be accepted");

        // Sequential: this client waits in the backlog until the plain one is dropped, three seconds at most.
        using (var client = await ConnectTlsAsync(server))
        {
            Assert.Equal("Ack", client.Request("served"));
        }

        Assert.True(ClosedByServer(plain), "the plain client was not closed");

        using var next = await ConnectTlsAsync(server);
        Assert.Equal("['served']", next.Request("LIST"));
    }

    [Theory, MemberData(nameof(EveryModel.Tls), MemberType = typeof(EveryModel))]
    public async Task A_plain_text_request_on_a_TLS_port_is_closed_at_once_and_the_server_goes_on(ServerModel model)
    {
        // The default handshake timeout (10 s) is longer than the client waits: the close must come from the bad bytes.
        await using var server = Start(model);
        using (var plain = await ConnectPlainAsync(server.EndPoint))
        {
            plain.Send(Encoding.ASCII.GetBytes("hello\nLIST\n"));
            Assert.True(ClosedByServer(plain), "the plain client was not closed");
        }

        using var client = await ConnectTlsAsync(server);
        Assert.Equal("Ack", client.Request("after"));
        Assert.Equal("['after']", client.Request("LIST"));
    }

    [Theory, MemberData(nameof(EveryModel.Tls), MemberType = typeof(EveryModel))]
    public async Task A_line_shorter_than_a_TLS_record_header_is_closed_at_once_and_logged_with_the_address(ServerModel model)
    {
        // "hi\n" is shorter than the five bytes of a record header the handshake would wait for.
        var logger = new RecordingLogger(LogLevel.Information);
        await using var server = Start(model, handshakeTimeout: TimeSpan.FromMinutes(5), logger: logger);
        using var plain = await ConnectPlainAsync(server.EndPoint);
        var started = Stopwatch.StartNew();
        plain.Send("hi\n"u8);

        Assert.True(ClosedByServer(plain), "the plain client was not closed");
        Assert.True(started.Elapsed < ClientReadTimeout, $"closed after {started.Elapsed}");
        var client = ((IPEndPoint)plain.LocalEndPoint!).ToString();
        await Eventually.TrueAsync(
            () => logger.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains($"Closed {client}: it sent plain text to a TLS port", StringComparison.Ordinal)),
            Timeout,
            "the plain-text client to be logged");
    }

    [Theory, MemberData(nameof(EveryModel.ConcurrentTls), MemberType = typeof(EveryModel))]
    public async Task A_client_stuck_in_the_handshake_holds_up_nobody_and_a_stop_closes_it(ServerModel model)
    {
        // A handshake timeout far beyond the test: only the model's concurrency lets the others through.
        await using var server = Start(model, handshakeTimeout: TimeSpan.FromMinutes(5));
        using var stuck = await ConnectPlainAsync(server.EndPoint);
        stuck.Send([0x16, 0x03, 0x01]); // the start of a TLS record header, then nothing
        await Eventually.TrueAsync(() => server.Server.ActiveConnections == 1, Timeout, "the stuck client to be accepted");

        for (var i = 0; i < 3; i++)
        {
            using var client = await ConnectTlsAsync(server);
            Assert.Equal("Ack", client.Request($"c{i}"));
        }

        await server.Server.StopAsync(TimeSpan.Zero).WaitAsync(Timeout);
        Assert.True(ClosedByServer(stuck), "the stuck client was not closed by the stop");
    }

    [Fact]
    public async Task A_TLS_client_that_does_not_trust_the_certificate_fails_and_the_server_goes_on()
    {
        await using var server = Start(ServerModel.Async);
        var untrusting = new ClientTlsOptions { TargetHost = "127.0.0.1" };

        await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(
            () => ListClient.ConnectAsync(server.EndPoint, Framing.Line, udp: false, Timeout, untrusting));

        using var client = await ConnectTlsAsync(server);
        Assert.Equal("Ack", client.Request("still serving"));
    }

    [Fact]
    public async Task A_client_trusting_the_certificate_refuses_a_name_it_does_not_carry()
    {
        await using var server = Start(ServerModel.Async);
        var wrongName = new ClientTlsOptions { TargetHost = "example.org", TrustedCertificate = certificate.PublicCertificate };

        var e = await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(
            () => ListClient.ConnectAsync(server.EndPoint, Framing.Line, udp: false, Timeout, wrongName));
        Assert.Contains("NameMismatch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skipping_validation_accepts_the_self_signed_certificate_under_any_name()
    {
        await using var server = Start(ServerModel.Threading);
        var insecure = new ClientTlsOptions { TargetHost = "example.org", SkipValidation = true };

        using var client = await ListClient.ConnectAsync(server.EndPoint, Framing.Line, udp: false, Timeout, insecure);
        Assert.Equal("Ack", client.Request("x"));
    }

    [Fact]
    public async Task A_TLS_client_against_a_plain_server_fails_its_handshake_with_a_clear_error()
    {
        await using var server = new ModelServer(ServerModel.Async);
        var tls = new ClientTlsOptions { TargetHost = "127.0.0.1", TrustedCertificate = certificate.PublicCertificate };

        await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(
            () => ListClient.ConnectAsync(server.EndPoint, Framing.Line, udp: false, Timeout, tls));
    }

    [Fact]
    public void The_select_and_epoll_servers_refuse_TLS()
    {
        var sessions = new SharedListSessionFactory(new MemoryListStore(), new SharedListOptions(), NullLogger.Instance);
        var options = new ServerOptions { Tls = new ServerTlsOptions(certificate.Certificate) };
        var endPoint = new IPEndPoint(IPAddress.Loopback, 0);

        Assert.Contains("TLS", Assert.Throws<ArgumentException>(() => new SelectServer(endPoint, sessions, options)).Message, StringComparison.Ordinal);
        Assert.Contains("TLS", Assert.Throws<ArgumentException>(() => new EpollServer(endPoint, sessions, options)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ServerModel.Select, false)]
    [InlineData(ServerModel.Epoll, false)]
    [InlineData(ServerModel.Sequential, true)]
    [InlineData(ServerModel.Threading, true)]
    public void The_factory_refuses_TLS_where_the_model_or_transport_cannot_offer_it(ServerModel model, bool udp)
    {
        var settings = new ServerSettings { Model = model, Udp = udp, EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Options = new ServerOptions { Tls = new ServerTlsOptions(certificate.Certificate) } };

        Assert.False(!udp && model.SupportsTls());
        Assert.Throws<ArgumentException>(() => ServerFactory.Create(settings, new MemoryListStore()));
    }

    [Fact]
    public void TLS_options_need_a_private_key_and_a_positive_handshake_timeout()
    {
        Assert.Throws<ArgumentException>(() => new ServerTlsOptions(certificate.PublicCertificate));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerTlsOptions(certificate.Certificate) { HandshakeTimeout = TimeSpan.Zero });
        Assert.Equal(TimeSpan.FromSeconds(10), new ServerTlsOptions(certificate.Certificate).HandshakeTimeout);
    }

    /// <summary>True when the server closed the connection (end of stream or reset) before <see cref="ClientReadTimeout"/>; any bytes (a TLS alert) are skipped.</summary>
    private static bool ClosedByServer(Socket socket)
    {
        socket.ReceiveTimeout = (int)ClientReadTimeout.TotalMilliseconds;
        var buffer = new byte[4096];
        for (var reads = 0; reads < 100; reads++)
        {
            try
            {
                if (socket.Receive(buffer) == 0)
                {
                    return true;
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return true;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                return false;
            }
        }

        return false;
    }

    private static async Task<Socket> ConnectPlainAsync(EndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(server, cts.Token);
        return socket;
    }

    private ModelServer Start(ServerModel model, TimeSpan? handshakeTimeout = null, int maxMessageBytes = 65536, RecordingLogger? logger = null) => new(new ServerSettings
    {
        Model = model,
        EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        MaxMessageBytes = maxMessageBytes,
        Options = new ServerOptions { Tls = new ServerTlsOptions(certificate.Certificate) { HandshakeTimeout = handshakeTimeout ?? ServerTlsOptions.DefaultHandshakeTimeout } },
    }, logger);

    private Task<ListClient> ConnectTlsAsync(ModelServer server) => ListClient.ConnectAsync(
        server.EndPoint,
        Framing.Line,
        udp: false,
        ClientReadTimeout,
        new ClientTlsOptions { TargetHost = "127.0.0.1", TrustedCertificate = certificate.PublicCertificate });
}
