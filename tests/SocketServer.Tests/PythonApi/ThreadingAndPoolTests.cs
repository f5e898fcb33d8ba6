using System.Net;
using System.Runtime.InteropServices;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.PythonApi;

/// <summary>The threading options of <see cref="ThreadingTcpServer"/> and the bound of <see cref="WorkerPoolTcpServer"/>.</summary>
public sealed partial class ThreadingAndPoolTests
{
    private static readonly IPEndPoint Loopback = ServerFactory.AnyLoopbackPort;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ServerClose_waits_for_a_handler_in_progress_only_with_BlockOnClose(bool blockOnClose)
    {
        var started = new TaskCompletionSource<Thread>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gate = new ManualResetEventSlim();
        long order = 0, handlerFinished = 0, closeReturned = 0;
        using var server = new ThreadingTcpServer(Loopback, () => new GatedHandler(started, gate, () => handlerFinished = Interlocked.Increment(ref order)), blockOnClose: blockOnClose);
        Assert.Equal(blockOnClose, server.BlockOnClose);
        server.Start();
        using var client = await TestClient.ConnectAsync(server.ServerAddress);
        var handler = await started.Task.WaitAsync(TestClient.Timeout);

        // The loop stops first (CPython's shutdown, then server_close): the only thing ServerClose can then block
        // on is the request thread, which the test holds inside the handler.
        await Task.Run(server.Shutdown).WaitAsync(TestClient.Timeout);
        var close = new BlockingCall("server-close", () =>
        {
            server.ServerClose();
            closeReturned = Interlocked.Increment(ref order);
        });

        try
        {
            if (blockOnClose)
            {
                Assert.True(await close.IsBlockedAsync(), "ServerClose returned while a handler was still running");
            }
            else
            {
                await close.Returned.WaitAsync(TestClient.Timeout);
            }

            Assert.True(handler.IsAlive && Interlocked.Read(ref handlerFinished) == 0, "the handler left the gate the test holds");
        }
        finally
        {
            gate.Set();
        }

        await close.Returned.WaitAsync(TestClient.Timeout);
        await Eventually.TrueAsync(() => Interlocked.Read(ref handlerFinished) != 0, "the handler has finished");
        if (blockOnClose)
        {
            Assert.True(handlerFinished < closeReturned, "ServerClose returned before the handler finished");
        }
        else
        {
            Assert.True(closeReturned < handlerFinished, "ServerClose waited for the handler");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DaemonThreads_makes_request_threads_background_threads(bool daemonThreads)
    {
        var background = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new ThreadingTcpServer(Loopback, () => new ThreadReportingHandler(background), daemonThreads: daemonThreads);
        server.Start();
        using var client = await TestClient.ConnectAsync(server.ServerAddress);

        Assert.Equal("ih", await client.RoundTripAsync("hi"));
        Assert.Equal(daemonThreads, await background.Task.WaitAsync(TestClient.Timeout));
        Assert.Equal(daemonThreads, server.DaemonThreads);
    }

    [Fact]
    public async Task A_handlers_socket_blocks_in_the_kernel_not_in_the_runtimes_event_loop()
    {
        // The listener is non-blocking and .NET passes that on to what it accepts; a "blocking" socket whose
        // descriptor is non-blocking waits through the runtime's epoll thread, two wake-ups per message.
        // Descriptor flags are read with Linux's fcntl; elsewhere the server uses Socket.Accept as is.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "not Linux: a descriptor's flags are read with Linux's fcntl");

        var flags = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new ThreadingTcpServer(Loopback, () => new DescriptorFlagsHandler(flags));
        server.Start();
        using var client = await TestClient.ConnectAsync(server.ServerAddress);

        Assert.Equal("ih", await client.RoundTripAsync("hi"));
        Assert.Equal(0, await flags.Task.WaitAsync(TestClient.Timeout) & DescriptorFlagsHandler.NonBlocking);
    }

    [Fact]
    public async Task A_pool_never_runs_more_handlers_at_once_than_it_has_workers()
    {
        const int Workers = 3;
        const int Clients = 10;
        var current = 0;
        var most = 0;
        using var allBusy = new ManualResetEventSlim();
        using var server = new WorkerPoolTcpServer(Loopback, () => new CountingHandler(
            onSetup: () =>
            {
                var now = Interlocked.Increment(ref current);
                int seen;
                while (now > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, now, seen) != seen)
                {
                }

                if (now >= Workers)
                {
                    allBusy.Set();
                }

                // Hold every handler until all workers are busy, so the pool's bound is really reached.
                allBusy.Wait(TestClient.Timeout);
            },
            onFinish: () => Interlocked.Decrement(ref current)), Workers);
        Assert.Equal(Workers, server.Workers);
        server.Start();

        async Task<string> RunClientAsync(int id)
        {
            using var client = await TestClient.ConnectAsync(server.ServerAddress);
            return await client.RoundTripAsync($"client {id}");
        }

        var replies = await Task.WhenAll(Enumerable.Range(0, Clients).Select(RunClientAsync)).WaitAsync(TestClient.Timeout * 2);

        Assert.Equal(Enumerable.Range(0, Clients).Select(id => new string([.. $"client {id}".Reverse()])), replies);
        Assert.True(allBusy.IsSet, "the workers were never all busy at once");
        Assert.Equal(Workers, Volatile.Read(ref most));
    }

    private sealed class GatedHandler(TaskCompletionSource<Thread> started, ManualResetEventSlim gate, Action finished) : LineHandler
    {
        public override void Handle()
        {
            started.TrySetResult(Thread.CurrentThread);
            gate.Wait(TestClient.Timeout);
        }

        public override void Finish() => finished();
    }

    private sealed class ThreadReportingHandler(TaskCompletionSource<bool> background) : LineHandler
    {
        public override void Setup() => background.TrySetResult(Thread.CurrentThread.IsBackground);
    }

    private sealed partial class DescriptorFlagsHandler(TaskCompletionSource<int> flags) : LineHandler
    {
        public const int NonBlocking = 0x800; // O_NONBLOCK
        private const int GetStatusFlags = 3; // F_GETFL

        public override void Setup() => flags.TrySetResult(fcntl((int)Request.Handle, GetStatusFlags));

        [LibraryImport("libc")]
        private static partial int fcntl(int fd, int command);
    }

    private sealed class CountingHandler(Action onSetup, Action onFinish) : LineHandler
    {
        public override void Setup() => onSetup();

        public override void Finish() => onFinish();
    }
}
