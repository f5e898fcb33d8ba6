using System.Text;
using SharedList.Stores;

namespace SharedList.Tests.Stores;

/// <summary>
/// What every store promises, written once and run unchanged on each (a subclass per store says how to make an empty
/// one): named lists, order, the item limit, clears, concurrent appends, and results that are final once their
/// commit is done.
/// </summary>
public abstract partial class ListStoreConformanceTests
{
    /// <summary>An empty store whose lists hold at most <paramref name="maxItems"/> items; disposed by the test.</summary>
    protected abstract IListStore CreateStore(int maxItems = InMemoryList.DefaultMaxItems);

    [Fact]
    public void Appends_are_read_back_in_order()
    {
        using var store = CreateStore();
        var list = store.GetList("sharedlist");
        foreach (var item in new[] { "a", "it's", "olá ☃ 😀", "say \"hi\"", string.Empty })
        {
            Assert.Equal(StoreOutcome.Appended, Done(store, list.Append(Encoding.UTF8.GetBytes(item))).Outcome);
        }

        Assert.Equal(Python("a", "it's", "olá ☃ 😀", "say \"hi\"", string.Empty), ReadAll(store, list));
    }

    [Fact]
    public void An_unused_list_reads_empty()
    {
        using var store = CreateStore();
        var read = Done(store, store.GetList("never-written").Read());
        Assert.Equal(StoreOutcome.Read, read.Outcome);
        Assert.Equal(0, read.Snapshot.Count);
        Assert.Equal("[]", read.Snapshot.ToString());
    }

    [Fact]
    public void Named_lists_are_independent()
    {
        using var store = CreateStore();
        var first = store.GetList("first");
        var second = store.GetList("second");
        Done(store, first.Append("1"u8));
        Done(store, second.Append("2"u8));
        Done(store, second.Append("3"u8));
        Done(store, first.Clear());

        Assert.Equal("[]", ReadAll(store, first));
        Assert.Equal(Python("2", "3"), ReadAll(store, second));
        Assert.Equal(Python("2", "3"), ReadAll(store, store.GetList("second")));
    }

    [Fact]
    public void Clear_empties_the_list_and_appends_go_on_after_it()
    {
        using var store = CreateStore();
        var list = store.GetList("sharedlist");
        Done(store, list.Append("a"u8));
        Assert.Equal(StoreOutcome.Cleared, Done(store, list.Clear()).Outcome);
        Assert.Equal("[]", ReadAll(store, list));
        Done(store, list.Append("b"u8));
        Assert.Equal(Python("b"), ReadAll(store, list));
    }

    [Fact]
    public void An_append_past_the_limit_is_refused_and_stores_nothing()
    {
        using var store = CreateStore(maxItems: 2);
        var list = store.GetList("sharedlist");
        Assert.Equal(StoreOutcome.Appended, Done(store, list.Append("a"u8)).Outcome);
        Assert.Equal(StoreOutcome.Appended, Done(store, list.Append("b"u8)).Outcome);
        Assert.Equal(StoreOutcome.Full, Done(store, list.Append("c"u8)).Outcome);
        Assert.Equal(Python("a", "b"), ReadAll(store, list));

        Done(store, list.Clear());
        Assert.Equal(StoreOutcome.Appended, Done(store, list.Append("c"u8)).Outcome);
    }

    [Fact]
    public void Operations_issued_together_are_final_after_one_commit_of_the_last()
    {
        using var store = CreateStore(maxItems: 3);
        var list = store.GetList("sharedlist");
        var results = new[] { list.Append("a"u8), list.Append("b"u8), list.Clear(), list.Append("c"u8), list.Append("d"u8), list.Append("e"u8), list.Append("f"u8), list.Read() };
        CommitThrough(store, results.Max(r => r.Ticket));

        Assert.Equal(
            [StoreOutcome.Appended, StoreOutcome.Appended, StoreOutcome.Cleared, StoreOutcome.Appended, StoreOutcome.Appended, StoreOutcome.Appended, StoreOutcome.Full, StoreOutcome.Read],
            results.Select(r => r.Resolve().Outcome));
        Assert.Equal(Python("c", "d", "e"), results[^1].Resolve().Snapshot.ToString());
    }

    [Fact]
    public async Task An_awaited_commit_makes_results_final()
    {
        using var store = CreateStore();
        var list = store.GetList("sharedlist");
        var append = list.Append("a"u8);
        if (append.Ticket != 0)
        {
            await store.Committer!.CommitAsync(append.Ticket).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(StoreOutcome.Appended, append.Resolve().Outcome);
        Assert.Equal(Python("a"), ReadAll(store, list));
    }

    [Fact]
    public void A_read_taken_is_not_changed_by_later_operations()
    {
        using var store = CreateStore();
        var list = store.GetList("sharedlist");
        Done(store, list.Append("a"u8));
        var read = Done(store, list.Read());
        Done(store, list.Append("b"u8));
        Done(store, list.Clear());

        Assert.Equal(Python("a"), read.Snapshot.ToString());
    }

    [Fact]
    public void Concurrent_appends_are_each_stored_once_in_each_writers_order()
    {
        const int Writers = 8;
        const int PerWriter = 250;
        using var store = CreateStore();
        var list = store.GetList("sharedlist");
        var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                Assert.Equal(StoreOutcome.Appended, Done(store, list.Append(Encoding.UTF8.GetBytes($"w{w}-{i:D4}"))).Outcome);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a writer did not finish"));

        var items = Items(Done(store, list.Read()).Snapshot.ToString());
        Assert.Equal(Writers * PerWriter, items.Count);
        Assert.Equal(items.Count, items.Distinct().Count());
        for (var w = 0; w < Writers; w++)
        {
            var mine = items.Where(i => i.StartsWith($"w{w}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, PerWriter).Select(i => $"w{w}-{i:D4}"), mine);
        }
    }

    /// <summary>Commits what <paramref name="result"/> waits for, if anything, and returns its final form.</summary>
    protected static StoreResult Done(IListStore store, StoreResult result)
    {
        CommitThrough(store, result.Ticket);
        return result.Resolve();
    }

    /// <summary>The list's <c>str(list)</c> now.</summary>
    protected static string ReadAll(IListStore store, IStoredList list)
    {
        var read = Done(store, list.Read());
        Assert.Equal(StoreOutcome.Read, read.Outcome);
        return read.Snapshot.ToString();
    }

    /// <summary>CPython's <c>str(list)</c> of these items.</summary>
    protected static string Python(params string[] items) => Support.ListStoreExtensions.Str(items);

    private static void CommitThrough(IListStore store, long ticket)
    {
        if (ticket != 0)
        {
            store.Committer!.Commit(ticket);
            Assert.True(store.Committer.IsCommitted(ticket));
        }
    }

    // The items of a str(list) whose items need no escaping: 'a', 'b'.
    private static List<string> Items(string rendered) =>
        rendered == "[]" ? [] : [.. rendered[1..^1].Split(", ").Select(quoted => quoted[1..^1])];
}

/// <summary>The conformance suite on the memory store.</summary>
public sealed class MemoryListStoreConformanceTests : ListStoreConformanceTests
{
    protected override IListStore CreateStore(int maxItems = InMemoryList.DefaultMaxItems) => new MemoryListStore(maxItems);
}

/// <summary>The conformance suite on a store whose every result waits for a commit, as a remote store's do.</summary>
public sealed class CommittingStoreConformanceTests : ListStoreConformanceTests
{
    protected override IListStore CreateStore(int maxItems = InMemoryList.DefaultMaxItems)
    {
        var store = new Support.GatedStore(maxItems);
        store.Open();
        return store;
    }
}
