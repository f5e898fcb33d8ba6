using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SocketServer.Dispatch;
using SocketServer.Handlers;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.PythonApi;

/// <summary>
/// CPython's server hooks, overridden from another assembly as CPython's documentation invites: each is called
/// when CPython calls it, and <see cref="BaseServer"/> itself can be subclassed.
/// </summary>
public sealed class HookOverrideTests
{
    private static readonly IPEndPoint Loopback = ServerFactory.AnyLoopbackPort;

    [Fact]
    public async Task Every_hook_runs_in_CPythons_order_for_one_connection()
    {
        using var server = new HookedTcpServer(Loopback);
        Assert.Equal(["ServerBind", "ServerActivate"], server.Calls);
        server.Start();

        using (var client = await TestClient.ConnectAsync(server.ServerAddress))
        {
            Assert.Equal("olleh", await client.RoundTripAsync("hello"));
        }

        await Eventually.TrueAsync(() => server.Calls.Contains("CloseRequest"), "the request is closed");
        Assert.Equal(
            ["ServerBind", "ServerActivate", "GetRequest", "VerifyRequest", "ProcessRequest", "FinishRequest", "ShutdownRequest", "CloseRequest"],
            server.Calls.Where(call => call != "ServiceActions"));
        await Eventually.TrueAsync(() => server.Calls.Contains("ServiceActions"), "ServiceActions runs in the loop");
        await Eventually.TrueAsync(() => server.ActiveConnections == 0, "the closed request is no longer open");
    }

    [Fact]
    public async Task HandleError_gets_the_request_and_the_exception_and_the_server_goes_on()
    {
        using var server = new HookedTcpServer(Loopback);
        server.Start();

        using (var failing = await TestClient.ConnectAsync(server.ServerAddress))
        {
            await failing.SendAsync("boom\n");
            var (data, _) = await failing.ReadUntilClosedAsync();
            Assert.Empty(data);
            var (client, error) = Assert.Single(server.Errors);
            Assert.Equal(failing.Socket.LocalEndPoint, client);
            Assert.Equal("boom", error.Message);
        }

        using var next = await TestClient.ConnectAsync(server.ServerAddress);
        Assert.Equal("no seog", await next.RoundTripAsync("goes on"));
    }

    [Fact]
    public void HandleRequest_calls_the_overridden_HandleTimeout_when_nothing_comes()
    {
        using var server = new HookedTcpServer(Loopback) { Timeout = TimeSpan.FromMilliseconds(50) };

        server.HandleRequest();

        Assert.Contains("HandleTimeout", server.Calls);
    }

    [Fact]
    public async Task A_server_derived_from_BaseServer_in_another_assembly_serves_with_its_own_GetRequest()
    {
        using var server = new UppercaseDatagramServer(Loopback);
        using var serving = new CancellationTokenSource();
        var served = server.ServeForeverAsync(serving.Token);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(Loopback);
        client.Connect(server.ServerAddress);
        await client.SendAsync(Encoding.UTF8.GetBytes("shout"));
        var reply = new byte[64];
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        var received = await client.ReceiveAsync(reply, SocketFlags.None, timeout.Token);
        Assert.Equal("SHOUT", Encoding.UTF8.GetString(reply, 0, received));

        await serving.CancelAsync();
        await served.WaitAsync(TestClient.Timeout);
    }

    private sealed class HookedTcpServer(EndPoint address) : TcpServer(address, () => new FailingLineHandler())
    {
        private readonly ConcurrentQueue<string> _calls = new();

        public IEnumerable<string> Calls => _calls;

        public ConcurrentQueue<(EndPoint Client, Exception Error)> Errors { get; } = new();

        public override void ServerBind()
        {
            _calls.Enqueue("ServerBind");
            base.ServerBind();
        }

        public override void ServerActivate()
        {
            _calls.Enqueue("ServerActivate");
            base.ServerActivate();
        }

        protected override ServerRequest? GetRequest()
        {
            _calls.Enqueue("GetRequest");
            return base.GetRequest();
        }

        protected override bool VerifyRequest(ServerRequest request)
        {
            _calls.Enqueue("VerifyRequest");
            return base.VerifyRequest(request);
        }

        protected override void ProcessRequest(ServerRequest request)
        {
            _calls.Enqueue("ProcessRequest");
            base.ProcessRequest(request);
        }

        protected override void FinishRequest(ServerRequest request)
        {
            _calls.Enqueue("FinishRequest");
            base.FinishRequest(request);
        }

        protected override void ShutdownRequest(ServerRequest request)
        {
            _calls.Enqueue("ShutdownRequest");
            base.ShutdownRequest(request);
        }

        protected override void CloseRequest(ServerRequest request)
        {
            _calls.Enqueue("CloseRequest");
            base.CloseRequest(request);
        }

        protected override void HandleError(ServerRequest request, Exception exception)
        {
            Errors.Enqueue((request.ClientAddress, exception));
        }

        protected override void HandleTimeout() => _calls.Enqueue("HandleTimeout");

        protected override void ServiceActions() => _calls.Enqueue("ServiceActions");
    }

    private sealed class FailingLineHandler : LineHandler
    {
        protected override string Answer(string line) => line == "boom" ? throw new InvalidOperationException("boom") : base.Answer(line);
    }

    // CPython's UDPServer in a few lines: the socket, GetRequest, and the handler replying through the socket.
    private sealed class UppercaseDatagramServer : BaseServer
    {
        public UppercaseDatagramServer(EndPoint address)
            : base(address, () => new UppercaseHandler(), new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp), new InlineDispatcher(), logger: null)
        {
            ServerBind();
            ServerActivate();
        }

        protected override ServerRequest? GetRequest()
        {
            var buffer = new byte[1024];
            EndPoint client = new IPEndPoint(IPAddress.Any, 0);
            try
            {
                var received = Socket.ReceiveFrom(buffer, ref client);
                return new ServerRequest(Socket, client) { Datagram = buffer.AsMemory(0, received) };
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                return null;
            }
        }
    }

    private sealed class UppercaseHandler : DatagramRequestHandler
    {
        public override void Handle() => Reply.Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Packet.Span).ToUpperInvariant()));
    }
}
