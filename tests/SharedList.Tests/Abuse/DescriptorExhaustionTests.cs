using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Scenario 7: the server runs out of file descriptors, its limit lowered with <c>prlimit</c> to just
/// above what it uses. It keeps the last 32 below the limit for the runtime (SocketServer's
/// <c>DescriptorReserve</c>: .NET needs descriptors to start a thread, and without them the process dies),
/// so the connection that would eat into them is refused with <c>ERR too many connections</c>. Accepting
/// "fails"; the server logs that once per burst, not once per refused connection, keeps serving the clients
/// it has, and accepts again, saying so, once descriptors are freed.
/// </summary>
/// <remarks>
/// Not on <c>sequential</c>: its well-behaved clients connect per request, so they would be the ones refused.
/// </remarks>
[Collection(AbuseCollection.Name)]
public sealed partial class DescriptorExhaustionTests(ITestOutputHelper output)
{
    private const string Failed = "Accepting connections failed";
    private const string Again = "Accepting connections again after";

    // SocketServer keeps 32 descriptors (DescriptorReserve.Reserved); 8 more are left for connections.
    private const int FreeDescriptors = 32 + 8;
    private const int MaxHolders = 200;
    private const int RefusedMeanwhile = 10;

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task Out_of_descriptors_the_server_refuses_logs_once_per_burst_keeps_serving_and_recovers(ServerModel model)
    {
        var prlimit = RequiredTool.Prlimit.Require("the server's open-file limit cannot be lowered");
        await using var run = await AbuseRun.StartAsync(output, $"out of descriptors ({model.Name()})", model, AbuseModels.OptionsFor(model));
        await run.StartClientsAsync();
        var sockets = ProcStatus.OpenSockets(run.Server.Id);
        var limit = LimitLeavingFree(run.Server.Id, FreeDescriptors);
        await DescriptorLimit.SetAsync(prlimit, run.Server.Id, limit);
        run.Record("descriptor limit", $"prlimit --nofile={limit}:{limit}, leaving {FreeDescriptors} descriptors free ({ProcStatus.OpenSockets(run.Server.Id)} sockets open)");

        for (var burst = 1; burst <= 2; burst++)
        {
            // The connections of the burst before are closed on our side; wait until they are on the server's
            // too, or one of their descriptors, freed late, would let in a connection expected to be refused.
            await Eventually.TrueAsync(() => ProcStatus.OpenSockets(run.Server.Id) <= sockets, AbuseRun.ReplyTimeout, "the server to close the last burst's connections");
            var admitted = await OpenUntilRefusedAsync(run, burst);

            // The refused client may read its reply before the server's log is written.
            await Eventually.TrueAsync(() => ServerLog.Lines(run.Server.StandardError, Failed) == burst, AbuseRun.ReplyTimeout, $"'{Failed}' line {burst}");

            // While out of descriptors the connected clients are still served, and further connections are
            // refused without another log line.
            var exhausted = Stopwatch.StartNew();
            await run.Clients.WaitForProgressAsync(2_000, AbuseRun.ReplyTimeout);
            await AssertRefusedAsync(run, RefusedMeanwhile);
            var servedMeanwhile = exhausted.Elapsed;
            Assert.Equal(burst, ServerLog.Lines(run.Server.StandardError, Failed));

            // Freeing descriptors lets new connections in again.
            var freed = Stopwatch.StartNew();
            foreach (var holder in admitted)
            {
                holder.Dispose();
            }

            var recovery = await ServedAgainAsync(run);
            await Eventually.TrueAsync(() => ServerLog.Lines(run.Server.StandardError, Again) == burst, AbuseRun.ReplyTimeout, $"'{Again}' line {burst}");
            var attempts = FailedAttempts().Matches(run.Server.StandardError).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Last();
            Assert.True(attempts >= 1 + RefusedMeanwhile, $"the burst counted {attempts} failed accept(s); {1 + RefusedMeanwhile} connections were refused");
            Assert.Equal(burst, ServerLog.Lines(run.Server.StandardError, Failed));
            run.Record($"burst {burst}", $"{admitted.Count} connections admitted, then refused with 'ERR too many connections'; while out of descriptors 2000 well-behaved requests were answered and {RefusedMeanwhile} more connections refused ({Figure.Seconds(servedMeanwhile)}); {attempts} refused accepts logged as one line; a new connection served {Figure.Seconds(recovery)} after {admitted.Count} connections closed");
        }

        run.Record("log lines", $"{ServerLog.Lines(run.Server.StandardError, Failed)} '{Failed}', {ServerLog.Lines(run.Server.StandardError, Again)} '{Again} …'");
        await run.FinishAsync(Failed);
    }

    // The lowest limit below which exactly `free` descriptor numbers are unused.
    private static int LimitLeavingFree(int pid, int free)
    {
        var used = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Select(path => int.Parse(Path.GetFileName(path), System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var limit = 0;
        for (var unused = 0; unused < free; limit++)
        {
            unused += used.Contains(limit) ? 0 : 1;
        }

        return limit;
    }

    // Opens connections, each sending one append, until one is refused. Returns the ones admitted.
    private static async Task<List<AbusiveConnection>> OpenUntilRefusedAsync(AbuseRun run, int burst)
    {
        var admitted = new List<AbusiveConnection>();
        try
        {
            for (var i = 0; i < MaxHolders; i++)
            {
                var holder = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
                var item = $"holder-{burst}-{i}";
                await holder.TrySendAsync(Encoding.ASCII.GetBytes(item + "\n"));
                var reply = await holder.Reader.ReadLineAsync(AbuseRun.ReplyTimeout);
                if (reply == "Ack")
                {
                    run.AlsoAcked([item]);
                    admitted.Add(holder);
                    continue;
                }

                Assert.Equal("ERR too many connections", reply);
                Assert.True(await holder.Reader.WaitForCloseAsync(AbuseRun.ReplyTimeout), "a refused connection was left open");
                holder.Dispose();
                return admitted;
            }

            Assert.Fail($"no connection was refused after {MaxHolders}");
            throw new InvalidOperationException();
        }
        catch
        {
            foreach (var holder in admitted)
            {
                holder.Dispose();
            }

            throw;
        }
    }

    // Several at once: each is refused after the one before it (accepting pauses 100 ms after each refusal).
    private static async Task AssertRefusedAsync(AbuseRun run, int count)
    {
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            using var refused = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);

            // A request, so that a connection let in by mistake says so at once instead of waiting for one.
            await refused.TrySendAsync("LIST\n"u8.ToArray());
            Assert.Equal("ERR too many connections", await refused.Reader.ReadLineAsync(AbuseRun.ReplyTimeout));
        }));
    }

    // Connects until a connection is served (the server may still be pausing after the last refusal).
    private static async Task<TimeSpan> ServedAgainAsync(AbuseRun run)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var fresh = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
            await fresh.TrySendAsync("LIST\n"u8.ToArray());
            var reply = await fresh.Reader.ReadLineAsync(AbuseRun.ReplyTimeout);
            if (reply is not null && reply.StartsWith('['))
            {
                return clock.Elapsed;
            }

            Assert.Equal("ERR too many connections", reply);
            Assert.True(clock.Elapsed < AbuseRun.ReplyTimeout, "no new connection was served after descriptors were freed");
        }
    }

    [GeneratedRegex(@"Accepting connections again after (\d+) failed attempt")]
    private static partial Regex FailedAttempts();
}
