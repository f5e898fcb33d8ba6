using System.Diagnostics;
using System.Text;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Scenario 6: a flood of connections past <c>--max-connections</c>. With the well-behaved clients and
/// fillers holding every slot, each extra connection reads <c>ERR too many connections</c> and EOF; the
/// connections already admitted notice nothing.
/// </summary>
/// <remarks>
/// Not run on <c>sequential</c>: it serves one connection at a time, so the limit can never be reached
/// (README); a flood there is just a queue in the listen backlog, as the slow-loris run on it shows.
/// </remarks>
[Collection(AbuseCollection.Name)]
public sealed class ConnectionFloodTests(ITestOutputHelper output)
{
    private const int Limit = 64;
    private const int Extras = 200;
    private const int Parallelism = 50;

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task Connections_past_the_limit_are_refused_with_an_error_and_the_admitted_ones_are_unaffected(ServerModel model)
    {
        await using var run = await AbuseRun.StartAsync(output, $"connection flood ({model.Name()})", model, ["--max-connections", $"{Limit}", .. AbuseModels.OptionsFor(model)]);
        await run.StartClientsAsync();
        var socketsBefore = ProcStatus.OpenSockets(run.Server.Id);

        // Fill every slot the well-behaved clients left. The server accepts in arrival order, so these are all
        // admitted before any extra arrives.
        var fillers = new List<AbusiveConnection>();
        for (var i = 0; i < Limit - WellBehavedClients.DefaultCount; i++)
        {
            fillers.Add(await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout));
        }

        try
        {
            var closes = new List<TimeSpan>();
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, Extras), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (_, _) =>
            {
                var started = Stopwatch.GetTimestamp();
                using var extra = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
                Assert.Equal("ERR too many connections", await extra.Reader.ReadLineAsync(AbuseRun.ReplyTimeout));
                Assert.True(await extra.Reader.WaitForCloseAsync(AbuseRun.ReplyTimeout), "a refused connection was left open");
                lock (closes)
                {
                    closes.Add(Stopwatch.GetElapsedTime(started));
                }
            });
            var floodTime = clock.Elapsed;

            await Eventually.TrueAsync(() => ServerLog.Lines(run.Server.StandardError, "the connection limit") >= Extras, AbuseRun.ReplyTimeout, "a 'Refused' log line for every extra connection");
            var refusals = ServerLog.Lines(run.Server.StandardError, "the connection limit");

            // The fillers were admitted and are served. A pool worker serves one connection until it closes, so
            // there only the fillers that got one of the free workers answer; the rest wait in its queue.
            var served = AbuseModels.FreeSlots(model) ?? fillers.Count;
            var fillerItems = new List<string>();
            for (var i = 0; i < Math.Min(served, fillers.Count); i++)
            {
                var item = $"filler-{i}";
                await fillers[i].TrySendAsync(Encoding.ASCII.GetBytes(item + "\n"));
                Assert.Equal("Ack", await fillers[i].Reader.ReadLineAsync(AbuseRun.ReplyTimeout));
                fillerItems.Add(item);
            }

            run.AlsoAcked(fillerItems);
            run.Record("abusers", $"{Extras} connections past --max-connections {Limit}, {Parallelism} at a time, after {fillers.Count} fillers took the slots the {WellBehavedClients.DefaultCount} well-behaved clients left");
            run.Record("connections held by the server", $"{Limit} (16 well-behaved + {fillers.Count} fillers; {fillerItems.Count} fillers answered a request after the flood, {fillers.Count - fillerItems.Count} waiting for a pool worker)");
            run.Record("refused", $"{closes.Count} read 'ERR too many connections' then EOF; {refusals} 'Refused' log lines");
            run.Record("flood time", $"{Figure.Seconds(floodTime)} ({Extras / floodTime.TotalSeconds:F0} refusals/s)");
            run.Record("time to close abusers (connect → EOF)", Figure.Spread(closes));
            Assert.Equal(Extras, refusals);
        }
        finally
        {
            foreach (var filler in fillers)
            {
                filler.Dispose();
            }
        }

        // Once the server has let the fillers go (a pool worker must first take each queued one off its queue)
        // there is a slot for the final LIST again.
        await Eventually.TrueAsync(() => ProcStatus.OpenSockets(run.Server.Id) <= socketsBefore, AbuseRun.ReplyTimeout, "the server to release the fillers");
        await run.FinishAsync();
    }
}
