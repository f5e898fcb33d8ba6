using System.Diagnostics;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Scenario 1, slow-loris: connections that dribble a message one byte at a time and never finish it, to
/// hold the server's buffers and (in the blocking models) its threads. The stall timeout closes each one.
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class SlowLorisTests(ITestOutputHelper output)
{
    private const int StallSeconds = 1;
    private static readonly TimeSpan Drip = TimeSpan.FromMilliseconds(50);

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Slow_loris_connections_are_closed_by_the_stall_timeout(ServerModel model)
    {
        // The sequential model serves one connection at a time, so each loris holds everyone else up for the
        // whole stall timeout: 50 of them would be 50 s. Five show the same thing.
        var lorises = model == ServerModel.Sequential ? 5 : 50;
        await using var run = await AbuseRun.StartAsync(output, $"slow-loris ({model.Name()})", model, ["--stall-timeout", $"{StallSeconds}", .. AbuseModels.OptionsFor(model)]);
        await run.StartClientsAsync();

        // A loris waits for a free worker (pool) or its turn (sequential) before its stall clock starts.
        var waves = AbuseModels.FreeSlots(model) is { } slots ? (lorises + slots - 1) / slots : 1;
        var bound = TimeSpan.FromSeconds((waves * StallSeconds) + 3);
        var results = await Task.WhenAll(Enumerable.Range(0, lorises).Select(_ => DribbleUntilClosedAsync(run, bound)));
        await run.Clients.WaitForProgressAsync(100, AbuseRun.ReplyTimeout);

        run.Record("abusers", $"{lorises} connections, one byte every {Drip.TotalMilliseconds} ms, no newline");
        run.Record("abuser bytes sent", $"{results.Sum(r => r.BytesSent)} in total, at most {results.Max(r => r.BytesSent)} on one connection");
        run.Record("time to close abusers (first byte → server's close)", Figure.Spread([.. results.Select(r => r.TimeToClose)]));
        run.Record("bound asserted", Figure.Seconds(bound));
        Assert.All(results, r => Assert.True(r.ClosedByServer, $"a loris was still open after {bound.TotalSeconds} s"));
        Assert.All(results, r => Assert.Equal(0, r.BytesReceived));
        await run.FinishAsync();
    }

    private static async Task<(bool ClosedByServer, TimeSpan TimeToClose, long BytesSent, long BytesReceived)> DribbleUntilClosedAsync(AbuseRun run, TimeSpan bound)
    {
        using var loris = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
        var closed = loris.Reader.WaitForCloseAsync(bound + TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        byte[] drop = [(byte)'x'];
        while (!closed.IsCompleted && clock.Elapsed < bound && await loris.TrySendAsync(drop))
        {
            await Task.WhenAny(closed, Task.Delay(Drip));
        }

        var byServer = await closed;
        return (byServer && clock.Elapsed <= bound + TimeSpan.FromSeconds(2), clock.Elapsed, loris.BytesSent, loris.Reader.BytesReceived);
    }
}
