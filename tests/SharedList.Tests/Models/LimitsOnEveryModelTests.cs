using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using SharedList.Hosting;
using SharedList.Protocol;
using SharedList.Tests.Support;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>What a client can make the server hold is bounded, on every model.</summary>
public sealed class LimitsOnEveryModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_silent_connection_is_closed_after_the_idle_timeout(ServerModel model)
    {
        await using var server = new ModelServer(new ServerSettings { Model = model, Options = new ServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) } });
        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        Assert.Equal("Ack", client.Request("one"));
        var quietSince = Stopwatch.StartNew();

        Assert.True(client.IsClosedByServer());
        Assert.InRange(quietSince.Elapsed, TimeSpan.FromMilliseconds(250), Timeout);
        Assert.Equal(ListStoreExtensions.Str("one"), server.List.Snapshot().ToString());
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_message_left_unfinished_is_closed_after_the_stall_timeout(ServerModel model)
    {
        await using var server = new ModelServer(new ServerSettings { Model = model, Options = new ServerOptions { StallTimeout = TimeSpan.FromMilliseconds(300) } });
        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        Assert.Equal("Ack", client.Request("whole"));
        var started = Stopwatch.StartNew();
        client.Send("half a mess");

        Assert.True(client.IsClosedByServer());
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), Timeout);
        Assert.Equal(ListStoreExtensions.Str("whole"), server.List.Snapshot().ToString());
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Half_a_line_then_silence_is_closed_at_the_idle_timeout_when_it_is_shorter_than_the_stall_timeout(ServerModel model)
    {
        // The stall bound is far beyond the client's read timeout: only the idle bound can close this connection.
        var options = new ServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(300), StallTimeout = TimeSpan.FromHours(1) };
        await using var server = new ModelServer(new ServerSettings { Model = model, Options = options });
        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        Assert.Equal("Ack", client.Request("whole"));
        var started = Stopwatch.StartNew();
        client.Send("half a li");

        Assert.True(client.IsClosedByServer());
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), Timeout);
        Assert.Equal(ListStoreExtensions.Str("whole"), server.List.Snapshot().ToString());
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_client_dribbling_one_line_forever_is_closed_although_it_never_goes_quiet(ServerModel model)
    {
        var stall = TimeSpan.FromMilliseconds(500);
        await using var server = new ModelServer(new ServerSettings { Model = model, Options = new ServerOptions { StallTimeout = stall } });
        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        var started = Stopwatch.StartNew();

        // A byte every 40 ms: never idle for the stall bound, but the line never completes.
        var closed = false;
        for (var i = 0; i < 200 && !closed && started.Elapsed < Timeout; i++)
        {
            try
            {
                client.Send("x");
            }
            catch (SocketException)
            {
                closed = true;
                break;
            }

            closed = client.Socket.Poll(0, SelectMode.SelectRead) && client.IsClosedByServer();
            await Task.Delay(40);
        }

        Assert.True(closed, "the dribbling client was never closed");
        Assert.InRange(started.Elapsed, stall, stall * 6);
        Assert.Equal(0, server.List.Snapshot().Count);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task An_append_past_max_items_gets_list_full_and_stores_nothing(ServerModel model)
    {
        await using var server = new ModelServer(new ServerSettings { Model = model, MaxItems = 3 });
        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        client.Send("a\nb\nc\nd\nLIST\nCLEAR\ne\n");
        Assert.Equal(["Ack", "Ack", "Ack", "ERR list full", "['a', 'b', 'c']", "Lista apagada", "Ack"], ReadLines(client, 7));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_long_LIST_goes_out_in_pieces_and_is_byte_identical_to_the_whole_rendering(ServerModel model)
    {
        await using var server = new ModelServer(new ServerSettings { Model = model, MaxReplyBuffer = 512 });
        var items = Enumerable.Range(0, 5000).Select(i => (i % 4) switch
        {
            0 => $"item-{i}",
            1 => $"it's {i}",
            2 => $"tab\t{i} \"q\" ☃",
            _ => $"😀{i}\\",
        }).ToArray();
        foreach (var item in items)
        {
            server.List.TryAppend(item);
        }

        var expected = PythonListRenderer.RenderToString(items);
        using var client = await LineConnection.ConnectAsync(server.EndPoint, bufferBytes: 1 << 20);

        // Pipelined around the LIST: the replies stay in order and the append after it is not in it.
        client.Send("before\nLIST\nafter\nLIST\n");
        var replies = ReadLines(client, 4);
        Assert.Equal("Ack", replies[0]);
        Assert.Equal(expected[..^1] + ", 'before']", replies[1]);
        Assert.Equal("Ack", replies[2]);
        Assert.EndsWith(", 'before', 'after']", replies[3], StringComparison.Ordinal);
    }

    // Sequential serves one connection at a time: "others keep being served meanwhile" cannot apply there.
    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task A_client_that_never_reads_its_LIST_replies_holds_up_only_itself_and_is_closed(ServerModel model)
    {
        await using var server = new ModelServer(new ServerSettings { Model = model, Options = new ServerOptions { StallTimeout = TimeSpan.FromSeconds(1) } });
        for (var i = 0; i < 20_000; i++)
        {
            server.List.TryAppend($"prefilled-item-{i:D6}");
        }

        using var abuser = await LineConnection.ConnectAsync(server.EndPoint);
        abuser.Socket.ReceiveBufferSize = 4096;
        var pipelined = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("LIST\n", 500)));
        abuser.Socket.SendTimeout = 5000;
        try
        {
            abuser.Send(pipelined);
        }
        catch (SocketException)
        {
            // Closed by the stall bound before it finished sending: also a pass.
        }

        using (var steady = await LineConnection.ConnectAsync(server.EndPoint))
        {
            for (var i = 0; i < 50; i++)
            {
                var before = Stopwatch.StartNew();
                Assert.Equal("Ack", steady.Request($"steady-{i}"));
                Assert.True(before.Elapsed < TimeSpan.FromSeconds(5), $"request {i} took {before.Elapsed}");
            }

            await Eventually.TrueAsync(() => server.Server.ActiveConnections == 1, Timeout, "the non-reading client to be closed");
        }

        Assert.Equal(20_050, server.List.Count);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_client_reading_a_long_LIST_steadily_is_not_closed_however_long_it_takes(ServerModel model)
    {
        // The server sees reply progress only when the kernel lets it write more, which Linux allows once about
        // half the socket's send buffer (up to ~4 MB) has drained: the reader must take ~2 MB per bound. So it
        // reads as fast as it can, with short pauses, and the bound is short enough that the reply outlasts it.
        var stall = TimeSpan.FromMilliseconds(300);
        await using var server = new ModelServer(new ServerSettings { Model = model, Options = new ServerOptions { StallTimeout = stall }, MaxReplyBuffer = 4096 });
        for (var i = 0; i < 400_000; i++)
        {
            server.List.TryAppend($"item-{i:D8}");
        }

        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        client.Send("LIST\n");

        // About 6.4 MB, more than the socket buffers hold, read a slice at a time: the server keeps making
        // progress, so the stall bound must not fire although the reply takes many times that bound.
        var started = Stopwatch.StartNew();
        var buffer = new byte[16 * 1024];
        long total = 0;
        var done = false;
        for (var reads = 0; reads < 100_000 && !done && started.Elapsed < Timeout; reads++)
        {
            var received = client.Socket.Receive(buffer);
            Assert.True(received > 0, $"closed after {total} bytes and {started.Elapsed}");
            total += received;
            done = buffer[received - 1] == (byte)'\n';
            if (reads % 8 == 0)
            {
                await Task.Delay(2);
            }
        }

        Assert.True(done, "the reply never ended");
        Assert.Equal(server.List.Snapshot().Length + 1, total);
    }

    private static List<string?> ReadLines(LineConnection client, int count) => [.. Enumerable.Range(0, count).Select(_ => client.ReadLine())];
}
