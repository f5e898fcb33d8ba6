using System.Net;
using System.Net.Sockets;
using SharedList.Bench.Load;
using SharedList.Hosting;
using SharedList.Tests.Models;
using SocketServer;

namespace SharedList.Bench.Tests;

/// <summary>The load engines against a real server of each kind, in process, on loopback, for half a second.</summary>
public sealed class LoadEngineTests
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(0.2);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(0.5);

    public static TheoryData<ServerModel, LoadEngineKind> ModelsAndEngines => new()
    {
        { ServerModel.Async, LoadEngineKind.Epoll },
        { ServerModel.Async, LoadEngineKind.Async },
        { ServerModel.Select, LoadEngineKind.Epoll },
        { ServerModel.Epoll, LoadEngineKind.Epoll },
        { ServerModel.Threading, LoadEngineKind.Async },
    };

    [Theory]
    [MemberData(nameof(ModelsAndEngines))]
    public async Task Every_ack_is_counted_once_and_matches_the_items_stored(ServerModel model, LoadEngineKind engine)
    {
        await using var server = new ModelServer(model);
        var options = new LoadOptions { EndPoint = server.EndPoint, Connections = 4, Pipeline = 4, Engine = engine, Threads = 2 };

        var result = await LoadRunner.RunAsync(options, Warmup, Duration);

        Assert.Equal(0, result.Stats.Errors);
        Assert.True(result.Stats.Measured > 0, "no reply in the measured window");
        Assert.Equal(server.List.Count, result.Stats.Appended);
        Assert.Equal(result.Stats.Measured, result.Stats.Latency.Count);
        Assert.True(result.Throughput > 0);
    }

    [Fact]
    public async Task A_mix_of_appends_and_lists_gets_both_kinds_of_reply_and_no_error()
    {
        await using var server = new ModelServer(ServerModel.Async);
        var options = new LoadOptions { EndPoint = server.EndPoint, Connections = 3, Pipeline = 2, Mix = new RequestMix(80, 20), PayloadBytes = 100 };

        var result = await LoadRunner.RunAsync(options, Warmup, Duration);

        Assert.Equal(0, result.Stats.Errors);
        Assert.True(result.Stats.Listed > 0);
        Assert.Equal(server.List.Count, result.Stats.Appended);
    }

    [Fact]
    public async Task Error_replies_count_as_unexpected_and_are_not_appends()
    {
        await using var server = new ModelServer(new ServerSettings { MaxItems = 10 });
        var options = new LoadOptions { EndPoint = server.EndPoint, Connections = 2, Pipeline = 2 };

        var result = await LoadRunner.RunAsync(options, TimeSpan.Zero, TimeSpan.FromSeconds(0.2));

        Assert.Equal(10, result.Stats.Appended);
        Assert.True(result.Stats.Unexpected > 0);
        Assert.Equal(result.Stats.Unexpected, result.Stats.Errors);
        Assert.True(result.Stats.MeasuredErrors > 0);
    }

    [Theory]
    [InlineData(LoadEngineKind.Epoll)]
    [InlineData(LoadEngineKind.Async)]
    public async Task Requests_a_server_never_answers_count_as_unanswered_once_the_drain_gives_up(LoadEngineKind engine)
    {
        // Connections complete in the kernel's backlog, but nothing ever reads them.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(16);
        var options = new LoadOptions
        {
            EndPoint = silent.LocalEndPoint!, Connections = 3, Pipeline = 5, Engine = engine,
            DrainTimeout = TimeSpan.FromSeconds(0.2), RampUpTimeout = TimeSpan.FromSeconds(0.2),
        };

        var result = await LoadRunner.RunAsync(options, TimeSpan.Zero, TimeSpan.FromSeconds(0.1));

        Assert.InRange(result.RampUpSeconds, 0.2, 10);
        Assert.Equal(0, result.Stats.Measured);
        Assert.Equal(15, result.Stats.Unanswered);
        Assert.Equal(15, result.Stats.Errors);
    }

    [Theory]
    [InlineData(LoadEngineKind.Epoll)]
    [InlineData(LoadEngineKind.Async)]
    public async Task The_warm_up_starts_once_every_connection_has_its_first_reply_so_a_late_one_is_not_measured(LoadEngineKind engine)
    {
        var lateBy = TimeSpan.FromSeconds(0.5);
        using var server = new AckServer(startLastConnectionAfter: lateBy, connections: 3);
        var options = new LoadOptions { EndPoint = server.EndPoint, Connections = 3, Pipeline = 1, Engine = engine };

        var result = await LoadRunner.RunAsync(options, TimeSpan.Zero, TimeSpan.FromSeconds(0.2));

        Assert.Equal(0, result.Stats.Errors);
        Assert.True(result.Stats.Measured > 0, "no reply in the measured window");
        Assert.InRange(result.RampUpSeconds, lateBy.TotalSeconds * 0.9, 10);
        Assert.True(result.Stats.Latency.Max < lateBy.TotalMilliseconds * 1e6, $"max latency {result.Stats.Latency.Max / 1e6} ms includes the late start");
    }

    // Answers every line with "Ack"; the last of the expected connections only after a delay, as a thread-per-
    // connection server does when its thread is slow to start.
    private sealed class AckServer : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly List<Socket> _accepted = [];

        public AckServer(TimeSpan startLastConnectionAfter, int connections)
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(connections);
            _ = Task.Run(async () =>
            {
                for (var i = 0; i < connections; i++)
                {
                    var socket = await AcceptAsync();
                    var delay = i == connections - 1 ? startLastConnectionAfter : TimeSpan.Zero;
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(delay);
                        Answer(socket);
                    });
                }
            });
        }

        public EndPoint EndPoint => _listener.LocalEndPoint!;

        public void Dispose()
        {
            _listener.Dispose();
            lock (_accepted)
            {
                foreach (var socket in _accepted)
                {
                    socket.Dispose();
                }
            }
        }

        private async Task<Socket> AcceptAsync()
        {
            var socket = await _listener.AcceptAsync();
            lock (_accepted)
            {
                _accepted.Add(socket);
            }

            return socket;
        }

        private static void Answer(Socket socket)
        {
            var buffer = new byte[4096];
            var acks = new byte[4 * buffer.Length];
            try
            {
                int received;
                while ((received = socket.Receive(buffer)) > 0)
                {
                    var lines = buffer.AsSpan(0, received).Count((byte)'\n');
                    for (var i = 0; i < lines; i++)
                    {
                        "Ack\n"u8.CopyTo(acks.AsSpan(4 * i));
                    }

                    socket.Send(acks.AsSpan(0, 4 * lines));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The test is over and closed the connection.
            }
        }
    }
}
