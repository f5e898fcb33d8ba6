using System.Globalization;
using SocketServer.Handlers;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Handlers;

/// <summary><see cref="StreamRequestHandler"/>'s Reader and Writer through real sockets, on every model that runs handlers.</summary>
public sealed class StreamRequestHandlerTests : IDisposable
{
    private readonly TestServers _servers = new();

    [Theory, MemberData(nameof(EveryModel.Handlers), MemberType = typeof(EveryModel))]
    public async Task An_unbuffered_write_reaches_the_client_without_Flush_while_the_handler_still_runs(ServerModel model)
    {
        using var gate = new ManualResetEventSlim();
        var server = _servers.Start(model, () => new GatedHandler(gate));
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        try
        {
            Assert.Equal("before the gate", await client.ReadLineAsync());
        }
        finally
        {
            gate.Set();
        }

        Assert.Equal("after the gate", await client.ReadLineAsync());
    }

    [Theory, MemberData(nameof(EveryModel.Handlers), MemberType = typeof(EveryModel))]
    public async Task Buffered_writes_are_sent_by_Finish(ServerModel model)
    {
        var server = _servers.Start(model, () => new BufferedGreetingHandler());
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        Assert.Equal("hello", await client.ReadLineAsync());
        Assert.Equal("world", await client.ReadLineAsync());
        var (rest, _) = await client.ReadUntilClosedAsync();
        Assert.Empty(rest);
    }

    [Theory, MemberData(nameof(EveryModel.Handlers), MemberType = typeof(EveryModel))]
    public async Task ReadLineBytes_gives_each_line_with_its_newline_and_empty_at_the_end(ServerModel model)
    {
        var server = _servers.Start(model, () => new ByteCountHandler());
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("hello\nação\r\n\nunterminated");
        client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        Assert.Equal("6", await client.ReadLineAsync());
        Assert.Equal("8", await client.ReadLineAsync());
        Assert.Equal("1", await client.ReadLineAsync());
        Assert.Equal("12", await client.ReadLineAsync());
        Assert.Equal("end", await client.ReadLineAsync());
    }

    [Theory, MemberData(nameof(EveryModel.Handlers), MemberType = typeof(EveryModel))]
    public async Task A_line_past_MaxLineLength_ends_only_that_request_with_a_clear_error(ServerModel model)
    {
        var server = _servers.Start(model, () => new ReverseLinesHandler { MaxLineLength = 16 });
        using (var greedy = await TestClient.ConnectAsync(server.LocalEndPoint))
        {
            await greedy.SendAsync(new string('x', 10_000) + "\n");
            var (data, _) = await greedy.ReadUntilClosedAsync();
            Assert.Empty(data);
        }

        await Eventually.TrueAsync(() => _servers.Log.Entries.Any(e => e.Exception is InvalidDataException), "the error is logged");
        using var next = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("trohs", await next.RoundTripAsync("short"));
    }

    [Theory, MemberData(nameof(EveryModel.Handlers), MemberType = typeof(EveryModel))]
    public async Task Timeout_ends_a_silent_client(ServerModel model)
    {
        var server = _servers.Start(model, () => new ReverseLinesHandler { Timeout = TimeSpan.FromMilliseconds(200) });
        using var silent = await TestClient.ConnectAsync(server.LocalEndPoint);

        var (data, _) = await silent.ReadUntilClosedAsync();

        Assert.Empty(data);
        await Eventually.TrueAsync(() => server.ActiveConnections == 0, "the silent connection is released");
    }

    public void Dispose() => _servers.Dispose();

    /// <summary>Reverses each line; the plain rfile/wfile loop.</summary>
    private sealed class ReverseLinesHandler : StreamRequestHandler
    {
        public override void Handle()
        {
            while (Reader.ReadLine() is { } line)
            {
                Writer.WriteLine(new string([.. line.Reverse()]));
            }
        }
    }

    private sealed class GatedHandler(ManualResetEventSlim gate) : StreamRequestHandler
    {
        public override void Handle()
        {
            Writer.WriteLine("before the gate");
            gate.Wait(TestClient.Timeout);
            Writer.WriteLine("after the gate");
        }
    }

    private sealed class BufferedGreetingHandler : StreamRequestHandler
    {
        public BufferedGreetingHandler() => WriteBufferSize = 1024;

        public override void Handle()
        {
            Writer.WriteLine("hello");
            Writer.Write("world\n"u8);
        }
    }

    /// <summary>Answers each line with its length in bytes, newline included, as Python's <c>len(rfile.readline())</c>.</summary>
    private sealed class ByteCountHandler : StreamRequestHandler
    {
        public override async Task HandleAsync(CancellationToken cancellationToken)
        {
            byte[] line;
            while ((line = await Reader.ReadLineBytesAsync(cancellationToken)).Length > 0)
            {
                await Writer.WriteLineAsync(line.Length.ToString(CultureInfo.InvariantCulture), cancellationToken);
            }

            await Writer.WriteLineAsync("end", cancellationToken);
        }
    }
}
