using System.Net;
using System.Net.Sockets;
using System.Text;
using SocketServer.EventDriven;
using SocketServer.Selectors;
using SocketServer.Sessions;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>
/// The event-driven bases extended from another assembly: a model of one's own gets the connection limit, tracking
/// and the stop from <see cref="StreamServer"/>, and a loop over one's own selector from <see cref="EventLoopServer"/>.
/// </summary>
public sealed class ModelOfYourOwnTests
{
    [Fact]
    public async Task A_StreamServer_subclass_admits_within_the_limit_and_drains_on_StopAsync()
    {
        using var server = new GreetingServer(ServerFactory.AnyLoopbackPort, new ServerOptions { MaxConnections = 1, RejectionReply = "busy\n"u8.ToArray() });
        server.Start();

        using var first = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("hello", await first.ReadLineAsync());
        await Eventually.TrueAsync(() => server.ActiveConnections == 1, "the first connection is tracked");

        using (var second = await TestClient.ConnectAsync(server.LocalEndPoint))
        {
            var (refused, _) = await second.ReadUntilClosedAsync();
            Assert.Equal("busy\n", Encoding.UTF8.GetString(refused));
        }

        var stop = server.StopAsync(TimeSpan.FromMinutes(1));
        Assert.False(stop.IsCompleted, "the stop waits for the connected client");
        first.Dispose();
        await stop.WaitAsync(TestClient.Timeout);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Fact]
    public async Task An_EventLoopServer_subclass_runs_the_loop_over_a_selector_it_chose()
    {
        using var server = new CountingSelectServer(ServerFactory.AnyLoopbackPort);
        server.Start();

        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("olleh", await client.RoundTripAsync("hello"));
        Assert.True(server.Selector.Waits > 0);
    }

    // One task per connection, greeting and waiting for the client to close.
    private sealed class GreetingServer(EndPoint endPoint, ServerOptions options) : StreamServer(endPoint, new LineReverseSessions(), options, logger: null)
    {
        private readonly List<Task> _connections = [];
        private Task _accepting = Task.CompletedTask;

        protected override void OnStart() => _accepting = Task.Run(AcceptAsync);

        protected override void StopAccepting() => ListenSocket.Dispose();

        protected override async Task WhenServingEndedAsync()
        {
            await _accepting;
            Task[] connections;
            lock (_connections)
            {
                connections = [.. _connections];
            }

            await Task.WhenAll(connections);
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket accepted;
                try
                {
                    accepted = await ListenSocket.AcceptAsync();
                }
                catch (Exception e) when (e is ObjectDisposedException or SocketException)
                {
                    return;
                }

                if (AdmitConnection(accepted) is { } context)
                {
                    lock (_connections)
                    {
                        _connections.Add(ServeAsync(accepted, context));
                    }
                }
            }
        }

        private async Task ServeAsync(Socket connection, ConnectionContext context)
        {
            try
            {
                await connection.SendAsync("hello\n"u8.ToArray());
                var scratch = new byte[64];
                while (await connection.ReceiveAsync(scratch) > 0)
                {
                }
            }
            catch (SocketException)
            {
            }
            finally
            {
                ReleaseConnection(connection, context.RemoteEndPoint);
            }
        }
    }

    private sealed class CountingSelectServer : EventLoopServer
    {
        public CountingSelectServer(EndPoint endPoint)
            : this(endPoint, new CountingSelector())
        {
        }

        private CountingSelectServer(EndPoint endPoint, CountingSelector selector)
            : base(endPoint, new LineReverseSessions(), options: null, logger: null, selector, "counting-loop") => Selector = selector;

        public CountingSelector Selector { get; }
    }

    private sealed class CountingSelector : Selector
    {
        private readonly SocketSelector _inner = new();
        private int _waits;

        public int Waits => Volatile.Read(ref _waits);

        public override void Register(Socket socket, SelectorEvents interest, ulong token) => _inner.Register(socket, interest, token);

        public override void Modify(Socket socket, SelectorEvents interest, ulong token) => _inner.Modify(socket, interest, token);

        public override void Unregister(Socket socket) => _inner.Unregister(socket);

        public override int Select(Span<SelectorEvent> ready, TimeSpan? timeout)
        {
            Interlocked.Increment(ref _waits);
            return _inner.Select(ready, timeout);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
