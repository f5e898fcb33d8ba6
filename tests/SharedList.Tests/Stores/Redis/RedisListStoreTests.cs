using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SharedList.Stores;
using SharedList.Stores.Redis;
using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores.Redis;

/// <summary>
/// The Redis store against a real redis-server (skipped, saying so, where none is installed) and Garnet in-process:
/// where the lists live, coalescing, the item limit across processes, and the server going away and coming back.
/// </summary>
public sealed class RedisListStoreTests
{
    private const string Key = "sharedlist";

    public static TheoryData<string> Kinds => RedisTarget.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_list_is_the_Redis_list_under_its_own_key(string kind)
    {
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(), new RecordingLogger());

        Assert.Equal(StoreOutcome.Appended, store.AppendCommitted(Key, "a").Outcome);
        Assert.Equal(StoreOutcome.Appended, store.AppendCommitted(Key, "it's \"é\"").Outcome);
        Assert.Equal(StoreOutcome.Appended, store.AppendCommitted("other", "b").Outcome);

        Assert.Equal(["a", "it's \"é\""], target.Items(Key));
        Assert.Equal(["b"], target.Items("other"));

        // What another Redis client pushes is in the list too.
        target.Database().ListRightPush(Key, "from redis");
        var read = store.GetList(Key).Read().Committed(store);
        Assert.Equal(StoreOutcome.Read, read.Outcome);
        Assert.Equal(Str("a", "it's \"é\"", "from redis"), read.Snapshot.ToString());

        Assert.Equal(StoreOutcome.Cleared, store.GetList(Key).Clear().Committed(store).Outcome);
        Assert.False(target.Database().KeyExists(Key));
        Assert.Equal("[]", store.GetList(Key).Read().Committed(store).Snapshot.ToString());
        Assert.Equal(["b"], target.Items("other"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task One_round_trip_carries_every_queued_operation_in_order_and_tells_each_its_own_result(string kind)
    {
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(maxItems: 3), new RecordingLogger());
        var list = store.GetList(Key);

        StoreResult[] queued =
        [
            list.Append("1"u8), list.Append("2"u8), list.Read(), list.Append("3"u8), list.Append("4"u8),
            list.Clear(), list.Append("5"u8), list.Read(),
        ];
        var roundTrips = store.RoundTrips;
        store.Committer.Commit(queued[^1].Ticket);

        Assert.Equal(roundTrips + 1, store.RoundTrips);
        var results = queued.Select(result => result.Resolve()).ToArray();
        Assert.Equal(
            [StoreOutcome.Appended, StoreOutcome.Appended, StoreOutcome.Read, StoreOutcome.Appended, StoreOutcome.Full, StoreOutcome.Cleared, StoreOutcome.Appended, StoreOutcome.Read],
            results.Select(result => result.Outcome));
        Assert.Equal(Str("1", "2"), results[2].Snapshot.ToString());
        Assert.Equal(Str("5"), results[7].Snapshot.ToString());
        Assert.Equal(["5"], target.Items(Key));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_run_longer_than_one_script_call_takes_is_split_and_still_keeps_the_limit(string kind)
    {
        const int MaxItems = RedisListStore.MaxItemsPerPush + 500;
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(MaxItems), new RecordingLogger());
        var list = store.GetList(Key);

        var queued = Enumerable.Range(0, 2 * RedisListStore.MaxItemsPerPush + 7)
            .Select(i => list.Append(System.Text.Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture))))
            .ToArray();
        store.Committer.Commit(queued[^1].Ticket);

        var outcomes = queued.Select(result => result.Resolve().Outcome).ToArray();
        Assert.All(outcomes.Take(MaxItems), outcome => Assert.Equal(StoreOutcome.Appended, outcome));
        Assert.All(outcomes.Skip(MaxItems), outcome => Assert.Equal(StoreOutcome.Full, outcome));
        Assert.Equal(Enumerable.Range(0, MaxItems).Select(i => i.ToString(CultureInfo.InvariantCulture)), target.Items(Key));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Concurrent_appends_are_coalesced_and_every_acknowledged_item_is_stored_once_in_each_writers_order(string kind)
    {
        const int Writers = 32;
        const int ItemsPerWriter = 50;
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(), new RecordingLogger());
        var roundTripsBefore = store.RoundTrips;
        var scriptCallsBefore = ScriptCalls(target);

        // Each writer is a connection on a thread of its own: an append, its commit, then the next.
        var acknowledged = new ConcurrentBag<string>();
        var writers = Enumerable.Range(0, Writers).Select(writer => new Thread(() =>
        {
            for (var n = 0; n < ItemsPerWriter; n++)
            {
                var item = $"w{writer}-{n}";
                if (store.AppendCommitted(Key, item).Outcome == StoreOutcome.Appended)
                {
                    acknowledged.Add(item);
                }
            }
        })).ToList();
        writers.ForEach(thread => thread.Start());
        writers.ForEach(thread => Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "a writer did not finish"));

        const int Appends = Writers * ItemsPerWriter;
        Assert.Equal(Appends, acknowledged.Count);
        var stored = target.Items(Key);
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        foreach (var writer in Enumerable.Range(0, Writers))
        {
            var mine = stored.Where(item => item.StartsWith($"w{writer}-", StringComparison.Ordinal))
                .Select(item => int.Parse(item[(item.IndexOf('-', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, ItemsPerWriter), mine);
        }

        // While one round trip is in flight, the others' appends gather into the next: far fewer pushes than appends.
        var roundTrips = store.RoundTrips - roundTripsBefore;
        Assert.True(roundTrips < Appends / 2, $"{Appends} appends took {roundTrips} round trips");
        if (scriptCallsBefore is { } before && ScriptCalls(target) is { } after)
        {
            Assert.True(after - before <= roundTrips, $"{after - before} script calls for {roundTrips} round trips");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task The_item_limit_holds_atomically_for_two_processes_appending_at_once(string kind)
    {
        const int MaxItems = 200;
        const int WritersPerStore = 8;
        const int ItemsPerWriter = 50;
        await using var target = await RedisTarget.StartAsync(kind);
        using var first = RedisListStore.Connect(target.StoreOptions(MaxItems), new RecordingLogger());
        using var second = RedisListStore.Connect(target.StoreOptions(MaxItems), new RecordingLogger());

        var appended = new ConcurrentBag<string>();
        var full = 0;
        var writers = new[] { first, second }.SelectMany((store, s) => Enumerable.Range(0, WritersPerStore).Select(writer => new Thread(() =>
        {
            for (var n = 0; n < ItemsPerWriter; n++)
            {
                var item = $"s{s}-w{writer}-{n}";
                switch (store.AppendCommitted(Key, item).Outcome)
                {
                    case StoreOutcome.Appended:
                        appended.Add(item);
                        break;
                    case StoreOutcome.Full:
                        Interlocked.Increment(ref full);
                        break;
                    case var other:
                        throw new InvalidOperationException($"unexpected {other}");
                }
            }
        }))).ToList();
        writers.ForEach(thread => thread.Start());
        writers.ForEach(thread => Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "a writer did not finish"));

        Assert.Equal(MaxItems, appended.Count);
        Assert.Equal((2 * WritersPerStore * ItemsPerWriter) - MaxItems, full);
        Assert.Equal(appended.Order(StringComparer.Ordinal), target.Items(Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task While_the_server_is_down_every_operation_is_unavailable_at_once_and_serving_resumes_when_it_is_back(string kind)
    {
        await using var target = await RedisTarget.StartAsync(kind);
        var log = new RecordingLogger();
        using var store = RedisListStore.Connect(target.StoreOptions(), log);
        Assert.Equal(StoreOutcome.Appended, store.AppendCommitted(Key, "before").Outcome);

        await target.KillAsync();
        var reason = $"redis at 127.0.0.1:{target.Port} is unreachable";
        await Eventually.TrueAsync(() => store.AppendCommitted(Key, "probe").Outcome == StoreOutcome.Unavailable, "an append to be refused");

        // Fail fast: no operation waits for a timeout while the server is gone.
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            var down = store.AppendCommitted(Key, "while down");
            Assert.Equal(StoreOutcome.Unavailable, down.Outcome);
            Assert.Equal(reason, down.Error);
            Assert.Equal(StoreOutcome.Unavailable, store.GetList(Key).Read().Committed(store).Outcome);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"40 refusals took {clock.Elapsed}");

        await target.RestartAsync();
        await Eventually.TrueAsync(() => store.AppendCommitted(Key, "after").Outcome == StoreOutcome.Appended, TimeSpan.FromSeconds(20), "an append to be stored again");
        Assert.Contains("after", target.Items(Key));

        Assert.Single(log.Entries, entry => entry.EventId.Id == 130 && entry.Level == LogLevel.Warning);
        await Eventually.TrueAsync(() => log.Entries.Count(entry => entry.EventId.Id == 131) == 1, "one line saying the server is back");
        Assert.Single(log.Entries, entry => entry.EventId.Id == 131 && entry.Level == LogLevel.Information);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_store_opened_while_the_server_is_down_starts_with_a_warning_and_serves_once_it_answers(string kind)
    {
        await using var target = await RedisTarget.StartAsync(kind);
        await target.KillAsync();
        var log = new RecordingLogger();

        var clock = Stopwatch.StartNew();
        using var store = RedisListStore.Connect(target.StoreOptions(), log);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Connect took {clock.Elapsed}");

        Assert.Single(log.Entries, entry => entry.EventId.Id == 132 && entry.Level == LogLevel.Warning);
        var down = store.AppendCommitted(Key, "too early");
        Assert.Equal(StoreOutcome.Unavailable, down.Outcome);
        Assert.Equal($"redis at 127.0.0.1:{target.Port} is unreachable", down.Error);

        await target.RestartAsync();
        await Eventually.TrueAsync(() => store.AppendCommitted(Key, "served").Outcome == StoreOutcome.Appended, TimeSpan.FromSeconds(20), "an append to be stored");
        Assert.Equal(["served"], target.Items(Key));
        await Eventually.TrueAsync(() => log.Entries.Any(entry => entry.EventId.Id == 131), "a line saying the server answers");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_key_that_holds_something_else_than_a_list_fails_only_its_own_operations(string kind)
    {
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(), new RecordingLogger());
        target.Database().StringSet("text", "not a list");

        var wrong = store.GetList("text").Append("x"u8);
        var right = store.GetList(Key).Append("y"u8);
        store.Committer.Commit(right.Ticket);

        Assert.Equal(StoreOutcome.Unavailable, wrong.Resolve().Outcome);
        Assert.Contains("WRONGTYPE", wrong.Resolve().Error, StringComparison.Ordinal);
        Assert.Equal(StoreOutcome.Appended, right.Resolve().Outcome);
    }

    // Redis counts the calls of each command (INFO commandstats); Garnet does not, or not in that form.
    private static long? ScriptCalls(RedisTarget target)
    {
        if (target.Name != RedisTarget.RedisServer)
        {
            return null;
        }

        var info = (string?)target.Database().Execute("INFO", "commandstats") ?? string.Empty;
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_eval:", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }

        var calls = line.Split([':', ','])[1];
        return long.Parse(calls["calls=".Length..], CultureInfo.InvariantCulture);
    }
}
