using System.Diagnostics;
using System.Net;
using SharedList.Tests.Support;

namespace SharedList.Tests.Durability;

/// <summary>
/// Rounds of crash under load: start <c>sharedlist serve</c> on one data directory, check the list it recovered
/// against every round before, put <see cref="Clients"/> clients appending, and <c>kill -9</c> it after a random
/// time of load. A last start checks the last round.
/// </summary>
/// <param name="output">Where each round's figures are written.</param>
/// <param name="serverOptions">The options of <c>serve</c> besides the port, e.g. <c>--data DIR --fsync always</c>.</param>
/// <param name="seed">Seeds the load times, so a failing run can be repeated.</param>
internal sealed class CrashRounds(ITestOutputHelper output, IReadOnlyList<string> serverOptions, int seed)
{
    public const int Clients = 50;

    private const int SigKill = 9;
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    // The kill comes once the round has this many Acks, a seeded random count: a random moment of the load, reached
    // by a condition rather than a clock, so a slow machine shifts it in time but not in the work it interrupts.
    private const int FewestAcks = 20;
    private const int MostAcks = 600;

    private readonly RecoveryCheck _check = new();
    private readonly Random _random = new(seed);

    /// <summary>The items a round acknowledged that are missing after the restart that ends it, by round.</summary>
    public List<int> LostByRound { get; } = [];

    /// <summary>Every violation of order, phantom or duplicate found, with its round.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Replies other than <c>Ack</c> to an append, with their round.</summary>
    public List<string> OtherReplies { get; } = [];

    /// <summary>Starts that found a torn tail (a record the kill cut in mid-write) and cut it.</summary>
    public int TornTails { get; private set; }

    /// <summary>Acknowledged items, by round.</summary>
    public List<int> AckedByRound { get; } = [];

    /// <summary>Runs <paramref name="rounds"/> rounds and the last check.</summary>
    public async Task RunAsync(int rounds)
    {
        output.WriteLine($"serve {string.Join(' ', serverOptions)}; {rounds} rounds of {Clients} clients; seed {seed}");
        var total = Stopwatch.StartNew();
        for (var round = 0; round <= rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var (server, endPoint) = await CliProcess.StartServerAsync([.. serverOptions]);
            await using (server)
            {
                var started = clock.Elapsed;
                var (length, lost) = await CheckRecoveredAsync(endPoint, round);

                // Written before the readiness line, so read by the time LIST is answered.
                if (server.StandardError.Contains("torn tail", StringComparison.Ordinal))
                {
                    TornTails++;
                }

                if (round == rounds)
                {
                    output.WriteLine($"last start: {length} items, {lost} acknowledged lost, started in {started.TotalMilliseconds:F0} ms");
                    break;
                }

                var load = await AppendLoad.StartAsync(endPoint, round, Clients, Timeout);
                int killAt;
                await using (load)
                {
                    killAt = _random.Next(FewestAcks, MostAcks + 1);
                    await Eventually.TrueAsync(() => load.Acked >= killAt || server.HasExited, Timeout, $"{killAt} Acks in the round");
                    Assert.False(server.HasExited, $"the server exited by itself in round {round}: {server.StandardError}");
                    server.Signal(SigKill);
                    await server.WaitForExitAsync(Timeout);
                    await load.WaitForEndAsync(Timeout);
                }

                _check.Add(load.Histories);
                AckedByRound.Add(load.Histories.Sum(history => history.Acked));
                OtherReplies.AddRange(load.Histories.SelectMany(history => history.OtherReplies).Select(reply => $"round {round}: {reply}"));
                output.WriteLine($"round {round,2}: {length,6} items at start ({lost} acknowledged lost in all), started in {started.TotalMilliseconds:F0} ms; "
                    + $"killed after {killAt} Acks: {AckedByRound[^1]} acknowledged, "
                    + $"{load.Histories.Sum(history => history.Sent.Count)} sent; round took {clock.Elapsed.TotalMilliseconds:F0} ms");
            }
        }

        output.WriteLine($"{rounds} rounds in {total.Elapsed.TotalSeconds:F1} s; {_check.AckedCount} acknowledged in all; {TornTails} torn tails cut; "
            + $"worst loss in a round: {(LostByRound.Count > 0 ? LostByRound.Max() : 0)}");
    }

    private async Task<(int Length, int Lost)> CheckRecoveredAsync(IPEndPoint endPoint, int round)
    {
        using var connection = await LineConnection.ConnectAsync(endPoint, bufferBytes: 64 << 20);
        var list = ListReply.ParseSimple(connection.Request("LIST"));
        var (lost, violations) = _check.Check(list);
        if (round > 0)
        {
            // Loss from earlier rounds shows as the list before this round not kept, among the violations.
            LostByRound.Add(lost.Count(item => item.StartsWith(AppendLoad.ItemPrefix(round - 1), StringComparison.Ordinal)));
        }

        Violations.AddRange(violations.Take(20).Select(violation => $"after round {round - 1}: {violation}"));
        if (lost.Count > 0)
        {
            output.WriteLine($"after round {round - 1}: {lost.Count} acknowledged items lost, e.g. {string.Join(", ", lost.Take(5))}");
        }

        return (list.Count, lost.Count);
    }
}
