using System.Net.Sockets;
using SharedList.Protocol;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Scenario 4: binary garbage from several connections, split at random points. Each connection gets
/// exactly the replies the protocol owes each of its lines (checked one by one), nothing crashes, and no
/// one else notices.
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class GarbageInputTests(ITestOutputHelper output)
{
    private const int Senders = 8;
    private const int BytesEach = 256 * 1024;
    private const int MaxMessage = 65_536;
    private const int Seed = 4242;

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Binary_garbage_gets_the_documented_reply_for_every_line_and_harms_no_one(ServerModel model)
    {
        await using var run = await AbuseRun.StartAsync(output, $"binary garbage ({model.Name()})", model, AbuseModels.OptionsFor(model));
        await run.StartClientsAsync();

        // Two of the senders end with a line over --max-message: answered, then closed.
        var scripts = Enumerable.Range(0, Senders).Select(i => GarbageScript.Generate(new Random(Seed + i), BytesEach, MaxMessage, overlong: i < 2)).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // The sequential model serves the senders one after another, like everyone else.
        var results = run.IsSequential
            ? await SequentiallyAsync(scripts, script => SendAsync(run, script))
            : await Task.WhenAll(scripts.Select(script => SendAsync(run, script)));

        // What the garbage appended must be in the final list too, as often as it was acknowledged, written as
        // LIST writes it (the item between its quotes, escapes and all).
        run.AlsoAcked(scripts.SelectMany(script => script.Appended).Select(item => PythonListRenderer.RenderToString([item])[2..^2]));
        run.Record("abusers", $"{Senders} connections, {Figure.Bytes(BytesEach)} of random lines each in random chunks of 1 B–4 KB (seeds {Seed}…{Seed + Senders - 1}), 2 ending with a line over {MaxMessage} bytes");
        run.Record("abuser bytes sent", Figure.Bytes(results.Sum(r => r.Sent)));
        run.Record("replies checked", string.Join(", ", results.SelectMany(r => r.Replies).GroupBy(reply => reply).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} '{g.Key}'")));
        run.Record("time for all garbage to be answered", Figure.Seconds(clock.Elapsed));
        await run.FinishAsync();
    }

    private static async Task<T[]> SequentiallyAsync<TIn, T>(IEnumerable<TIn> inputs, Func<TIn, Task<T>> action)
    {
        var results = new List<T>();
        foreach (var input in inputs)
        {
            results.Add(await action(input));
        }

        return [.. results];
    }

    private static async Task<(long Sent, IReadOnlyList<string> Replies)> SendAsync(AbuseRun run, GarbageScript script)
    {
        using var connection = await AbusiveConnection.OpenAsync(run.EndPoint, AbuseRun.ReplyTimeout);
        var random = new Random(script.Bytes.Length);
        var sender = Task.Run(async () =>
        {
            for (var offset = 0; offset < script.Bytes.Length;)
            {
                var chunk = Math.Min(random.Next(1, 4097), script.Bytes.Length - offset);
                if (!await connection.TrySendAsync(script.Bytes.AsMemory(offset, chunk)))
                {
                    return;
                }

                offset += chunk;
            }

            // Done: the server answers what it has and closes, dropping the unfinished last line.
            connection.Socket.Shutdown(SocketShutdown.Send);
        });

        var replies = new List<string>();
        foreach (var expected in script.Replies)
        {
            var reply = await connection.Reader.ReadLineAsync(AbuseRun.ReplyTimeout);
            Assert.True(reply == expected, $"reply {replies.Count} of {script.Replies.Count}: expected '{expected}', got '{reply}'");
            replies.Add(reply);
        }

        Assert.True(await connection.Reader.WaitForCloseAsync(AbuseRun.ReplyTimeout), "the server did not close the connection after the last reply");
        Assert.Equal(0, connection.Reader.BytesReceived - ReplyBytes(replies));
        await sender;
        return (connection.BytesSent, replies);
    }

    private static long ReplyBytes(IEnumerable<string> replies) => replies.Sum(reply => reply.Length + 1L);
}
