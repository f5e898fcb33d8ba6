using System.Net.Sockets;
using SocketServer.EventDriven;
using SocketServer.Handlers;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Handlers;

/// <summary>
/// <see cref="BaseRequestHandler.HandleAsync"/> on <see cref="AsyncServer"/>, and the defaults that let a handler
/// written with either method run on every model that runs handlers.
/// </summary>
public sealed class AsyncHandlerTests : IDisposable
{
    private readonly TestServers _servers = new();

    [Fact]
    public async Task Many_clients_are_served_at_once_each_by_its_own_handler()
    {
        const int Clients = 64;
        var waiting = 0;
        var allWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _servers.Start(ServerModel.Async, () => new RendezvousHandler(() =>
        {
            if (Interlocked.Increment(ref waiting) == Clients)
            {
                allWaiting.TrySetResult();
            }

            return allWaiting.Task;
        }));

        async Task<string> RunClientAsync(int id)
        {
            using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
            return await client.RoundTripAsync($"client {id}");
        }

        // Every handler holds its reply until all of them wait at once: only concurrent handlers get there.
        var replies = await Task.WhenAll(Enumerable.Range(0, Clients).Select(RunClientAsync)).WaitAsync(TestClient.Timeout * 2);

        Assert.Equal(Enumerable.Range(0, Clients).Select(id => new string([.. $"client {id}".Reverse()])), replies);
        await Eventually.TrueAsync(() => server.ActiveConnections == 0, "every connection is released");
    }

    [Theory, MemberData(nameof(EveryModel.Handlers), MemberType = typeof(EveryModel))]
    public async Task A_handlers_Server_is_the_server_that_took_the_request_on_every_model_that_runs_handlers(ServerModel model)
    {
        var seen = new TaskCompletionSource<IServer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _servers.Start(model, () => new ServerReportingHandler(seen));

        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Same(server, await seen.Task.WaitAsync(TestClient.Timeout));
    }

    [Fact]
    public async Task A_handler_that_throws_ends_only_its_connection_logged_and_Finish_runs()
    {
        var finished = 0;
        var server = _servers.Start(ServerModel.Async, () => new RendezvousHandler(
            () => Task.CompletedTask,
            answer: line => line == "boom" ? throw new InvalidOperationException("boom") : new string([.. line.Reverse()]),
            onFinish: () => Interlocked.Increment(ref finished)));

        using (var failing = await TestClient.ConnectAsync(server.LocalEndPoint))
        {
            await failing.SendAsync("boom\n");
            var (data, _) = await failing.ReadUntilClosedAsync();
            Assert.Empty(data);
        }

        await Eventually.TrueAsync(() => _servers.Log.Entries.Any(e => e.Exception is InvalidOperationException { Message: "boom" }), "the error is logged");
        Assert.Equal(1, Volatile.Read(ref finished));
        using var next = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("no og", await next.RoundTripAsync("go on"));
    }

    [Fact]
    public async Task StopAsync_drains_a_handler_in_progress_until_its_client_leaves()
    {
        var server = _servers.Start(ServerModel.Async, () => new RendezvousHandler(() => Task.CompletedTask));
        using var staying = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("olleh", await staying.RoundTripAsync("hello"));

        // A drain bound far beyond the test's own timeout: completing proves the drain, not an abort.
        var stop = server.StopAsync(TimeSpan.FromMinutes(5));

        var refused = await Assert.ThrowsAsync<SocketException>(() => TestClient.ConnectAsync(server.LocalEndPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal("dlrow", await staying.RoundTripAsync("world"));
        Assert.False(stop.IsCompleted, "StopAsync completed while a client was still connected");

        staying.Socket.Shutdown(SocketShutdown.Send);
        await stop.WaitAsync(TestClient.Timeout);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_abort_cancels_the_token_of_a_handler_awaiting_something_else_than_its_client(bool abortNow)
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _servers.Start(ServerModel.Async, () => new RendezvousHandler(
            () => Task.CompletedTask,
            onWaiting: () => waiting.TrySetResult(),
            onCancelled: () => cancelled.TrySetResult()));
        using var staying = await TestClient.ConnectAsync(server.LocalEndPoint);
        await staying.SendAsync("wait forever\n");
        await waiting.Task.WaitAsync(TestClient.Timeout);
        using var abort = new CancellationTokenSource();

        var stop = server.StopAsync(abortNow ? TimeSpan.FromMinutes(5) : TimeSpan.FromMilliseconds(50), abort.Token);
        if (abortNow)
        {
            await abort.CancelAsync();
        }

        await cancelled.Task.WaitAsync(TestClient.Timeout);
        await stop.WaitAsync(TestClient.Timeout);
        var (data, _) = await staying.ReadUntilClosedAsync();
        Assert.Empty(data);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Fact]
    public async Task A_handler_overriding_neither_Handle_nor_HandleAsync_throws_clearly_when_called()
    {
        var message = Assert.Throws<InvalidOperationException>(() => new NeitherHandler().Handle()).Message;
        Assert.Equal("NeitherHandler overrides neither Handle nor HandleAsync; override one of them.", message);

        var asynchronous = await Assert.ThrowsAsync<InvalidOperationException>(() => new NeitherHandler().HandleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(message, asynchronous.Message);
    }

    [Theory, MemberData(nameof(EveryModel.Handlers), MemberType = typeof(EveryModel))]
    public async Task A_handler_overriding_neither_fails_only_its_connection_with_that_error(ServerModel model)
    {
        var server = _servers.Start(model, () => new NeitherHandler());
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        var (data, _) = await client.ReadUntilClosedAsync();

        Assert.Empty(data);
        await Eventually.TrueAsync(
            () => _servers.Log.Entries.Any(e => e.Exception is InvalidOperationException { Message: var m } && m.Contains("neither Handle nor HandleAsync", StringComparison.Ordinal)),
            "the error is logged");
    }

    [Theory]
    [InlineData(ServerModel.Select)]
    [InlineData(ServerModel.Epoll)]
    public void ServerModels_refuses_a_handler_for_the_loops_that_cannot_block(ServerModel model)
    {
        Assert.False(model.SupportsHandlers());

        var e = Assert.Throws<ArgumentException>(() => ServerModels.Create(model, ServerFactory.AnyLoopbackPort, () => new NeitherHandler()));

        Assert.Equal("model", e.ParamName);
        Assert.Contains("cannot run a handler", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _servers.Dispose();

    /// <summary>
    /// Reads a line, awaits <paramref name="rendezvous"/>, answers, until the client ends its input; a line
    /// "wait forever" awaits the server's token instead.
    /// </summary>
    private sealed class RendezvousHandler(Func<Task> rendezvous, Func<string, string>? answer = null, Action? onFinish = null, Action? onWaiting = null, Action? onCancelled = null)
        : StreamRequestHandler
    {
        public override async Task HandleAsync(CancellationToken cancellationToken)
        {
            while (await Reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line == "wait forever")
                {
                    onWaiting?.Invoke();
                    try
                    {
                        await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        onCancelled?.Invoke();
                        throw;
                    }
                }

                await rendezvous();
                await Writer.WriteLineAsync(answer?.Invoke(line) ?? new string([.. line.Reverse()]), cancellationToken);
            }
        }

        public override void Finish()
        {
            base.Finish();
            onFinish?.Invoke();
        }
    }

    private sealed class NeitherHandler : BaseRequestHandler;

    private sealed class ServerReportingHandler(TaskCompletionSource<IServer> seen) : BaseRequestHandler
    {
        public override Task HandleAsync(CancellationToken cancellationToken)
        {
            seen.TrySetResult(Server);
            return Task.CompletedTask;
        }
    }
}
