using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SocketServer.Handlers;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.PythonApi;

/// <summary>
/// CPython's four Unix-domain servers, every stream model on a Unix socket, and the socket file's life: a stale one
/// is replaced, a live server's or a regular file never.
/// </summary>
public sealed class UnixSocketTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnixStreamServer_and_ThreadingUnixStreamServer_serve_a_stream_handler(bool threading)
    {
        using var directory = new UnixSocketDirectory();
        var clients = new List<string>();
        Func<BaseRequestHandler> handler = () => new EchoHandler(address => { lock (clients) { clients.Add(address.ToString()!); } });
        using UnixStreamServer server = threading
            ? new ThreadingUnixStreamServer(directory.EndPoint(), handler)
            : new UnixStreamServer(directory.EndPoint(), handler);
        server.Start();
        Assert.Equal(directory.PathOf("server.sock"), server.ServerAddress.ToString());

        using (var client = await TestClient.ConnectAsync(server.ServerAddress))
        {
            Assert.Equal("hello", await client.RoundTripAsync("hello"));
            Assert.Equal("ação", await client.RoundTripAsync("ação"));
        }

        // A client that bound no path has no address: the handler is told so in words, not with an empty string.
        await Eventually.TrueAsync(() => { lock (clients) { return clients.Count == 1; } }, "the handler to run");
        Assert.Equal(["unix client"], clients);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnixDatagramServer_and_ThreadingUnixDatagramServer_answer_a_client_at_the_path_it_bound(bool threading)
    {
        using var directory = new UnixSocketDirectory();
        Func<BaseRequestHandler> handler = () => new UpperDatagramHandler();
        using UnixDatagramServer server = threading
            ? new ThreadingUnixDatagramServer(directory.EndPoint(), handler)
            : new UnixDatagramServer(directory.EndPoint(), handler);
        server.Start();

        // As in CPython, a Unix datagram client binds a path of its own, where the reply is sent.
        using var client = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        client.Bind(directory.EndPoint("client.sock"));
        var buffer = new byte[256];
        for (var i = 0; i < 5; i++)
        {
            await client.SendToAsync(Encoding.UTF8.GetBytes($"datagram {i}"), server.ServerAddress);
            using var timeout = new CancellationTokenSource(TestClient.Timeout);
            var received = await client.ReceiveFromAsync(buffer, SocketFlags.None, server.ServerAddress, timeout.Token);
            Assert.Equal($"DATAGRAM {i}", Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes));
        }
    }

    [Fact]
    public async Task A_datagram_from_a_client_that_bound_no_path_cannot_be_answered_and_the_server_goes_on()
    {
        using var directory = new UnixSocketDirectory();
        var logger = new RecordingLogger();
        using var server = new UnixDatagramServer(directory.EndPoint(), () => new UpperDatagramHandler(), logger: logger);
        server.Start();

        using (var unnamed = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
        {
            await unnamed.SendToAsync("lost"u8.ToArray(), server.ServerAddress);
        }

        await Eventually.TrueAsync(() => logger.Entries.Any(e => e.Message.Contains("unix client", StringComparison.Ordinal) && e.Exception is SocketException), "the failed reply to be logged");

        using var named = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        named.Bind(directory.EndPoint("client.sock"));
        await named.SendToAsync("found"u8.ToArray(), server.ServerAddress);
        var buffer = new byte[16];
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        var received = await named.ReceiveFromAsync(buffer, SocketFlags.None, server.ServerAddress, timeout.Token);
        Assert.Equal("FOUND", Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Every_stream_model_serves_sessions_on_a_unix_socket(ServerModel model)
    {
        using var directory = new UnixSocketDirectory();
        var logger = new RecordingLogger();
        using var server = ServerModels.Create(model, directory.EndPoint(), new LineReverseSessions(), logger: logger);
        server.Start();

        using var first = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(LineReverseSession.Reply("one"), await first.RoundTripAsync("one"));
        if (EveryModel.IsConcurrent(model))
        {
            using var second = await TestClient.ConnectAsync(server.LocalEndPoint);
            Assert.Equal(LineReverseSession.Reply("two"), await second.RoundTripAsync("two"));
        }

        Assert.Equal(LineReverseSession.Reply("three"), await first.RoundTripAsync("three"));
        Assert.Contains(logger.Entries, e => e.Message.StartsWith("Client unix client connected", StringComparison.Ordinal));
        await server.StopAsync(TimeSpan.Zero).WaitAsync(TestClient.Timeout);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_stale_socket_file_left_by_a_killed_server_does_not_stop_the_next_start(ServerModel model)
    {
        using var directory = new UnixSocketDirectory();
        LeaveStaleSocketFile(directory, "server.sock", SocketType.Stream);

        using var server = ServerModels.Create(model, directory.EndPoint(), new LineReverseSessions());
        server.Start();

        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(LineReverseSession.Reply("fresh"), await client.RoundTripAsync("fresh"));
    }

    [Fact]
    public async Task A_stale_datagram_socket_file_does_not_stop_the_next_start()
    {
        using var directory = new UnixSocketDirectory();
        LeaveStaleSocketFile(directory, "server.sock", SocketType.Dgram);

        using var server = new UnixDatagramServer(directory.EndPoint(), () => new UpperDatagramHandler());
        server.Start();

        using var client = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        client.Bind(directory.EndPoint("client.sock"));
        await client.SendToAsync("fresh"u8.ToArray(), server.ServerAddress);
        var buffer = new byte[16];
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        var received = await client.ReceiveFromAsync(buffer, SocketFlags.None, server.ServerAddress, timeout.Token);
        Assert.Equal("FRESH", Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_live_servers_socket_is_never_taken_over(ServerModel model)
    {
        using var directory = new UnixSocketDirectory();
        using var first = ServerModels.Create(model, directory.EndPoint(), new LineReverseSessions());
        first.Start();

        var refused = Assert.Throws<SocketException>(() => ServerModels.Create(model, directory.EndPoint(), new LineReverseSessions()).Dispose());
        Assert.Equal(SocketError.AddressAlreadyInUse, refused.SocketErrorCode);
        Assert.Contains("already listening", refused.Message, StringComparison.Ordinal);

        // The refused server neither removed nor replaced the file: the first one still serves on it.
        using var client = await TestClient.ConnectAsync(first.LocalEndPoint);
        Assert.Equal(LineReverseSession.Reply("still here"), await client.RoundTripAsync("still here"));
    }

    [Fact]
    public void A_live_datagram_servers_socket_is_never_taken_over()
    {
        using var directory = new UnixSocketDirectory();
        using var first = new UnixDatagramServer(directory.EndPoint(), () => new UpperDatagramHandler());

        var refused = Assert.Throws<SocketException>(() => new UnixDatagramServer(directory.EndPoint(), () => new UpperDatagramHandler()).Dispose());

        Assert.Equal(SocketError.AddressAlreadyInUse, refused.SocketErrorCode);
        Assert.True(File.Exists(directory.PathOf("server.sock")));
    }

    [Fact]
    public void A_path_that_is_not_a_socket_is_neither_bound_nor_deleted()
    {
        using var directory = new UnixSocketDirectory();
        var path = directory.PathOf("server.sock");
        File.WriteAllText(path, "someone's data");

        var refused = Assert.Throws<SocketException>(() => new UnixStreamServer(directory.EndPoint(), () => new EchoHandler()).Dispose());

        Assert.Equal(SocketError.AddressAlreadyInUse, refused.SocketErrorCode);
        Assert.Contains("not a socket", refused.Message, StringComparison.Ordinal);
        Assert.Equal("someone's data", File.ReadAllText(path));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task The_socket_file_is_removed_when_the_server_stops(ServerModel model)
    {
        using var directory = new UnixSocketDirectory();
        var path = directory.PathOf("server.sock");
        using var server = ServerModels.Create(model, directory.EndPoint(), new LineReverseSessions());
        server.Start();
        Assert.True(File.Exists(path));

        await server.StopAsync(TimeSpan.Zero).WaitAsync(TestClient.Timeout);

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void The_Unix_datagram_servers_socket_file_is_removed_when_it_closes()
    {
        using var directory = new UnixSocketDirectory();
        var server = new UnixDatagramServer(directory.EndPoint(), () => new UpperDatagramHandler());
        Assert.True(File.Exists(directory.PathOf("server.sock")));

        server.ServerClose();

        Assert.False(File.Exists(directory.PathOf("server.sock")));
        server.Dispose();
    }

    // What a server killed with SIGKILL leaves: a socket file that nothing listens on. .NET removes the file when the
    // socket that bound it is disposed, so the file is moved away from the path that socket bound first.
    private static void LeaveStaleSocketFile(UnixSocketDirectory directory, string name, SocketType type)
    {
        using (var killed = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified))
        {
            killed.Bind(directory.EndPoint("killed.sock"));
            if (type == SocketType.Stream)
            {
                killed.Listen();
            }

            File.Move(directory.PathOf("killed.sock"), directory.PathOf(name));
        }

        Assert.True(File.Exists(directory.PathOf(name)));
    }

    /// <summary>Echoes each line back; reports the client's address.</summary>
    private sealed class EchoHandler(Action<EndPoint>? clientSeen = null) : StreamRequestHandler
    {
        public override void Handle()
        {
            clientSeen?.Invoke(ClientAddress);
            while (Reader.ReadLine() is { } line)
            {
                Writer.WriteLine(line);
            }
        }
    }

    /// <summary>Replies to each datagram with it in capitals.</summary>
    private sealed class UpperDatagramHandler : DatagramRequestHandler
    {
        public override void Handle() => Reply.Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Packet.Span).ToUpperInvariant()));
    }
}
