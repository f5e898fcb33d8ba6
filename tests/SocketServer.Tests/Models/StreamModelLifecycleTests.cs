using System.Net.Sockets;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>
/// A stream server's lifetime on every model: start once, stop (refuse, drain, then abort after the bound or at
/// once), dispose; each safe to call early, late or twice. A class of its own so it runs beside
/// <see cref="StreamModelTests"/>: the start/stop race alone takes seconds.
/// </summary>
public sealed class StreamModelLifecycleTests : IDisposable
{
    private readonly TestServers _servers = new();

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task StopAsync_refuses_new_connections_at_once_and_drains_connected_ones(ServerModel model)
    {
        var server = _servers.Start(model);
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

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task StopAsync_aborts_a_client_still_connected_after_the_drain_timeout(ServerModel model)
    {
        var server = _servers.Start(model);
        using var staying = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("olleh", await staying.RoundTripAsync("hello"));

        var stop = server.StopAsync(TimeSpan.FromMilliseconds(50));

        var (data, _) = await staying.ReadUntilClosedAsync();
        Assert.Empty(data);
        await stop.WaitAsync(TestClient.Timeout);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task StopAsync_aborts_at_once_when_abortNow_fires(ServerModel model)
    {
        var server = _servers.Start(model);
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

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public Task Abort_ends_connected_clients_and_returns(ServerModel model) => AssertEndsTheConnectedClientAsync(model, server =>
    {
        server.Abort();
        server.Dispose();
    });

    [Theory]
    [InlineData(ServerModel.Select)]
    [InlineData(ServerModel.Async)]
    [InlineData(ServerModel.Epoll)]
    public Task Dispose_of_an_event_driven_server_ends_connected_clients(ServerModel model)
    {
        Assert.SkipUnless(model.IsSupportedHere(), $"{model.Name()} does not run here");
        return AssertEndsTheConnectedClientAsync(model, server => server.Dispose());
    }

    [Theory]
    [InlineData(ServerModel.Sequential)]
    [InlineData(ServerModel.Threading)]
    [InlineData(ServerModel.Pool)]
    public async Task Dispose_of_a_thread_model_server_closes_the_listener_and_serves_its_clients_until_they_leave_as_Pythons_exit_does(ServerModel model)
    {
        var server = ServerFactory.Create(model, new LineReverseSessions(), _servers.Log);
        var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        Task disposed;
        try
        {
            server.Start();
            Assert.Equal("olleh", await client.RoundTripAsync("hello"));
            disposed = Task.Run(server.Dispose);
            await Eventually.TrueAsync(() => !CanConnect(server.LocalEndPoint), "the listener is closed");

            Assert.Equal("llits", await client.RoundTripAsync("still"));
            Assert.False(disposed.IsCompleted, "Dispose returned while a client was still connected");
        }
        catch
        {
            server.Abort();
            throw;
        }
        finally
        {
            client.Dispose();
        }

        await disposed.WaitAsync(TestClient.Timeout);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task StopAsync_called_twice_waits_for_the_same_stop(ServerModel model)
    {
        var server = _servers.Start(model);

        var first = server.StopAsync(TimeSpan.FromSeconds(1));
        var second = server.StopAsync(TimeSpan.FromSeconds(1));

        Assert.Same(first, second);
        await first.WaitAsync(TestClient.Timeout);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Start_throws_when_already_started_or_after_StopAsync(ServerModel model)
    {
        var server = _servers.Start(model);
        Assert.Throws<InvalidOperationException>(server.Start);

        await server.StopAsync(TimeSpan.FromSeconds(1)).WaitAsync(TestClient.Timeout);

        // ObjectDisposedException is an InvalidOperationException: either says "this server is done".
        Assert.ThrowsAny<InvalidOperationException>(server.Start);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task With_reuse_port_two_servers_listen_on_one_port_and_both_take_clients(ServerModel model)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "SO_REUSEPORT is set on Linux only");
        var first = _servers.Start(model, allowReusePort: true);
        using var second = ServerFactory.Create(model, new LineReverseSessions(), endPoint: first.LocalEndPoint, allowReusePort: true);
        second.Start();
        Assert.Equal(first.LocalEndPoint, second.LocalEndPoint);

        // The kernel spreads connections by a hash of each one's address: with either stopped, the other takes them all.
        await first.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(TestClient.Timeout);
        using var client = await TestClient.ConnectAsync(second.LocalEndPoint);
        Assert.Equal("dnoces", await client.RoundTripAsync("second"));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public void Without_reuse_port_on_both_a_second_server_cannot_share_the_port(ServerModel model)
    {
        var first = _servers.Start(model, allowReusePort: false);

        var e = Assert.Throws<SocketException>(() => ServerFactory.Create(model, new LineReverseSessions(), endPoint: first.LocalEndPoint, allowReusePort: true));

        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task An_endpoint_in_use_cannot_be_bound_again_even_with_reuse_address(ServerModel model)
    {
        var first = _servers.Start(model);

        var e = Assert.Throws<SocketException>(() => ServerFactory.Create(model, new LineReverseSessions(), endPoint: first.LocalEndPoint, allowReuseAddress: true));

        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        using var client = await TestClient.ConnectAsync(first.LocalEndPoint);
        Assert.Equal("llits", await client.RoundTripAsync("still"));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Dispose_or_stop_right_after_Start_is_safe(ServerModel model)
    {
        // Races the server's own thread(s) starting against the stop: nothing may throw, hang or crash.
        // Enough rounds to hit the window in most runs; a pool server starts and joins four workers, so fewer.
        var rounds = model == ServerModel.Pool ? 20 : 200;
        for (var i = 0; i < rounds; i++)
        {
            using (var server = ServerFactory.Create(model, new LineReverseSessions(), _servers.Log))
            {
                server.Start();
            }

            using (var server = ServerFactory.Create(model, new LineReverseSessions(), _servers.Log))
            {
                server.Start();
                await server.StopAsync(TimeSpan.FromSeconds(1)).WaitAsync(TestClient.Timeout);
            }
        }

        Assert.Empty(_servers.Log.Errors);
    }

    public void Dispose() => _servers.Dispose();

    private async Task AssertEndsTheConnectedClientAsync(ServerModel model, Action<IServer> end)
    {
        var server = ServerFactory.Create(model, new LineReverseSessions(), _servers.Log);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        try
        {
            server.Start();
            Assert.Equal("olleh", await client.RoundTripAsync("hello"));
        }
        finally
        {
            // Off the test's thread, so an end that hangs fails the test instead of the run.
            await Task.Run(() => end(server)).WaitAsync(TestClient.Timeout);
        }

        var (data, _) = await client.ReadUntilClosedAsync();
        Assert.Empty(data);
    }

    private static bool CanConnect(System.Net.EndPoint endPoint)
    {
        using var probe = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Connect(endPoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
