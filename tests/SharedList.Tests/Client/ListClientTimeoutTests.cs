using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SharedList.Client;
using SharedList.Protocol;
using SharedList.Tests.Models;
using SocketServer;

namespace SharedList.Tests.Client;

/// <summary>The client's timeout bounds each reply on TCP too: a server of the other framing never hangs it.</summary>
public sealed class ListClientTimeoutTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task A_line_request_to_a_raw_server_times_out_quoting_the_reply_that_has_no_newline()
    {
        await using var server = new ModelServer(ServerModel.Async, Framing.Raw);
        using var client = await ListClient.ConnectAsync(server.EndPoint, Framing.Line, udp: false, Short);
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<TimeoutException>(() => client.Request("a"));

        Assert.Equal($"the reply from {server.EndPoint} has no newline after 0.5 s (received \"Ack\")", e.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(Framing.Line)]
    [InlineData(Framing.Raw)]
    public async Task A_server_that_never_answers_times_out_with_no_reply(Framing framing)
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen();
        using var client = await ListClient.ConnectAsync(silent.LocalEndPoint!, framing, udp: false, Short);

        var e = Assert.Throws<TimeoutException>(() => client.Request("LIST"));

        Assert.Equal($"no reply from {silent.LocalEndPoint} within 0.5 s", e.Message);
    }
}
