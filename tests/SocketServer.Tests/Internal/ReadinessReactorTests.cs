using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using SocketServer.Internal;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Internal;

public sealed class ReadinessReactorTests : IAsyncDisposable
{
    private readonly ReadinessReactor _reactor = new("test-epoll", NullLogger.Instance);
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _sockets = [];

    public ReadinessReactorTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
    }

    public ValueTask DisposeAsync()
    {
        // xunit.v3 may dispose on the thread that ended the test's last await: the reactor's own, which Dispose allows.
        _reactor.Dispose();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Each_connection_is_woken_by_its_own_bytes_as_slots_grow_and_are_reused()
    {
        // More than the first slot table holds, so it grows; then half are forgotten and their slots taken again.
        const int Count = 150;
        var pairs = new List<(Socket Client, ReadinessWaiter Waiter)>();
        for (var i = 0; i < Count; i++)
        {
            pairs.Add(await WatchNewConnectionAsync());
        }

        for (var i = 0; i < Count; i += 2)
        {
            pairs[i].Waiter.Dispose();
            pairs[i] = await WatchNewConnectionAsync();
        }

        var waits = pairs.Select(pair => pair.Waiter.WaitAsync().AsTask()).ToArray();
        Assert.All(waits, wait => Assert.False(wait.IsCompleted));

        // Every other connection gets bytes: exactly those waits end.
        for (var i = 0; i < Count; i += 2)
        {
            await pairs[i].Client.SendAsync(new byte[] { (byte)'x' });
        }

        await Task.WhenAll(waits.Where((_, i) => i % 2 == 0)).WaitAsync(TestClient.Timeout);
        Assert.All(waits.Where((_, i) => i % 2 == 1), wait => Assert.False(wait.IsCompleted));

        for (var i = 1; i < Count; i += 2)
        {
            await pairs[i].Client.SendAsync(new byte[] { (byte)'y' });
        }

        await Task.WhenAll(waits).WaitAsync(TestClient.Timeout);
    }

    [Fact]
    public async Task A_forgotten_connection_is_not_woken()
    {
        var (client, waiter) = await WatchNewConnectionAsync();
        var (otherClient, otherWaiter) = await WatchNewConnectionAsync();
        var wait = waiter.WaitAsync().AsTask();
        waiter.Dispose();

        // The reactor goes on serving the others meanwhile; by the time it has woken one, it has seen the bytes too.
        await client.SendAsync(new byte[] { (byte)'x' });
        var otherWait = otherWaiter.WaitAsync().AsTask();
        await otherClient.SendAsync(new byte[] { (byte)'y' });
        await otherWait.WaitAsync(TestClient.Timeout);
        Assert.False(wait.IsCompleted);
    }

    [Fact]
    public async Task Bytes_that_arrive_before_the_wait_complete_it_at_once()
    {
        var (client, waiter) = await WatchNewConnectionAsync();

        // Edge-triggered: the reactor sees these bytes once, while nobody waits; the next wait must not miss them.
        await client.SendAsync("early\n"u8.ToArray());
        await Eventually.TrueAsync(() => waiter.EdgePending, "the reactor saw the bytes arrive");
        var wait = waiter.WaitAsync();

        Assert.True(wait.IsCompleted);
        await wait;
    }

    [Fact]
    public async Task Bytes_sent_before_the_socket_is_watched_end_its_first_wait()
    {
        // A connection is watched without a receive being tried first: its first edge comes from the registration
        // itself when the bytes are already there.
        var (client, server) = await ConnectAsync();
        await client.SendAsync("first\n"u8.ToArray());
        await Eventually.TrueAsync(() => server.Available > 0, "the bytes reached the server's socket");

        var waiter = _reactor.Watch(server);

        await waiter.WaitAsync().AsTask().WaitAsync(TestClient.Timeout);
    }

    [Fact]
    public async Task A_new_connection_with_nothing_sent_waits_until_bytes_come()
    {
        var (client, waiter) = await WatchNewConnectionAsync();
        var wait = waiter.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);

        await client.SendAsync("late\n"u8.ToArray());

        await wait.WaitAsync(TestClient.Timeout);
    }

    [Fact]
    public async Task Stopping_the_reactor_ends_a_connection_still_waiting()
    {
        var reactor = new ReadinessReactor("test-epoll-stopped", NullLogger.Instance);
        var (client, server) = await ConnectAsync();
        var waiter = reactor.Watch(server);
        var wait = waiter.WaitAsync();
        Assert.False(wait.IsCompleted);

        reactor.Dispose();

        await Assert.ThrowsAsync<SocketException>(() => wait.AsTask().WaitAsync(TestClient.Timeout));

        // A wait begun afterwards does not wait for a signal that cannot come, and nothing new is registered on an
        // epoll descriptor that is closed, whose number may be reused.
        await Assert.ThrowsAsync<SocketException>(() => waiter.WaitAsync().AsTask().WaitAsync(TestClient.Timeout));
        Assert.Throws<ObjectDisposedException>(() => reactor.Watch(client));
    }

    [Fact]
    public async Task The_reactor_may_be_disposed_by_a_continuation_running_on_its_own_thread()
    {
        var reactor = new ReadinessReactor("test-epoll-self", NullLogger.Instance);
        var (client, server) = await ConnectAsync();
        var waiter = reactor.Watch(server);
        var wait = waiter.WaitAsync();
        Assert.False(wait.IsCompleted);
        var disposedOn = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiter.OnCompleted(
            _ =>
            {
                reactor.Dispose();
                disposedOn.SetResult(Thread.CurrentThread.Name);
            },
            state: this);

        await client.SendAsync("x"u8.ToArray());

        Assert.Equal("test-epoll-self", await disposedOn.Task.WaitAsync(TestClient.Timeout));
        await Eventually.TrueAsync(() => WatchRefused(reactor, client), "the reactor closed its epoll instance as its thread ended");
    }

    private static bool WatchRefused(ReadinessReactor reactor, Socket socket)
    {
        try
        {
            reactor.Watch(socket).Dispose();
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private async Task<(Socket Client, ReadinessWaiter Waiter)> WatchNewConnectionAsync()
    {
        var (client, accepted) = await ConnectAsync();
        return (client, _reactor.Watch(accepted));
    }

    private async Task<(Socket Client, Socket Server)> ConnectAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(client);
        await client.ConnectAsync(_listener.LocalEndPoint!);
        var accepted = await _listener.AcceptAsync();
        _sockets.Add(accepted);
        return (client, accepted);
    }
}
