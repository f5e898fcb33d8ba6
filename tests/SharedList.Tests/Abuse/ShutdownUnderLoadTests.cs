using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using SharedList.Tests.Support;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Scenario 8: SIGTERM while 50 clients pipeline appends. The server stops accepting at once, goes on
/// serving the connected clients (which send a few more batches after the signal), answers every request
/// exactly once with a whole <c>Ack\n</c>, and exits 0 once they leave, well within <c>--shutdown-timeout</c>.
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class ShutdownUnderLoadTests(ITestOutputHelper output)
{
    private const int Clients = 50;
    private const int Batch = 100;
    private const int BatchesBeforeSignal = 5;
    private const int BatchesAfterSignal = 3;
    private const int MaxBatches = 10_000;
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    // Not every model: one with a thread per connection, the async model and a single-threaded loop, as this
    // scenario loads both cores for seconds.
    public static TheoryData<ServerModel> Models => new(ServerModel.Threading, ServerModel.Async, ServerModel.Epoll);

    [Theory]
    [MemberData(nameof(Models))]
    public async Task SIGTERM_under_load_answers_every_request_once_refuses_new_connections_and_exits_0(ServerModel model)
    {
        await using var run = await AbuseRun.StartAsync(output, $"shutdown under load ({model.Name()})", model, "--shutdown-timeout", $"{ShutdownTimeout.TotalSeconds}");
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new int[Clients];
        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(() => AppendUntilAfterSignalAsync(run, client, signalled.Task, () => Interlocked.Increment(ref batches[client])))).ToList();

        // Mid-way: once every client has had a few batches answered. (A client not yet accepted when the stop
        // begins is reset with the rest of the listen backlog: that is the documented stop, not this test.)
        var clock = Stopwatch.StartNew();
        while (Enumerable.Range(0, Clients).Any(client => Volatile.Read(ref batches[client]) < BatchesBeforeSignal) && !clients.Any(c => c.IsFaulted))
        {
            Assert.True(clock.Elapsed < AbuseRun.ReplyTimeout, "the clients did not get going");
            await Task.Delay(10);
        }

        var batchesBeforeSignal = batches.Sum();
        var sinceSignal = Stopwatch.StartNew();
        run.Server.Signal(Signals.Terminate);
        signalled.SetResult();

        // New connections are refused from the moment the stop is logged.
        await run.Server.WaitForStandardErrorAsync("no new connections", AbuseRun.ReplyTimeout);
        var refusing = Stopwatch.StartNew();
        while (!IsRefused(run))
        {
            Assert.True(refusing.Elapsed < TimeSpan.FromSeconds(5), "new connections were still accepted 5 s after the stop");
            await Task.Delay(5);
        }

        var refusedAfter = sinceSignal.Elapsed;
        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(IsRefused(run), "a new connection was accepted after the stop"));

        var results = await Task.WhenAll(clients);
        var exitCode = await run.Server.WaitForExitAsync(ShutdownTimeout + TimeSpan.FromSeconds(10));
        var exitedAfter = sinceSignal.Elapsed;

        run.Record("load", $"{Clients} connections, each writing batches of {Batch} appends in one write and reading the {Batch} replies");
        run.Record("batches answered before / after SIGTERM", $"{batchesBeforeSignal} / {results.Sum(r => r.AfterSignal)} (each client {BatchesAfterSignal} after it saw the signal)");
        run.Record("requests answered", $"{results.Sum(r => r.Requests)}, each with exactly one whole 'Ack\\n', no byte more before EOF");
        run.Record("new connections refused", $"{Figure.Seconds(refusedAfter)} after the signal, and every attempt after that");
        run.Record("server exit", $"code {exitCode}, {Figure.Seconds(exitedAfter)} after the signal (--shutdown-timeout {ShutdownTimeout.TotalSeconds} s)");
        run.Record("server RSS before / peak", $"{Figure.Bytes(run.Memory.Baseline)} / {Figure.Bytes(run.Memory.Peak)}");
        Assert.Equal(0, exitCode);
        Assert.True(exitedAfter < ShutdownTimeout, $"the server took {exitedAfter} to exit, longer than --shutdown-timeout");
        // "Waiting for …" is logged only when clients are still connected as the server takes the signal; on a busy
        // machine they may have finished their batches by then.
        Assert.Contains("Server stopped", run.Server.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Drain time over", run.Server.StandardError, StringComparison.Ordinal);
    }

    private static async Task<(long Requests, int AfterSignal)> AppendUntilAfterSignalAsync(AbuseRun run, int client, Task signalled, Func<int> answered)
    {
        using var connection = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
        var requests = 0L;
        var afterSignal = 0;
        for (var batch = 0; batch < MaxBatches && afterSignal < BatchesAfterSignal; batch++)
        {
            var seenSignal = signalled.IsCompleted;
            var lines = new StringBuilder();
            for (var i = 0; i < Batch; i++)
            {
                lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"s{client}-{batch}-{i}\n");
            }

            Assert.True(await connection.TrySendAsync(Encoding.ASCII.GetBytes(lines.ToString())), $"client {client}: the server closed the connection during batch {batch}");
            for (var i = 0; i < Batch; i++)
            {
                var reply = await connection.Reader.ReadLineAsync(AbuseRun.ReplyTimeout);
                Assert.True(reply == "Ack", $"client {client}, batch {batch}, request {i}: got '{reply}'");
            }

            requests += Batch;
            answered();
            afterSignal += seenSignal ? 1 : 0;
        }

        // Done: nothing more may come, not even part of a line, before the server's FIN.
        connection.Socket.Shutdown(SocketShutdown.Send);
        Assert.Null(await connection.Reader.ReadLineAsync(AbuseRun.ReplyTimeout));
        Assert.False(connection.Reader.HasPartialLine, $"client {client}: a partial reply after the last one");
        return (requests, afterSignal);
    }

    private static bool IsRefused(AbuseRun run)
    {
        try
        {
            using var socket = new Socket(run.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(run.EndPoint);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }
}
