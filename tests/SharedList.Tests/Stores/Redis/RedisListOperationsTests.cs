using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using SharedList.Stores;
using SharedList.Stores.Redis;
using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores.Redis;

/// <summary>
/// The Redis store's list commands against a real redis-server (skipped, saying so, where none is installed) and
/// Garnet in-process: what the conformance suite cannot see there, namely other data in the database, several
/// processes on one server, and the server going away.
/// </summary>
public sealed class RedisListOperationsTests
{
    private const string Key = "sharedlist";

    public static TheoryData<string> Kinds => RedisTarget.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_key_that_holds_a_string_fails_each_operation_on_it_with_WRONGTYPE_and_no_other_of_the_round_trip(string kind)
    {
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(), new RecordingLogger());
        target.Database().StringSet("text", "not a list");
        target.Database().ListRightPush("emptied", "x");
        var text = store.GetList("text");
        var list = store.GetList(Key);

        StoreResult[] wrong =
        [
            text.Push(ListEnd.Head, Values("a")), text.Pop(ListEnd.Tail, 1), text.Range(0, -1), text.Count(), text.Clear(),
            text.Append("a"u8), text.Read(),
        ];
        StoreResult[] right =
        [
            list.Push(ListEnd.Tail, Values("1", "2", "3")), list.Pop(ListEnd.Head, 1), list.Range(0, -1), list.Count(),
            store.GetList("emptied").Clear(), store.ListKeys(),
        ];
        var roundTrips = store.RoundTrips;
        store.Committer.Commit(right[^1].Ticket);
        Assert.Equal(roundTrips + 1, store.RoundTrips);

        Assert.All(wrong, result =>
        {
            Assert.Equal(StoreOutcome.Unavailable, result.Resolve().Outcome);
            Assert.Equal(RedisListStore.WrongType, result.Resolve().Error);
        });

        var results = right.Select(result => result.Resolve()).ToArray();
        Assert.Equal((StoreOutcome.Pushed, 3), (results[0].Outcome, results[0].Length));
        Assert.Equal((StoreOutcome.Read, 3, Str("1")), (results[1].Outcome, results[1].Length, results[1].Snapshot.ToString()));
        Assert.Equal((StoreOutcome.Read, 2, Str("2", "3")), (results[2].Outcome, results[2].Length, results[2].Snapshot.ToString()));
        Assert.Equal((StoreOutcome.Counted, 2), (results[3].Outcome, results[3].Length));
        Assert.Equal((StoreOutcome.Cleared, 1), (results[4].Outcome, results[4].Length));
        Assert.Equal([Key], results[5].Keys!);

        // The string was neither changed nor deleted.
        Assert.Equal("not a list", (string?)target.Database().StringGet("text"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Pushes_past_the_item_limit_from_two_processes_at_once_are_refused_whole(string kind)
    {
        const int MaxItems = 100;
        const int ItemsPerPush = 3;
        const int WritersPerStore = 6;
        const int PushesPerWriter = 20;
        await using var target = await RedisTarget.StartAsync(kind);
        using var first = RedisListStore.Connect(target.StoreOptions(MaxItems), new RecordingLogger());
        using var second = RedisListStore.Connect(target.StoreOptions(MaxItems), new RecordingLogger());

        var pushed = new ConcurrentBag<string[]>();
        var refused = new ConcurrentBag<string[]>();
        var unexpected = new ConcurrentBag<string>();
        var writers = new[] { first, second }.SelectMany((store, s) => Enumerable.Range(0, WritersPerStore).Select(writer => new Thread(() =>
        {
            for (var n = 0; n < PushesPerWriter; n++)
            {
                var items = Enumerable.Range(0, ItemsPerPush).Select(i => $"s{s}-w{writer}-{n}-{i}").ToArray();
                var result = store.GetList(Key).Push(n % 2 == 0 ? ListEnd.Head : ListEnd.Tail, Values(items)).Committed(store);
                switch (result.Outcome)
                {
                    case StoreOutcome.Pushed when result.Length <= MaxItems:
                        pushed.Add(items);
                        break;
                    case StoreOutcome.Full:
                        refused.Add(items);
                        break;
                    default:
                        unexpected.Add($"{result.Outcome} {result.Length} {result.Error}");
                        break;
                }
            }
        }))).ToList();
        writers.ForEach(thread => thread.Start());
        writers.ForEach(thread => Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "a writer did not finish"));

        // The list fills up to the last whole push that fits, and holds every item of each push acknowledged, and none of another.
        Assert.Empty(unexpected);
        Assert.Equal(MaxItems / ItemsPerPush, pushed.Count);
        Assert.Equal((2 * WritersPerStore * PushesPerWriter) - pushed.Count, refused.Count);
        var stored = target.Items(Key);
        Assert.Equal(pushed.SelectMany(items => items).Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_push_longer_than_one_script_call_takes_is_split_in_order_and_refused_whole_past_the_limit(string kind)
    {
        const int Items = (2 * RedisListStore.MaxItemsPerPush) + 7;
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(maxItems: Items + 1), new RecordingLogger());
        var list = store.GetList(Key);
        var items = Enumerable.Range(0, Items).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

        Assert.Equal(Items, list.Push(ListEnd.Head, Values(items)).Committed(store).Length);
        Assert.Equal(items.Reverse(), target.Items(Key));

        Assert.Equal(StoreOutcome.Full, list.Push(ListEnd.Tail, Values("a", "b")).Committed(store).Outcome);
        Assert.Equal(Items, target.Items(Key).Length);
        Assert.Equal(Items + 1, list.Push(ListEnd.Tail, Values("a")).Committed(store).Length);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Listing_and_clearing_every_list_leave_the_other_keys_of_the_database_alone(string kind)
    {
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(), new RecordingLogger());
        var database = target.Database();
        database.StringSet("text", "kept");
        database.HashSet("hash", "field", "kept");
        database.SetAdd("set", "kept");
        database.SortedSetAdd("sorted", "kept", 1);
        store.GetList("one").Push(ListEnd.Tail, Values("1", "2")).Committed(store);
        store.GetList("two").Push(ListEnd.Head, Values("3")).Committed(store);

        Assert.Equal(["one", "two"], store.ListKeys().Committed(store).Keys!.Order(StringComparer.Ordinal));

        var cleared = store.ClearAll().Committed(store);
        Assert.Equal((StoreOutcome.Cleared, 2), (cleared.Outcome, cleared.Length));
        Assert.Empty(store.ListKeys().Committed(store).Keys!);
        Assert.False(database.KeyExists("one"));
        Assert.Equal("kept", (string?)database.StringGet("text"));
        Assert.Equal("kept", (string?)database.HashGet("hash", "field"));
        Assert.True(database.SetContains("set", "kept"));
        Assert.Equal(1, database.SortedSetScore("sorted", "kept"));
        Assert.Equal(0, store.ClearAll().Committed(store).Length);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task While_the_server_is_down_every_list_operation_is_unavailable(string kind)
    {
        await using var target = await RedisTarget.StartAsync(kind);
        using var store = RedisListStore.Connect(target.StoreOptions(), new RecordingLogger());
        var list = store.GetList(Key);
        Assert.Equal(1, list.Push(ListEnd.Tail, Values("before")).Committed(store).Length);

        await target.KillAsync();
        await Eventually.TrueAsync(() => list.Count().Committed(store).Outcome == StoreOutcome.Unavailable, "a count to be refused");

        var reason = $"redis at 127.0.0.1:{target.Port} is unreachable";
        Func<StoreResult>[] operations =
        [
            () => list.Push(ListEnd.Head, Values("a")), () => list.Pop(ListEnd.Tail, 1), () => list.Range(0, -1),
            () => list.Count(), () => list.Clear(), () => store.ListKeys(), () => store.ClearAll(),
        ];
        Assert.All(operations, operation =>
        {
            var down = operation().Committed(store);
            Assert.Equal((StoreOutcome.Unavailable, reason), (down.Outcome, down.Error));
        });
    }

    private static ReadOnlyMemory<byte>[] Values(params string[] items) => [.. items.Select(item => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(item))];
}
