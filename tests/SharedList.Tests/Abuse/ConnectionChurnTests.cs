using System.Text;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Scenario 3: thousands of connections opened and dropped at random — reset (RST) or closed (FIN), before
/// sending anything, in the middle of a message, or after a request without reading its reply. Every model
/// must release each one (no descriptor leaked), store nothing half-sent, and log none of it as an error.
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class ConnectionChurnTests(ITestOutputHelper output)
{
    private const int Connections = 2_000;
    private const int Parallelism = 32;

    private enum Drop
    {
        ResetAtOnce,
        CloseAtOnce,
        ResetMidMessage,
        CloseMidMessage,
        ResetAfterList,
        CloseAfterAppend,
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Connections_dropped_at_random_are_all_released_and_store_nothing_half_sent(ServerModel model)
    {
        await using var run = await AbuseRun.StartAsync(output, $"connection churn ({model.Name()})", model, AbuseModels.OptionsFor(model));
        await run.StartClientsAsync();
        var socketsBefore = ProcStatus.OpenSockets(run.Server.Id);

        var random = new Random(20240603);
        var plan = Enumerable.Range(0, Connections).Select(i => (Index: i, Drop: (Drop)random.Next(Enum.GetValues<Drop>().Length))).ToList();
        var sent = 0L;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (step, _) =>
        {
            Interlocked.Add(ref sent, await DropAsync(run, step.Index, step.Drop));
        });
        var churnTime = clock.Elapsed;

        // Every dropped connection is released: the server's sockets come back to what the well-behaved clients
        // alone need (give or take the one a well-behaved client connecting per request holds).
        var slack = run.IsSequential ? 2 : 0;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        int socketsAfter;
        while ((socketsAfter = ProcStatus.OpenSockets(run.Server.Id)) > socketsBefore + slack && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        run.Record("abusers", $"{Connections} connections, {Parallelism} at a time: {string.Join(", ", plan.GroupBy(p => p.Drop).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}");
        run.Record("abuser bytes sent", sent);
        run.Record("churn time", $"{Figure.Seconds(churnTime)} ({Connections / churnTime.TotalSeconds:F0} connections/s)");
        run.Record("server sockets before / after", $"{socketsBefore} / {socketsAfter}");
        Assert.True(socketsAfter <= socketsBefore + slack, $"the server holds {socketsAfter} sockets, {socketsBefore} before the churn: dropped connections leaked");
        await run.FinishAsync();

        // A message cut off by its sender is never stored, not even in part.
        var list = await ListAsync(run);
        Assert.DoesNotContain("cut-", list, StringComparison.Ordinal);
    }

    // Returns the bytes sent.
    private static async Task<int> DropAsync(AbuseRun run, int index, Drop drop)
    {
        using var connection = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
        var message = drop switch
        {
            Drop.ResetMidMessage or Drop.CloseMidMessage => $"cut-{index}",
            Drop.ResetAfterList => "LIST\n",
            Drop.CloseAfterAppend => $"dropped-{index}\n",
            _ => "",
        };
        if (message.Length > 0)
        {
            await connection.TrySendAsync(Encoding.ASCII.GetBytes(message));
        }

        if (drop is Drop.ResetAtOnce or Drop.ResetMidMessage or Drop.ResetAfterList)
        {
            connection.Reset();
        }

        return message.Length;
    }

    private static async Task<string> ListAsync(AbuseRun run)
    {
        using var connection = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
        await connection.TrySendAsync("LIST\n"u8.ToArray());
        return await connection.Reader.ReadLineAsync(AbuseRun.ReplyTimeout) ?? "";
    }
}
