using System.Globalization;
using System.Text;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Scenario 2: clients that pipeline thousands of <c>LIST</c> on a large list and never read the replies,
/// to make the server buffer gigabytes of them. The server holds at most one reply budget per connection
/// (a LIST is streamed from an O(1) snapshot), stops reading the non-reader, and the stall timeout closes it.
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class NonReaderTests(ITestOutputHelper output)
{
    private const int StallSeconds = 2;
    private const int PrefillItems = 100_000;
    private const int NonReaders = 4;
    private const int ListsEach = 5_000;

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Clients_that_pipeline_LIST_and_never_read_hold_no_memory_and_are_closed(ServerModel model)
    {
        await using var run = await AbuseRun.StartAsync(output, $"non-reader ({model.Name()})", model, ["--stall-timeout", $"{StallSeconds}", .. AbuseModels.OptionsFor(model)]);

        // 16-byte items: "p" and 15 digits.
        var prefill = Enumerable.Range(0, PrefillItems).Select(i => "p" + i.ToString("D15", CultureInfo.InvariantCulture)).ToList();
        await PipelinedAppends.AppendAsync(run.EndPoint, prefill, TimeSpan.FromSeconds(60));
        run.AlsoAcked(prefill);
        run.Record("prefill", $"{PrefillItems} items of 16 bytes (one LIST reply ≈ {Figure.Bytes(PrefillItems * 20L)})");
        await run.StartClientsAsync();

        var lists = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("LIST\n", ListsEach)));
        var results = await Task.WhenAll(Enumerable.Range(0, NonReaders).Select(_ => NeverReadAsync(run, lists)));

        run.Record("abusers", $"{NonReaders} connections, each sending {ListsEach} pipelined LIST ({Figure.Bytes(lists.Length)}) and reading nothing");
        run.Record("replies asked for", $"{Figure.Bytes((long)NonReaders * ListsEach * PrefillItems * 20)} (what an unbounded server would have buffered)");
        run.Record("abuser bytes sent", $"{Figure.Bytes(results.Min(r => r.Sent))}–{Figure.Bytes(results.Max(r => r.Sent))} per connection before the server stopped reading");
        run.Record("reply bytes the abuser could have read", $"{Figure.Bytes(results.Min(r => r.Received))}–{Figure.Bytes(results.Max(r => r.Received))} per connection (kernel buffers + one budget)");
        run.Record("time to close abusers (start → server's close)", Figure.Spread([.. results.Select(r => r.TimeToClose)]));
        await run.FinishAsync();
    }

    private static async Task<(long Sent, long Received, TimeSpan TimeToClose)> NeverReadAsync(AbuseRun run, byte[] lists)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var abuser = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);

        // The server stops reading once its replies back up, so the send itself stalls; it ends when the server
        // closes the connection, or at the deadline.
        using var sending = new CancellationTokenSource(TimeSpan.FromSeconds(StallSeconds + 20));
        var send = abuser.TrySendAsync(lists, sending.Token);
        // The server's "Closing 127.0.0.1:PORT: it made no progress for 2 s" line for this connection.
        var closing = $"Closing {abuser.LocalEndPoint}: it made no progress";
        await Eventually.TrueAsync(() => run.Server.StandardError.Contains(closing, StringComparison.Ordinal), TimeSpan.FromSeconds(StallSeconds + 15), $"the server to close the non-reader {abuser.LocalEndPoint}");
        var timeToClose = clock.Elapsed;
        await sending.CancelAsync();
        await send;

        // Now read what the server had sent (kernel buffers), to its end: the connection is closed.
        Assert.True(await abuser.Reader.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "the connection was still open after the server said it closed it");
        return (abuser.BytesSent, abuser.Reader.BytesReceived, timeToClose);
    }
}
