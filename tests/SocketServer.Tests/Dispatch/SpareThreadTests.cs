using System.Collections.Concurrent;
using SocketServer.Dispatch;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Dispatch;

/// <summary><see cref="ThreadPerRequestDispatcher.SpareThreads"/>: requests handed to started threads, each still on a thread of its own.</summary>
public sealed class SpareThreadTests
{
    [Fact]
    public async Task Spares_take_requests_are_replaced_and_each_request_still_gets_a_thread_of_its_own()
    {
        using var dispatcher = new ThreadPerRequestDispatcher { SpareThreads = 2 };
        using var gate = new ManualResetEventSlim();
        var threads = new ConcurrentBag<Thread>();
        var done = 0;
        void Request()
        {
            threads.Add(Thread.CurrentThread);
            gate.Wait(TestClient.Timeout);
            Interlocked.Increment(ref done);
        }

        // The first request starts the spares.
        dispatcher.Dispatch(Request);
        await Eventually.TrueAsync(() => dispatcher.IdleSpareThreads == 2, "two spare threads are waiting");

        for (var i = 0; i < 3; i++)
        {
            dispatcher.Dispatch(Request);
        }

        await Eventually.TrueAsync(() => threads.Count == 4, "every request is running");
        Assert.Equal(4, threads.Distinct().Count());
        Assert.Equal(4, dispatcher.RunningThreads);
        await Eventually.TrueAsync(() => dispatcher.IdleSpareThreads == 2, "the spares taken were replaced");

        gate.Set();
        await Eventually.TrueAsync(() => dispatcher.RunningThreads == 0, "every request has finished");
        Assert.Equal(4, done);
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TestClient.Timeout), $"{thread.Name} outlived its request");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_spare_is_a_background_thread_while_it_waits_and_runs_its_request_as_DaemonThreads_says(bool daemonThreads)
    {
        using var dispatcher = new ThreadPerRequestDispatcher { SpareThreads = 1, DaemonThreads = daemonThreads };
        dispatcher.Dispatch(() => { });
        await Eventually.TrueAsync(() => dispatcher.IdleSpareThreads == 1, "a spare thread is waiting");

        var background = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        dispatcher.Dispatch(() => background.TrySetResult(Thread.CurrentThread.IsBackground));

        Assert.Equal(daemonThreads, await background.Task.WaitAsync(TestClient.Timeout));
    }

    [Fact]
    public async Task Close_waits_for_requests_but_not_for_spares_and_ends_them()
    {
        var dispatcher = new ThreadPerRequestDispatcher { SpareThreads = 3, BlockOnClose = true };
        using var gate = new ManualResetEventSlim();
        var running = new TaskCompletionSource<Thread>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = false;
        dispatcher.Dispatch(() =>
        {
            running.TrySetResult(Thread.CurrentThread);
            gate.Wait(TestClient.Timeout);
            Volatile.Write(ref finished, true);
        });
        var request = await running.Task.WaitAsync(TestClient.Timeout);
        await Eventually.TrueAsync(() => dispatcher.IdleSpareThreads == 3, "three spare threads are waiting");

        // Close takes the spares first; after that the only thing it can block on is the request the test holds.
        var close = new BlockingCall("close", dispatcher.Close);
        await Eventually.TrueAsync(() => dispatcher.IdleSpareThreads == 0, "Close takes the spare threads");
        Assert.True(await close.IsBlockedAsync(), "Close returned while a request was still running");
        Assert.True(request.IsAlive && !Volatile.Read(ref finished), "the request left the gate the test holds");

        gate.Set();
        await close.Returned.WaitAsync(TestClient.Timeout);
        Assert.True(Volatile.Read(ref finished), "Close returned before the request finished");
        Assert.Equal(0, dispatcher.IdleSpareThreads);
        Assert.Equal(0, dispatcher.RunningThreads);

        // Closed: a request is still run, on a thread of its own, but no spare is started for the next one.
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        dispatcher.Dispatch(ran.SetResult);
        await ran.Task.WaitAsync(TestClient.Timeout);
        Assert.Equal(0, dispatcher.IdleSpareThreads);
    }

    [Fact]
    public void A_negative_number_of_spares_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThreadPerRequestDispatcher { SpareThreads = -1 });
}
