namespace SharedList.Tests.Durability;

/// <summary>
/// <c>kill -9</c> of <c>sharedlist serve --data</c> at random moments of a 50-client load, 20 times on one data
/// directory. A process kill leaves what the server wrote to the kernel in place, so under every fsync mode no
/// acknowledged item may be lost; only a machine that dies loses <c>everysec</c>'s last second, which a test
/// cannot do to its own machine.
/// </summary>
public sealed class CrashUnderLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 20;

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sharedlist-crash-");

    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    public async Task After_each_kill_every_acknowledged_item_is_there_in_each_clients_order_and_nothing_else(string fsync)
    {
        var seed = Random.Shared.Next();
        var rounds = new CrashRounds(output, ["--data", _data.FullName, "--fsync", fsync], seed);
        await rounds.RunAsync(Rounds);

        Assert.True(rounds.Violations.Count == 0, $"seed {seed}:\n{string.Join('\n', rounds.Violations)}");
        Assert.True(rounds.OtherReplies.Count == 0, $"seed {seed}: appends answered other than Ack:\n{string.Join('\n', rounds.OtherReplies.Take(20))}");
        Assert.All(rounds.AckedByRound, acked => Assert.True(acked > 0, $"seed {seed}: a round without load"));
        Assert.True(rounds.LostByRound.All(lost => lost == 0), $"seed {seed}, --fsync {fsync}: acknowledged items lost after a process kill, by round: {string.Join(", ", rounds.LostByRound)}");
    }

    [Fact]
    public async Task The_check_sees_the_memory_store_lose_every_acknowledged_item()
    {
        // The memory store keeps nothing across a restart: a check that did not report it would prove nothing.
        var rounds = new CrashRounds(output, [], Random.Shared.Next());
        await rounds.RunAsync(2);

        Assert.Equal(rounds.AckedByRound, rounds.LostByRound);
        Assert.All(rounds.AckedByRound, acked => Assert.True(acked > 0));
    }

    public void Dispose() => _data.Delete(recursive: true);
}
