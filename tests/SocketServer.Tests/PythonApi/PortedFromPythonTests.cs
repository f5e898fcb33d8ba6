using ReverseEcho;
using SocketServer.Handlers;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.PythonApi;

/// <summary>
/// The slides' reverse-echo handler ported once, with <c>rfile</c>/<c>wfile</c> as Reader/Writer, and run unchanged on
/// every model that runs handlers: written with <see cref="BaseRequestHandler.Handle"/> as in Python (the example's
/// <see cref="ReverseHandler"/>), and with <see cref="BaseRequestHandler.HandleAsync"/>.
/// </summary>
public sealed class PortedFromPythonTests : IDisposable
{
    private readonly TestServers _servers = new();

    public static TheoryData<ServerModel, bool> ModelsAndStyles
    {
        get
        {
            var data = new TheoryData<ServerModel, bool>();
            foreach (var model in ServerModels.All.Where(m => m.SupportsHandlers() && m.IsSupportedHere()))
            {
                data.Add(model, false);
                data.Add(model, true);
            }

            return data;
        }
    }

    [Theory, MemberData(nameof(ModelsAndStyles))]
    public async Task The_slides_reverse_echo_handler_serves_several_clients_line_by_line(ServerModel model, bool asynchronous)
    {
        const int Clients = 8;
        Func<BaseRequestHandler> handlers = asynchronous ? () => new AsyncReverseHandler() : () => new ReverseHandler();
        var server = _servers.Start(model, handlers);

        async Task RunClientAsync(int id)
        {
            using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
            foreach (var line in new[] { $"client {id}", "ação", "👍🏽 ok", "" })
            {
                Assert.Equal(ReverseHandler.Reverse(line), await client.RoundTripAsync(line));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(RunClientAsync)).WaitAsync(TestClient.Timeout * 2);
        await Eventually.TrueAsync(() => server.ActiveConnections == 0, "every connection is released");
        Assert.Empty(_servers.Log.Errors);
    }

    [Theory, MemberData(nameof(ModelsAndStyles))]
    public async Task The_same_handler_serves_over_a_Unix_socket(ServerModel model, bool asynchronous)
    {
        using var directory = new UnixSocketDirectory();
        Func<BaseRequestHandler> handlers = asynchronous ? () => new AsyncReverseHandler() : () => new ReverseHandler();
        using var server = ServerModels.Create(model, directory.EndPoint(), handlers, new ServerOptions { PoolWorkers = ServerFactory.PoolWorkers }, _servers.Log);
        server.Start();

        await AssertReversesLinesAsync(server);
        server.Abort();
    }

    [Fact]
    public async Task The_handler_runs_on_Pythons_ThreadingUnixStreamServer()
    {
        using var directory = new UnixSocketDirectory();
        using var server = new ThreadingUnixStreamServer(directory.EndPoint(), () => new ReverseHandler());
        using var serving = new CancellationTokenSource();
        var served = server.ServeForeverAsync(serving.Token);

        await AssertReversesLinesAsync(server);

        await serving.CancelAsync();
        await served.WaitAsync(TestClient.Timeout);
    }

    public void Dispose() => _servers.Dispose();

    private static async Task AssertReversesLinesAsync(IServer server)
    {
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        foreach (var line in new[] { "hello", "ação", "👍🏽 ok" })
        {
            Assert.Equal(ReverseHandler.Reverse(line), await client.RoundTripAsync(line));
        }
    }

    /// <summary><see cref="ReverseHandler"/> with the async reader and writer.</summary>
    private sealed class AsyncReverseHandler : StreamRequestHandler
    {
        public override async Task HandleAsync(CancellationToken cancellationToken)
        {
            while (await Reader.ReadLineAsync(cancellationToken) is { } line)
            {
                await Writer.WriteLineAsync(ReverseHandler.Reverse(line), cancellationToken);
            }
        }
    }
}
