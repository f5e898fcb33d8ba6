using System.Buffers;
using System.Net;
using System.Text;
using SocketServer.Handlers;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Datagram;

/// <summary><see cref="UdpServer"/> and <see cref="ThreadingUdpServer"/> with a handler and with a session.</summary>
public sealed class DatagramServerTests
{
    private static readonly IPEndPoint Loopback = ServerFactory.AnyLoopbackPort;

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Answers_every_datagram_of_several_clients(bool threading, bool session)
    {
        const int Clients = 4;
        const int Requests = 25;
        Func<BaseRequestHandler> handler = session
            ? () => new SessionDatagramHandler(new LineReverseSessions())
            : () => new ReverseDatagramHandler();
        using UdpServer server = threading ? new ThreadingUdpServer(Loopback, handler) : new UdpServer(Loopback, handler);
        server.Start();

        // The session answers a datagram as a completed input: the unterminated tail is a line, answered with "\n".
        string Expected(string request) => LineReverseSession.Reply(request) + (session ? "\n" : string.Empty);

        async Task RunClientAsync(int id)
        {
            using var client = new UdpTestClient(server.ServerAddress);
            for (var i = 0; i < Requests; i++)
            {
                var request = $"client {id} datagram {i} ação";
                Assert.Equal(Expected(request), await client.RequestAsync(request));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(RunClientAsync));
    }

    [Fact]
    public async Task A_session_answers_every_line_of_one_datagram_in_one_reply()
    {
        using var server = new UdpServer(Loopback, () => new SessionDatagramHandler(new LineReverseSessions()));
        server.Start();
        using var client = new UdpTestClient(server.ServerAddress);

        Assert.Equal("eno\nowt\neerht\n", await client.RequestAsync("one\ntwo\nthree"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StopAsync_lets_a_datagram_in_progress_send_its_reply(bool threading)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gate = new ManualResetEventSlim();
        Func<BaseRequestHandler> handler = () => new GatedDatagramHandler(started, gate);
        using UdpServer server = threading ? new ThreadingUdpServer(Loopback, handler) : new UdpServer(Loopback, handler);
        server.Start();
        using var client = new UdpTestClient(server.ServerAddress);
        await client.SendAsync("in flight");
        await started.Task.WaitAsync(TestClient.Timeout);

        var stop = server.StopAsync(TestClient.Timeout);
        gate.Set();

        Assert.Equal("thgilf ni", await client.ReceiveAsync());
        await stop.WaitAsync(TestClient.Timeout);
        Assert.ThrowsAny<InvalidOperationException>(server.Start);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reader_reads_the_datagram_and_what_Writer_wrote_goes_back_as_one_datagram(bool threading)
    {
        Func<BaseRequestHandler> handler = () => new LineCountingDatagramHandler();
        using UdpServer server = threading ? new ThreadingUdpServer(Loopback, handler) : new UdpServer(Loopback, handler);
        server.Start();
        using var client = new UdpTestClient(server.ServerAddress);

        Assert.Equal("eno\nowt\n6: ação\nend\n", await client.RequestAsync("one\ntwo\nação"));
        Assert.Equal("end\n", await client.RequestAsync(""));
    }

    /// <summary>As Python's <c>DatagramRequestHandler</c> with <c>rfile</c> and <c>wfile</c>: reverses two lines, echoes the rest with its length.</summary>
    private sealed class LineCountingDatagramHandler : DatagramRequestHandler
    {
        public override void Handle()
        {
            for (var i = 0; i < 2 && Reader.ReadLine() is { } line; i++)
            {
                Writer.WriteLine(new string([.. line.Reverse()]));
            }

            var rest = Reader.ReadLineBytes();
            if (rest.Length > 0)
            {
                Writer.Write($"{rest.Length}: ");
                Writer.Write(rest);
                Writer.WriteLine(string.Empty);
            }

            Writer.WriteLine("end");
        }
    }

    private class ReverseDatagramHandler : DatagramRequestHandler
    {
        public override void Handle() => Reply.Write(Encoding.UTF8.GetBytes(LineReverseSession.Reply(Encoding.UTF8.GetString(Packet.Span))));
    }

    private sealed class GatedDatagramHandler(TaskCompletionSource started, ManualResetEventSlim gate) : ReverseDatagramHandler
    {
        public override void Handle()
        {
            started.TrySetResult();
            gate.Wait(TestClient.Timeout);
            base.Handle();
        }
    }
}
