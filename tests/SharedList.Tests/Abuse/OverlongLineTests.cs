using System.Diagnostics;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Scenario 5: 1 MB lines with no newline, to make the server buffer them. Each gets <c>ERR message too
/// long</c> once <c>--max-message</c> bytes are buffered, and is closed; the server never holds more than
/// one message's worth per connection.
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class OverlongLineTests(ITestOutputHelper output)
{
    private const int Abusers = 20;
    private const int LineBytes = 1 << 20;
    private const int Chunk = 64 * 1024;

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Megabyte_lines_get_message_too_long_and_are_closed(ServerModel model)
    {
        await using var run = await AbuseRun.StartAsync(output, $"over-long lines ({model.Name()})", model, AbuseModels.OptionsFor(model));
        await run.StartClientsAsync();

        var results = new List<(long Sent, TimeSpan TimeToClose)>();
        if (run.IsSequential)
        {
            // One connection at a time: each waits its turn like everyone else.
            for (var i = 0; i < Abusers; i++)
            {
                results.Add(await SendOverlongAsync(run));
            }
        }
        else
        {
            results.AddRange(await Task.WhenAll(Enumerable.Range(0, Abusers).Select(_ => SendOverlongAsync(run))));
        }

        run.Record("abusers", $"{Abusers} connections, each sending a {Figure.Bytes(LineBytes)} line without a newline in {Figure.Bytes(Chunk)} writes");
        run.Record("abuser bytes written before the close", $"{Figure.Bytes(results.Min(r => r.Sent))}–{Figure.Bytes(results.Max(r => r.Sent))} per connection (kernel buffers take most of it: the server buffers at most 64 KB plus one read, and drops what else arrived at close)");
        run.Record("time to close abusers (connect → EOF)", Figure.Spread([.. results.Select(r => r.TimeToClose)]));
        await run.FinishAsync();
    }

    private static async Task<(long Sent, TimeSpan TimeToClose)> SendOverlongAsync(AbuseRun run)
    {
        var clock = Stopwatch.StartNew();
        using var abuser = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
        var chunk = new byte[Chunk];
        Array.Fill(chunk, (byte)'a');
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var sent = 0; sent < LineBytes && !stop.IsCancellationRequested; sent += Chunk)
            {
                if (!await abuser.TrySendAsync(chunk, stop.Token))
                {
                    return;
                }
            }
        });

        var reply = await abuser.Reader.ReadLineAsync(AbuseRun.ReplyTimeout);
        Assert.Equal("ERR message too long", reply);
        Assert.True(await abuser.Reader.WaitForCloseAsync(AbuseRun.ReplyTimeout), "the connection stayed open after ERR message too long");
        var timeToClose = clock.Elapsed;
        await stop.CancelAsync();
        await sender;
        return (abuser.BytesSent, timeToClose);
    }
}
