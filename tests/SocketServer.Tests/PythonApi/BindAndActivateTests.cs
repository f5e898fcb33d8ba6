using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SocketServer.Handlers;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.PythonApi;

/// <summary>
/// CPython's <c>bind_and_activate=False</c>, <c>request_queue_size</c> and <c>allow_reuse_address</c>: options take
/// effect when set in time, throw when set too late, and <c>allow_reuse_address</c> decides the TIME_WAIT lesson.
/// </summary>
public sealed class BindAndActivateTests
{
    private static readonly IPEndPoint Loopback = ServerFactory.AnyLoopbackPort;

    [Fact]
    public void RequestQueueSize_set_before_ServerActivate_is_the_listeners_backlog()
    {
        var ss = RequiredTool.Ss.Require("the backlog the kernel holds is not read");
        using var server = new TcpServer(Loopback, () => new LineHandler(), bindAndActivate: false) { RequestQueueSize = 1 };
        server.ServerBind();
        server.ServerActivate();

        var port = ((IPEndPoint)server.ServerAddress).Port;
        Assert.Equal(1, ListenBacklog(ss, port));
    }

    [Fact]
    public void Options_set_too_late_throw_instead_of_doing_nothing()
    {
        using var tcp = new TcpServer(Loopback, () => new LineHandler());
        Assert.Throws<InvalidOperationException>(() => tcp.RequestQueueSize = 1);
        Assert.Throws<InvalidOperationException>(() => tcp.AllowReuseAddress = true);

        using var udp = new UdpServer(Loopback, () => new LineHandler());
        Assert.Throws<InvalidOperationException>(() => udp.AllowReuseAddress = true);
    }

    [Fact]
    public async Task Without_AllowReuseAddress_a_restart_on_a_port_in_TIME_WAIT_fails_with_address_in_use_as_in_CPython()
    {
        var address = await LeaveAConnectionInTimeWaitAsync(allowReuseAddress: false);

        var e = Assert.Throws<SocketException>(() => new TcpServer(address, () => new LineHandler()));

        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
    }

    [Fact]
    public async Task With_AllowReuseAddress_a_restart_on_a_port_in_TIME_WAIT_binds_and_serves()
    {
        var address = await LeaveAConnectionInTimeWaitAsync(allowReuseAddress: true);

        using var restarted = new TcpServer(address, () => new LineHandler(), bindAndActivate: false) { AllowReuseAddress = true };
        restarted.ServerBind();
        restarted.ServerActivate();
        restarted.Start();

        using var client = await TestClient.ConnectAsync(restarted.ServerAddress);
        Assert.Equal("niaga", await client.RoundTripAsync("again"));
    }

    // A server that closes each connection first, so the connection's TIME_WAIT is on the server's port; then the
    // server is closed, as a server that is stopped to be restarted. Linux lets a bind reuse the port only when the
    // connection in TIME_WAIT had SO_REUSEADDR too: a connection inherits it from its listener.
    private static async Task<EndPoint> LeaveAConnectionInTimeWaitAsync(bool allowReuseAddress)
    {
        EndPoint address;
        using (var first = new TcpServer(Loopback, () => new ClosingHandler(), bindAndActivate: false) { AllowReuseAddress = allowReuseAddress })
        {
            first.ServerBind();
            first.ServerActivate();
            first.Start();
            address = first.ServerAddress;
            using var client = await TestClient.ConnectAsync(address);
            var (data, _) = await client.ReadUntilClosedAsync();
            Assert.Empty(data);
        }

        var port = ((IPEndPoint)address).Port;
        await Eventually.TrueAsync(() => KernelSockets.Any(port, KernelSockets.TimeWait), $"a connection on port {port} is in TIME_WAIT");
        return address;
    }

    // ss shows a listening socket's backlog in its Send-Q column.
    private static int ListenBacklog(string ss, int port)
    {
        using var process = Process.Start(new ProcessStartInfo(ss, ["-ltnH", $"sport = :{port}"]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(10)), "ss did not finish");
        var fields = output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(fields[2], CultureInfo.InvariantCulture);
    }

    private sealed class ClosingHandler : BaseRequestHandler
    {
        public override void Handle()
        {
        }
    }
}
