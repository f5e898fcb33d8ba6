using System.Net;
using System.Net.Sockets;
using System.Text;
using SocketServer.EventDriven;
using SocketServer.Internal;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>
/// The epoll loop's io_uring: a batch of receives and sends on real loopback sockets, and the loop serving with the
/// ring (the default, which every epoll test elsewhere runs) and without it.
/// </summary>
public sealed class EpollIoUringTests
{
    private const int EAgain = 11;

    [Fact]
    public void The_kernel_here_gives_the_loop_a_ring()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "io_uring is Linux's");
        using var ring = UringBatch.TryCreate(8, out var refusal);
        Assert.SkipWhen(ring is null, $"the kernel refused an io_uring: {refusal}; the epoll tests ran without one");
        Assert.Null(refusal);
        Assert.Equal(8u, ring!.Capacity);
    }

    [Fact]
    public unsafe void A_batch_completes_every_receive_and_send_in_one_call()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "io_uring is Linux's");
        using var ring = UringBatch.TryCreate(8, out var refusal);
        Assert.SkipWhen(ring is null, $"the kernel refused an io_uring: {refusal}");
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var pairs = Enumerable.Range(0, 3).Select(_ => Connect(listener)).ToArray();
        try
        {
            // On the pinned heap: the ring reads and writes them after the lambdas that add them return.
            var inputs = pairs.Select(_ => GC.AllocateArray<byte>(64, pinned: true)).ToArray();
            var results = new int[pairs.Length];

            // Nothing sent yet: a non-blocking receive completes at once with -EAGAIN rather than waiting.
            Complete(ring!, results, (r, i) => { fixed (byte* b = inputs[i]) { r.AddReceive(Fd(pairs[i].Server), b, 64, (ulong)i); } });
            Assert.All(results, result => Assert.Equal(-EAgain, result));

            var messages = pairs.Select((_, i) => Pinned(Encoding.ASCII.GetBytes($"message {i}"))).ToArray();
            Complete(ring!, results, (r, i) => { fixed (byte* b = messages[i]) { r.AddSend(Fd(pairs[i].Client), b, messages[i].Length, (ulong)i); } });
            Assert.Equal(messages.Select(m => m.Length), results);

            // Loopback delivers at once, but not necessarily before the next call: receive until each has its message.
            var received = pairs.Select(_ => new List<byte>()).ToArray();
            for (var round = 0; round < 1000 && received.Where((r, i) => r.Count < messages[i].Length).Any(); round++)
            {
                Complete(ring!, results, (r, i) => { fixed (byte* b = inputs[i]) { r.AddReceive(Fd(pairs[i].Server), b, 64, (ulong)i); } });
                for (var i = 0; i < pairs.Length; i++)
                {
                    Assert.True(results[i] > 0 || results[i] == -EAgain, $"receive {i}: {results[i]}");
                    received[i].AddRange(inputs[i].AsSpan(0, Math.Max(results[i], 0)).ToArray());
                }
            }

            Assert.Equal(messages.Select(m => Encoding.ASCII.GetString(m)), received.Select(r => Encoding.ASCII.GetString([.. r])));

            // The peer's end of input is a completed receive of 0 bytes.
            pairs[0].Client.Shutdown(SocketShutdown.Send);
            var ended = false;
            for (var round = 0; round < 1000 && !ended; round++)
            {
                Complete(ring!, results, (r, i) => { fixed (byte* b = inputs[i]) { r.AddReceive(Fd(pairs[i].Server), b, 64, (ulong)i); } }, count: 1);
                ended = results[0] == 0;
                Assert.True(results[0] is 0 or -EAgain, $"receive after shutdown: {results[0]}");
            }

            Assert.True(ended, "the end of input was never reported");
        }
        finally
        {
            foreach (var (client, server) in pairs)
            {
                client.Dispose();
                server.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_epoll_loop_serves_many_connections_with_and_without_the_ring(bool useIoUring)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the epoll model is Linux's");
        using var server = new EpollServer(ServerFactory.AnyLoopbackPort, new LineReverseSessions(), new ServerOptions { UseIoUring = useIoUring });
        server.Start();
        var clients = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => TestClient.ConnectAsync(server.LocalEndPoint)));
        try
        {
            await Task.WhenAll(clients.Select(async (client, c) =>
            {
                for (var i = 0; i < 20; i++)
                {
                    Assert.Equal(LineReverseSession.Reply($"c{c} m{i}"), await client.RoundTripAsync($"c{c} m{i}"));
                }

                await LineReverseSession.AssertPipelinedAsync(client, $"c{c}", count: 50, growth: 40);
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            await server.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static void Complete(UringBatch ring, int[] results, Action<UringBatch, int> add, int? count = null)
    {
        var operations = count ?? results.Length;
        Array.Fill(results, int.MinValue);
        for (var i = 0; i < operations; i++)
        {
            add(ring, i);
        }

        ring.SubmitAndComplete(results, static (r, token, result) => r[(int)token] = result);
        Assert.All(results.Take(operations), result => Assert.NotEqual(int.MinValue, result));
    }

    private static (Socket Client, Socket Server) Connect(Socket listener)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        client.Blocking = false;
        server.Blocking = false;
        return (client, server);
    }

    private static int Fd(Socket socket) => (int)socket.Handle;

    private static byte[] Pinned(byte[] bytes)
    {
        var pinned = GC.AllocateArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(pinned, 0);
        return pinned;
    }
}
