using System.Net.Sockets;
using System.Text;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>
/// Every behaviour a stream model must have, written once and run for each model by a subclass (as
/// dotnet/runtime's socket tests do per I/O mode). Each test owns its servers; xunit runs the subclasses in
/// parallel with each other.
/// </summary>
public abstract class StreamModelTests : IDisposable
{
    private readonly List<IServer> _servers = [];

    /// <summary>The model the subclass runs these tests on.</summary>
    protected abstract ServerModel Model { get; }

    /// <summary>Whether the model serves several connections at once (all but sequential).</summary>
    protected bool IsConcurrent => Model != ServerModel.Sequential;

    /// <summary>What the servers of this test logged.</summary>
    private protected RecordingLogger Log { get; } = new();

    [Fact]
    public async Task Serves_many_request_reply_rounds_on_one_persistent_connection()
    {
        var server = StartServer();
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(LineReverseSession.Reply($"msg-{i}"), await client.RoundTripAsync($"msg-{i}"));
        }
    }

    [Fact]
    public async Task Answers_pipelined_requests_sent_in_one_write()
    {
        var server = StartServer();
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        var requests = Enumerable.Range(0, 100).Select(i => $"pipelined {i}").ToArray();

        await client.SendAsync(string.Concat(requests.Select(r => r + "\n")));

        foreach (var request in requests)
        {
            Assert.Equal(LineReverseSession.Reply(request), await client.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Answers_the_same_when_bytes_arrive_one_send_at_a_time()
    {
        var server = StartServer();
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        var requests = Enumerable.Range(0, 4).Select(i => $"ação € 👍 {i}").ToArray();
        var bytes = Encoding.UTF8.GetBytes(string.Concat(requests.Select(r => r + "\n")));

        // One byte per send, so multi-byte characters and line ends are split across reads.
        for (var i = 0; i < bytes.Length; i++)
        {
            await client.SendAsync(bytes.AsMemory(i, 1));
        }

        foreach (var request in requests)
        {
            Assert.Equal(LineReverseSession.Reply(request), await client.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Answers_a_line_far_longer_than_any_initial_buffer()
    {
        var server = StartServer();
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        var line = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 10}ab\u00e7"));

        Assert.Equal(LineReverseSession.Reply(line), await client.RoundTripAsync(line));
        Assert.Equal("retfa", await client.RoundTripAsync("after"));
    }

    [Fact]
    public async Task A_client_that_half_closes_gets_the_reply_to_its_unterminated_tail_then_end_of_stream()
    {
        var server = StartServer();
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("whole\ntail");
        client.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("elohw", await client.ReadLineAsync());
        Assert.Equal("liat", await client.ReadLineAsync());
        var (rest, reset) = await client.ReadUntilClosedAsync();
        Assert.Empty(rest);
        Assert.False(reset, "the server reset the connection instead of closing it");
    }

    [Fact]
    public async Task Serves_32_clients()
    {
        const int Clients = 32;
        const int Rounds = 20;
        var server = StartServer();

        async Task<int> RunClientAsync(int id)
        {
            using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
            for (var round = 0; round < Rounds; round++)
            {
                Assert.Equal(LineReverseSession.Reply($"client {id} round {round}"), await client.RoundTripAsync($"client {id} round {round}"));
            }

            return id;
        }

        int[] served;
        if (IsConcurrent)
        {
            served = await Task.WhenAll(Enumerable.Range(0, Clients).Select(RunClientAsync));
        }
        else
        {
            // One connection at a time: a client waits in the backlog until the one before has left.
            served = new int[Clients];
            for (var id = 0; id < Clients; id++)
            {
                served[id] = await RunClientAsync(id);
            }
        }

        Assert.Equal(Enumerable.Range(0, Clients), served);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_vanishing_mid_message_does_not_affect_another(bool reset)
    {
        var server = StartServer();
        TestClient? other = null;
        try
        {
            if (IsConcurrent)
            {
                other = await TestClient.ConnectAsync(server.LocalEndPoint);
                Assert.Equal("erofeb", await other.RoundTripAsync("before"));
            }

            using (var vanishing = await TestClient.ConnectAsync(server.LocalEndPoint))
            {
                Assert.Equal("eno", await vanishing.RoundTripAsync("one"));
                await vanishing.SendAsync("half a mess");
                if (reset)
                {
                    vanishing.Abort();
                }
            }

            // The sequential model serves the other client only once the vanished one is gone.
            other ??= await TestClient.ConnectAsync(server.LocalEndPoint);
            Assert.Equal("retfa", await other.RoundTripAsync("after"));
            await Eventually.TrueAsync(() => server.ActiveConnections == 1, "the vanished client's connection is released");
            Assert.Equal("niaga", await other.RoundTripAsync("again"));
            Assert.Empty(Log.Errors);
        }
        finally
        {
            other?.Dispose();
        }
    }

    [Fact]
    public async Task Clients_resetting_before_they_are_served_do_not_stop_the_server()
    {
        var server = StartServer();
        for (var i = 0; i < 10; i++)
        {
            (await TestClient.ConnectAsync(server.LocalEndPoint)).Abort();
        }

        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("llits", await client.RoundTripAsync("still"));
        await Eventually.TrueAsync(() => server.ActiveConnections == 1, "the reset connections are released");
        Assert.Empty(Log.Errors);
    }

    [Fact]
    public async Task A_session_that_throws_ends_only_its_own_connection_and_is_logged_as_an_error()
    {
        var server = StartServer();
        TestClient? other = null;
        try
        {
            if (IsConcurrent)
            {
                other = await TestClient.ConnectAsync(server.LocalEndPoint);
                Assert.Equal("erofeb", await other.RoundTripAsync("before"));
            }

            using (var failing = await TestClient.ConnectAsync(server.LocalEndPoint))
            {
                await failing.SendAsync("THROW\n");
                var (data, _) = await failing.ReadUntilClosedAsync();
                Assert.Empty(data);
            }

            other ??= await TestClient.ConnectAsync(server.LocalEndPoint);
            Assert.Equal("retfa", await other.RoundTripAsync("after"));
            await Eventually.TrueAsync(() => Log.Errors.Any(), "the failure is logged");
            Assert.Contains("the session failed on purpose", Assert.Single(Log.Errors));
        }
        finally
        {
            other?.Dispose();
        }
    }

    [Fact]
    public async Task A_session_asking_to_close_ends_the_connection_after_its_reply()
    {
        var server = StartServer();
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("QUIT\nnever answered\n");

        Assert.Equal("BYE", await client.ReadLineAsync());
        var (rest, _) = await client.ReadUntilClosedAsync();
        Assert.Empty(rest);
        await Eventually.TrueAsync(() => server.ActiveConnections == 0, "the closed connection is released");
    }

    [Fact]
    public async Task StopAsync_refuses_new_connections_at_once_and_drains_connected_ones()
    {
        var server = StartServer();
        var endPoint = server.LocalEndPoint;
        var staying = await TestClient.ConnectAsync(endPoint);
        try
        {
            Assert.Equal("olleh", await staying.RoundTripAsync("hello"));

            // A drain bound far beyond the test's own timeout: completing proves the drain, not an abort.
            var stop = server.StopAsync(TimeSpan.FromMinutes(5));

            var refused = await Assert.ThrowsAsync<SocketException>(() => TestClient.ConnectAsync(endPoint));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            Assert.Equal("dlrow", await staying.RoundTripAsync("world"));
            Assert.False(stop.IsCompleted, "StopAsync completed while a client was still connected");

            staying.Dispose();
            await stop.WaitAsync(TestClient.Timeout);
            Assert.Equal(0, server.ActiveConnections);
        }
        finally
        {
            staying.Dispose();
        }
    }

    [Fact]
    public async Task StopAsync_aborts_a_client_still_connected_after_the_drain_timeout()
    {
        var server = StartServer();
        using var staying = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("olleh", await staying.RoundTripAsync("hello"));

        var stop = server.StopAsync(TimeSpan.FromMilliseconds(50));

        var (data, _) = await staying.ReadUntilClosedAsync();
        Assert.Empty(data);
        await stop.WaitAsync(TestClient.Timeout);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Fact]
    public async Task StopAsync_aborts_at_once_when_abortNow_fires()
    {
        var server = StartServer();
        using var staying = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("olleh", await staying.RoundTripAsync("hello"));
        using var abortNow = new CancellationTokenSource();

        var stop = server.StopAsync(TimeSpan.FromMinutes(5), abortNow.Token);
        Assert.Equal("niaga", await staying.RoundTripAsync("again"));
        await abortNow.CancelAsync();

        var (data, _) = await staying.ReadUntilClosedAsync();
        Assert.Empty(data);
        await stop.WaitAsync(TestClient.Timeout);
    }

    [Fact]
    public async Task Dispose_ends_connected_clients_and_returns()
    {
        var server = ServerFactory.Create(Model, new LineReverseSessions(), Log);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        try
        {
            server.Start();
            Assert.Equal("olleh", await client.RoundTripAsync("hello"));
        }
        finally
        {
            // Off the test's thread, so a Dispose that hangs fails the test instead of the run.
            await Task.Run(server.Dispose).WaitAsync(TestClient.Timeout);
        }

        var (data, _) = await client.ReadUntilClosedAsync();
        Assert.Empty(data);
    }

    [Fact]
    public async Task StopAsync_called_twice_waits_for_the_same_stop()
    {
        var server = StartServer();

        var first = server.StopAsync(TimeSpan.FromSeconds(1));
        var second = server.StopAsync(TimeSpan.FromSeconds(1));

        Assert.Same(first, second);
        await first.WaitAsync(TestClient.Timeout);
    }

    [Fact]
    public async Task Start_throws_when_already_started_or_after_StopAsync()
    {
        var server = StartServer();
        Assert.Throws<InvalidOperationException>(server.Start);

        await server.StopAsync(TimeSpan.FromSeconds(1)).WaitAsync(TestClient.Timeout);

        // ObjectDisposedException is an InvalidOperationException: either says "this server is done".
        Assert.ThrowsAny<InvalidOperationException>(server.Start);
    }

    [Fact]
    public async Task An_endpoint_in_use_cannot_be_bound_again_even_with_reuse_address()
    {
        var first = StartServer();

        var e = Assert.Throws<SocketException>(() => ServerFactory.Create(Model, new LineReverseSessions(), endPoint: first.LocalEndPoint, allowReuseAddress: true));

        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        using var client = await TestClient.ConnectAsync(first.LocalEndPoint);
        Assert.Equal("llits", await client.RoundTripAsync("still"));
    }

    [Fact]
    public async Task Dispose_or_stop_right_after_Start_is_safe()
    {
        // Races the server's own thread(s) starting against the stop: nothing may throw, hang or crash.
        // Enough rounds to hit the window in most runs; a pool server starts and joins four workers, so fewer.
        var rounds = Model == ServerModel.Pool ? 20 : 200;
        for (var i = 0; i < rounds; i++)
        {
            using (var server = ServerFactory.Create(Model, new LineReverseSessions(), Log))
            {
                server.Start();
            }

            using (var server = ServerFactory.Create(Model, new LineReverseSessions(), Log))
            {
                server.Start();
                await server.StopAsync(TimeSpan.FromSeconds(1)).WaitAsync(TestClient.Timeout);
            }
        }

        Assert.Empty(Log.Errors);
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Creates a started server of this model, owned (and disposed) by the test.</summary>
    private protected IServer StartServer(int maxConnections = int.MaxValue, ReadOnlyMemory<byte> rejectionReply = default)
    {
        var server = ServerFactory.Create(Model, new LineReverseSessions(), Log, maxConnections, rejectionReply);
        _servers.Add(server);
        server.Start();
        return server;
    }
}
