using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Stores;
using SharedList.Stores.Journal;

namespace SharedList.Benchmarks;

/// <summary>
/// Start-up with the journal store: opening a journal of 1,000,000 16-byte appends (41 MB: every record checked,
/// every item rendered into its list), the goal being at most 1 s. Each open is one operation, so few are run,
/// in this process: a separate build of the benchmark buys nothing for an operation of a third of a second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ReplayConfig))]
public class JournalReplayBenchmarks
{
    private const int Items = 1_000_000;

    private DirectoryInfo? _directory;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("journal-replay-");
        using var store = Open();
        var list = store.GetList("sharedlist");
        var item = "abcdefghijklmnop"u8.ToArray();
        long last = 0;
        for (var i = 0; i < Items; i++)
        {
            last = list.Append(item).Ticket;
            if (i % 10_000 == 9_999)
            {
                store.Committer.Commit(last);
            }
        }

        store.Committer.Commit(last);
    }

    [GlobalCleanup]
    public void Cleanup() => _directory?.Delete(recursive: true);

    /// <summary>Opens the journal (replay, every record checked) and closes it.</summary>
    [Benchmark]
    public int ReplayOf1000000Items()
    {
        using var store = Open();
        return store.GetList("sharedlist").Read().Snapshot.Count;
    }

    private JournalListStore Open() =>
        JournalListStore.Open(new JournalOptions { Directory = _directory!.FullName, Fsync = FsyncPolicy.No }, NullLogger.Instance);

    private sealed class ReplayConfig : ManualConfig
    {
        public ReplayConfig() =>
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(15)
                .WithToolchain(InProcessEmitToolchain.Instance));
    }
}
