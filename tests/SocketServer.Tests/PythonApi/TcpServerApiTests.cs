using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.PythonApi;

/// <summary>The slides' socketserver API on <see cref="TcpServer"/>, hook by hook.</summary>
public sealed class TcpServerApiTests
{
    private static readonly IPEndPoint Loopback = ServerFactory.AnyLoopbackPort;

    [Fact]
    public async Task Runs_Setup_then_Handle_then_Finish_with_the_request_client_and_server()
    {
        var calls = new ConcurrentQueue<string>();
        var seen = new TaskCompletionSource<(Socket Request, EndPoint Client, IServer Server)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new TcpServer(Loopback, () => new ReportingHandler(calls.Enqueue, seen));
        server.Start();

        using (var client = await TestClient.ConnectAsync(server.ServerAddress))
        {
            Assert.Equal("olleh", await client.RoundTripAsync("hello"));
            var (request, clientAddress, owner) = await seen.Task.WaitAsync(TestClient.Timeout);
            Assert.Same(server, owner);
            Assert.Equal(client.Socket.LocalEndPoint, clientAddress);
            Assert.Equal(client.Socket.LocalEndPoint, request.RemoteEndPoint);
        }

        await Eventually.TrueAsync(() => calls.Count == 3, "Finish has run");
        Assert.Equal(["Setup", "Handle", "Finish"], calls);
    }

    [Fact]
    public async Task Finish_runs_when_Handle_throws_and_HandleError_is_called_and_the_next_client_is_served()
    {
        var calls = new ConcurrentQueue<string>();
        using var server = new ObservedTcpServer(Loopback, () => new ThrowingHandler(calls.Enqueue));
        server.Start();

        using (var failing = await TestClient.ConnectAsync(server.ServerAddress))
        {
            await failing.SendAsync("boom\n");
            var (data, _) = await failing.ReadUntilClosedAsync();
            Assert.Empty(data);

            // HandleError runs before the connection is closed, so it has been called by now.
            var (clientAddress, error) = Assert.Single(server.Errors);
            Assert.Equal("boom", Assert.IsType<InvalidOperationException>(error).Message);
            Assert.Equal(failing.Socket.LocalEndPoint, clientAddress);
            Assert.Equal(["Setup", "Handle", "Finish"], calls);
        }

        using var next = await TestClient.ConnectAsync(server.ServerAddress);
        Assert.Equal("tsuj enif", await next.RoundTripAsync("fine just"));
        Assert.Single(server.Errors);
    }

    [Fact]
    public async Task Shutdown_stops_ServeForever_at_once_whatever_the_poll_interval()
    {
        using var server = new ObservedTcpServer(Loopback, () => new LineHandler());
        var loop = new Thread(() => server.ServeForever(TimeSpan.FromSeconds(30))) { IsBackground = true, Name = "test serve-forever" };
        loop.Start();

        // One request served proves the loop runs; ServiceActions after it means it is going back to wait 30 s.
        using (var client = await TestClient.ConnectAsync(server.ServerAddress))
        {
            Assert.Equal("ih", await client.RoundTripAsync("hi"));
        }

        await Eventually.TrueAsync(() => server.ServiceActionsRuns >= 1, "the loop has finished an iteration");

        var clock = Stopwatch.StartNew();
        await Task.Run(server.Shutdown).WaitAsync(TestClient.Timeout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Shutdown took {clock.Elapsed}: it waited for the poll interval");
        Assert.True(loop.Join(TestClient.Timeout), "ServeForever did not return after Shutdown");
    }

    [Fact]
    public async Task Shutdown_called_from_the_loops_own_thread_throws()
    {
        // A sequential server runs the handler on the loop's thread: Shutdown there would wait for itself.
        using var server = new TcpServer(Loopback, () => new ShutdownCallingHandler());
        server.Start();
        using var client = await TestClient.ConnectAsync(server.ServerAddress);

        Assert.Equal(nameof(InvalidOperationException), await client.RoundTripAsync("shut down, please"));
        Assert.Equal("ti tuoba yrros", await client.RoundTripAsync("sorry about it"));
    }

    [Fact]
    public async Task HandleRequest_calls_HandleTimeout_when_no_request_comes_within_Timeout()
    {
        using var server = new ObservedTcpServer(Loopback, () => new LineHandler()) { Timeout = TimeSpan.FromMilliseconds(20) };

        await Task.Run(server.HandleRequest).WaitAsync(TestClient.Timeout);
        Assert.Equal(1, server.Timeouts);

        // With a request waiting, HandleRequest handles it instead.
        using var client = await TestClient.ConnectAsync(server.ServerAddress);
        await client.SendAsync("one\n");
        client.Socket.Shutdown(SocketShutdown.Send);
        await Task.Run(server.HandleRequest).WaitAsync(TestClient.Timeout);
        Assert.Equal("eno", await client.ReadLineAsync());
        Assert.Equal(1, server.Timeouts);
    }

    [Fact]
    public async Task VerifyRequest_returning_false_closes_the_client_without_a_handler()
    {
        var handlers = 0;
        using var server = new ObservedTcpServer(Loopback, () =>
        {
            Interlocked.Increment(ref handlers);
            return new LineHandler();
        })
        {
            Refuse = true,
        };
        server.Start();

        using var client = await TestClient.ConnectAsync(server.ServerAddress);
        await client.SendAsync("anyone?\n");
        var (data, _) = await client.ReadUntilClosedAsync();

        Assert.Empty(data);
        Assert.Equal(client.Socket.LocalEndPoint, Assert.Single(server.Verified));
        Assert.Equal(0, Volatile.Read(ref handlers));
        await Eventually.TrueAsync(() => server.ActiveConnections == 0, "the refused connection is released");
    }

    [Fact]
    public async Task Without_bindAndActivate_the_options_are_set_before_ServerBind_and_ServerActivate()
    {
        using var server = new TcpServer(Loopback, () => new LineHandler(), bindAndActivate: false)
        {
            AllowReuseAddress = true,
            RequestQueueSize = 1,
        };
        Assert.False(server.Socket.IsBound);
        Assert.Equal(0, ((IPEndPoint)server.ServerAddress).Port);

        server.ServerBind();

        Assert.True(server.Socket.IsBound);
        Assert.NotEqual(0, ((IPEndPoint)server.ServerAddress).Port);
        if (OperatingSystem.IsLinux())
        {
            // Python's allow_reuse_address is SO_REUSEADDR alone; SO_REUSEPORT would let a second server share the port.
            Assert.Equal(1, RawSocketOption(server.Socket, name: 2));
            Assert.Equal(0, RawSocketOption(server.Socket, name: 15));
        }

        server.ServerActivate();
        server.Start();
        using var client = await TestClient.ConnectAsync(server.ServerAddress);
        Assert.Equal("evil", await client.RoundTripAsync("live"));
    }

    [Fact]
    public async Task Binding_a_port_in_use_throws_from_the_constructor()
    {
        using var first = new TcpServer(Loopback, () => new LineHandler());

        var e = Assert.Throws<SocketException>(() => new TcpServer(first.ServerAddress, () => new LineHandler()));

        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        first.Start();
        using var client = await TestClient.ConnectAsync(first.ServerAddress);
        Assert.Equal("tsrif", await client.RoundTripAsync("first"));
    }

    /// <summary>Reads an int SOL_SOCKET option (Linux numbering).</summary>
    private static int RawSocketOption(Socket socket, int name)
    {
        var value = new byte[sizeof(int)];
        socket.GetRawSocketOption(optionLevel: 1, name, value);
        return BitConverter.ToInt32(value);
    }

    private sealed class ReportingHandler(Action<string> calls, TaskCompletionSource<(Socket, EndPoint, IServer)> seen) : LineHandler(calls)
    {
        public override void Setup()
        {
            seen.TrySetResult((Request, ClientAddress, Server));
            base.Setup();
        }
    }

    private sealed class ThrowingHandler(Action<string> calls) : LineHandler(calls)
    {
        protected override string Answer(string line) => line == "boom" ? throw new InvalidOperationException("boom") : base.Answer(line);
    }

    private sealed class ShutdownCallingHandler : LineHandler
    {
        private bool _tried;

        protected override string Answer(string line)
        {
            if (_tried)
            {
                return base.Answer(line);
            }

            _tried = true;
            try
            {
                ((BaseServer)Server).Shutdown();
                return "returned";
            }
            catch (InvalidOperationException)
            {
                return nameof(InvalidOperationException);
            }
        }
    }
}
