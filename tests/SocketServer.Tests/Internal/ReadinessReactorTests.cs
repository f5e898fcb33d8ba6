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

    public async ValueTask DisposeAsync()
    {
        // xunit.v3 disposes on the thread that ended the test's last await, here the reactor's own, which
        // Dispose joins: leave it first.
        await Task.Yield();
        _reactor.Dispose();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _listener.Dispose();
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

    private async Task<(Socket Client, ReadinessWaiter Waiter)> WatchNewConnectionAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(client);
        await client.ConnectAsync(_listener.LocalEndPoint!);
        var accepted = await _listener.AcceptAsync();
        _sockets.Add(accepted);
        return (client, _reactor.Watch(accepted));
    }
}
