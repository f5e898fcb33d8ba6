using System.Net;
using System.Net.Sockets;
using SocketServer.Internal;
using SocketServer.Sessions;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Internal;

public sealed class DeadlineSweeperTests
{
    private static readonly ConnectionTimeouts ShortIdle = new(TimeSpan.FromMilliseconds(100), TimeSpan.Zero);

    [Fact]
    public async Task A_connection_past_its_deadline_is_shut_down_and_one_no_longer_watched_is_left_alone()
    {
        using var pairs = await TwoConnections.OpenAsync();
        using var sweeper = new DeadlineSweeper();
        using var expiring = sweeper.Watch(ShortIdle, pairs.FirstServer);
        var kept = sweeper.Watch(ShortIdle, pairs.SecondServer);
        kept.Dispose();

        await Eventually.TrueAsync(() => expiring.Expired, "the idle connection expired");

        // Shut down both ways: the client reads end of stream.
        var buffer = new byte[1];
        var read = await pairs.FirstClient.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestClient.Timeout);
        Assert.Equal(0, read);
        Assert.False(kept.Expired);
        Assert.Equal(1, await pairs.SecondServer.SendAsync(new byte[] { 42 }));
    }

    [Fact]
    public async Task A_connection_that_keeps_its_deadline_ahead_is_not_expired()
    {
        using var pairs = await TwoConnections.OpenAsync();
        using var sweeper = new DeadlineSweeper();

        // An idle bound of an hour against a witness of 100 ms: by the time the witness expires, sweeps have
        // looked at the long-lived one too.
        using var alive = sweeper.Watch(new ConnectionTimeouts(TimeSpan.FromHours(1), TimeSpan.Zero), pairs.FirstServer);
        using var witness = sweeper.Watch(ShortIdle, pairs.SecondServer);

        await Eventually.TrueAsync(() => witness.Expired, "the witness expired");

        Assert.False(alive.Expired);
    }

    [Fact]
    public async Task A_disposed_sweeper_stops_sweeping_and_may_be_disposed_again()
    {
        using var pairs = await TwoConnections.OpenAsync();
        using var live = new DeadlineSweeper();
        var stopped = new DeadlineSweeper();
        using var unswept = stopped.Watch(ShortIdle, pairs.FirstServer);
        stopped.Dispose();
        stopped.Dispose();

        // The witness's bound is three times the other's, on a sweeper that still runs: once it has expired, the
        // first connection would have been expired long before had its sweeper gone on.
        using var witness = live.Watch(new ConnectionTimeouts(TimeSpan.FromMilliseconds(300), TimeSpan.Zero), pairs.SecondServer);
        await Eventually.TrueAsync(() => witness.Expired, "the witness expired");

        Assert.False(unswept.Expired);
        Assert.Equal(1, await pairs.FirstServer.SendAsync(new byte[] { 42 }));
    }

    /// <summary>Two loopback connections, each seen from its client and its server end.</summary>
    private sealed class TwoConnections : IDisposable
    {
        private readonly Socket[] _sockets;

        private TwoConnections(Socket[] sockets) => _sockets = sockets;

        public Socket FirstClient => _sockets[0];

        public Socket FirstServer => _sockets[1];

        public Socket SecondServer => _sockets[3];

        public static async Task<TwoConnections> OpenAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            var sockets = new List<Socket>();
            try
            {
                for (var i = 0; i < 2; i++)
                {
                    var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    sockets.Add(client);
                    await client.ConnectAsync(listener.LocalEndPoint!);
                    sockets.Add(await listener.AcceptAsync());
                }
            }
            catch
            {
                sockets.ForEach(socket => socket.Dispose());
                throw;
            }

            return new TwoConnections([.. sockets]);
        }

        public void Dispose()
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }
}
