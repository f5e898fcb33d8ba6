using System.Text;
using SharedList.Stores;

namespace SharedList.Tests.Stores;

/// <summary>The operations of Redis's list commands, on every store: as Redis answers them.</summary>
public abstract partial class ListStoreConformanceTests
{
    [Fact]
    public void Push_at_the_tail_keeps_order_and_returns_the_length_after()
    {
        using var store = CreateStore();
        var list = store.GetList("q");
        var pushed = Done(store, list.Push(ListEnd.Tail, Values("a", "b")));
        Assert.Equal(StoreOutcome.Pushed, pushed.Outcome);
        Assert.Equal(2, pushed.Length);
        Assert.Equal(3, Done(store, list.Push(ListEnd.Tail, Values("c"))).Length);
        Assert.Equal(4, Done(store, list.Append("d"u8)).Outcome == StoreOutcome.Appended ? 4 : -1);
        Assert.Equal(["a", "b", "c", "d"], RangeOf(store, list, 0, -1));
    }

    [Fact]
    public void Push_at_the_head_puts_each_item_first_in_turn()
    {
        using var store = CreateStore();
        var list = store.GetList("q");
        Assert.Equal(3, Done(store, list.Push(ListEnd.Head, Values("a", "b", "c"))).Length);
        Done(store, list.Append("tail"u8));
        Assert.Equal(5, Done(store, list.Push(ListEnd.Head, Values("d"))).Length);
        Assert.Equal(["d", "c", "b", "a", "tail"], RangeOf(store, list, 0, -1));
        Assert.Equal(Python("d", "c", "b", "a", "tail"), ReadAll(store, list));
    }

    [Fact]
    public void Pushes_at_both_ends_of_many_items_of_every_kind_read_back_exactly()
    {
        using var store = CreateStore();
        var list = store.GetList("mixed");
        var expected = new LinkedList<string>();
        var random = new Random(7);
        string[] kinds = ["plain", "it's", "say \"hi\"", "both ' and \"", "tab\there", "olá ☃ 😀", "back\\slash", "\u0001\u007f\u00a0", string.Empty];
        for (var i = 0; i < 3000; i++)
        {
            var item = $"{kinds[i % kinds.Length]}-{i}";
            if (random.Next(2) == 0)
            {
                Done(store, list.Push(ListEnd.Head, Values(item)));
                expected.AddFirst(item);
            }
            else
            {
                Done(store, list.Push(ListEnd.Tail, Values(item)));
                expected.AddLast(item);
            }
        }

        Assert.Equal(expected, RangeOf(store, list, 0, -1));
        Assert.Equal(Python([.. expected]), ReadAll(store, list));
    }

    [Fact]
    public void A_push_that_does_not_fit_stores_nothing()
    {
        using var store = CreateStore(maxItems: 3);
        var list = store.GetList("q");
        Done(store, list.Push(ListEnd.Tail, Values("a", "b")));
        Assert.Equal(StoreOutcome.Full, Done(store, list.Push(ListEnd.Head, Values("x", "y"))).Outcome);
        Assert.Equal(StoreOutcome.Full, Done(store, list.Push(ListEnd.Tail, Values("x", "y"))).Outcome);
        Assert.Equal(["a", "b"], RangeOf(store, list, 0, -1));
        Assert.Equal(3, Done(store, list.Push(ListEnd.Head, Values("z"))).Length);
    }

    [Fact]
    public void Pop_takes_from_either_end_in_the_order_removed_and_reports_the_length_before()
    {
        using var store = CreateStore();
        var list = store.GetList("q");
        Done(store, list.Push(ListEnd.Tail, Values("1", "2", "3", "4", "5", "6")));

        var head = Done(store, list.Pop(ListEnd.Head, 2));
        Assert.Equal(StoreOutcome.Read, head.Outcome);
        Assert.Equal(6, head.Length);
        Assert.Equal(["1", "2"], head.Snapshot.ToStrings());

        var tail = Done(store, list.Pop(ListEnd.Tail, 3));
        Assert.Equal(4, tail.Length);
        Assert.Equal(["6", "5", "4"], tail.Snapshot.ToStrings());

        var rest = Done(store, list.Pop(ListEnd.Tail, 10));
        Assert.Equal(["3"], rest.Snapshot.ToStrings());
        Assert.Equal(1, rest.Length);

        var none = Done(store, list.Pop(ListEnd.Head, 1));
        Assert.Equal(0, none.Length);
        Assert.Equal(0, none.Snapshot.Count);
        Assert.Equal("[]", ReadAll(store, list));
    }

    [Fact]
    public void Popped_items_keep_their_text_exactly()
    {
        using var store = CreateStore();
        var list = store.GetList("q");
        string[] items = ["it's", "say \"hi\"", "both ' and \"", "line\nbreak", "olá ☃ 😀", "back\\slash", "\u0000\u0001\u001f\u007f\u0085\u00a0\u2028", string.Empty];
        Done(store, list.Push(ListEnd.Tail, Values(items)));
        Assert.Equal(items, Done(store, list.Pop(ListEnd.Head, items.Length)).Snapshot.ToStrings());
    }

    [Fact]
    public void Range_counts_from_either_end_and_clamps_as_lrange_does()
    {
        using var store = CreateStore();
        var list = store.GetList("q");
        Done(store, list.Push(ListEnd.Tail, Values("a", "b", "c", "d", "e")));

        Assert.Equal(["a", "b", "c", "d", "e"], RangeOf(store, list, 0, -1));
        Assert.Equal(["b", "c"], RangeOf(store, list, 1, 2));
        Assert.Equal(["d", "e"], RangeOf(store, list, -2, -1));
        Assert.Equal(["a", "b", "c", "d", "e"], RangeOf(store, list, -100, 100));
        Assert.Equal(["c"], RangeOf(store, list, 2, 2));
        Assert.Equal(["e"], RangeOf(store, list, -1, -1));
        Assert.Empty(RangeOf(store, list, 3, 1));
        Assert.Empty(RangeOf(store, list, 5, 10));
        Assert.Empty(RangeOf(store, list, -100, -6));
        Assert.Equal(5, Done(store, list.Range(0, 0)).Length);
        Assert.Empty(RangeOf(store, store.GetList("absent"), 0, -1));
        Assert.Equal(0, Done(store, store.GetList("absent").Range(0, -1)).Length);
    }

    [Fact]
    public void Ranges_of_a_long_list_changed_at_both_ends_match_a_model()
    {
        using var store = CreateStore();
        var list = store.GetList("long");
        var model = new List<string>();
        var random = new Random(11);
        for (var step = 0; step < 400; step++)
        {
            switch (random.Next(4))
            {
                case 0:
                    var head = Enumerable.Range(0, random.Next(1, 40)).Select(i => $"h{step}-{i}").ToArray();
                    Done(store, list.Push(ListEnd.Head, Values(head)));
                    model.InsertRange(0, head.Reverse());
                    break;
                case 1:
                    var tail = Enumerable.Range(0, random.Next(1, 40)).Select(i => $"t{step}-{i}").ToArray();
                    Done(store, list.Push(ListEnd.Tail, Values(tail)));
                    model.AddRange(tail);
                    break;
                case 2:
                    var count = random.Next(1, 30);
                    var end = random.Next(2) == 0 ? ListEnd.Head : ListEnd.Tail;
                    var popped = Done(store, list.Pop(end, count));
                    var taken = popped.Snapshot.ToStrings();
                    Assert.Equal(model.Count, popped.Length);
                    Assert.Equal(Math.Min(count, model.Count), taken.Length);
                    if (end == ListEnd.Head)
                    {
                        Assert.Equal(model.Take(taken.Length), taken);
                        model.RemoveRange(0, taken.Length);
                    }
                    else
                    {
                        Assert.Equal(Enumerable.Reverse(model).Take(taken.Length), taken);
                        model.RemoveRange(model.Count - taken.Length, taken.Length);
                    }

                    break;
                default:
                    var start = random.Next(-model.Count - 5, model.Count + 5);
                    var stop = random.Next(-model.Count - 5, model.Count + 5);
                    Assert.Equal(ModelRange(model, start, stop), RangeOf(store, list, start, stop));
                    break;
            }

            Assert.Equal(model.Count, Done(store, list.Count()).Length);
        }

        Assert.Equal(model, RangeOf(store, list, 0, -1));
        Assert.Equal(Python([.. model]), ReadAll(store, list));
    }

    [Fact]
    public void Count_is_the_number_of_items_and_zero_for_a_list_that_does_not_exist()
    {
        using var store = CreateStore();
        var list = store.GetList("q");
        var counted = Done(store, list.Count());
        Assert.Equal(StoreOutcome.Counted, counted.Outcome);
        Assert.Equal(0, counted.Length);
        Done(store, list.Push(ListEnd.Tail, Values("a", "b", "c")));
        Assert.Equal(3, Done(store, list.Count()).Length);
    }

    [Fact]
    public void Clear_reports_how_many_items_it_removed()
    {
        using var store = CreateStore();
        var list = store.GetList("q");
        Done(store, list.Push(ListEnd.Tail, Values("a", "b", "c")));
        var cleared = Done(store, list.Clear());
        Assert.Equal(StoreOutcome.Cleared, cleared.Outcome);
        Assert.Equal(3, cleared.Length);
        Assert.Equal(0, Done(store, list.Clear()).Length);
    }

    [Fact]
    public void Keys_are_the_lists_that_hold_items()
    {
        using var store = CreateStore();
        Done(store, store.GetList("one").Push(ListEnd.Tail, Values("1")));
        Done(store, store.GetList("two").Push(ListEnd.Head, Values("2")));
        Done(store, store.GetList("emptied").Push(ListEnd.Tail, Values("x")));
        Done(store, store.GetList("emptied").Pop(ListEnd.Head, 1));
        Done(store, store.GetList("cleared").Append("y"u8));
        Done(store, store.GetList("cleared").Clear());
        Done(store, store.GetList("only-read").Range(0, -1));

        var keys = Done(store, store.ListKeys());
        Assert.Equal(StoreOutcome.Listed, keys.Outcome);
        Assert.Equal(["one", "two"], keys.Keys!.Order(StringComparer.Ordinal));
        Assert.Equal(2, keys.Length);
    }

    [Fact]
    public void Clear_all_empties_every_list_and_counts_them()
    {
        using var store = CreateStore();
        Done(store, store.GetList("one").Push(ListEnd.Tail, Values("1", "2")));
        Done(store, store.GetList("two").Push(ListEnd.Tail, Values("3")));
        var cleared = Done(store, store.ClearAll());
        Assert.Equal(StoreOutcome.Cleared, cleared.Outcome);
        Assert.Equal(2, cleared.Length);
        Assert.Empty(Done(store, store.ListKeys()).Keys!);
        Assert.Equal("[]", ReadAll(store, store.GetList("one")));
        Assert.Equal(1, Done(store, store.GetList("one").Push(ListEnd.Tail, Values("again"))).Length);
    }

    [Fact]
    public async Task Concurrent_pushes_and_pops_lose_and_duplicate_nothing()
    {
        const int Pushers = 4;
        const int PerPusher = 500;
        using var store = CreateStore();
        var list = store.GetList("q");
        var popped = new System.Collections.Concurrent.ConcurrentBag<string>();
        var pushers = Enumerable.Range(0, Pushers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < PerPusher; i++)
            {
                Done(store, list.Push(i % 2 == 0 ? ListEnd.Head : ListEnd.Tail, Values($"p{p}-{i}")));
            }
        })).ToArray();
        var popper = Task.Run(() =>
        {
            for (var i = 0; i < PerPusher; i++)
            {
                foreach (var item in Done(store, list.Pop(i % 2 == 0 ? ListEnd.Head : ListEnd.Tail, 2)).Snapshot.ToStrings())
                {
                    popped.Add(item);
                }
            }
        });
        await Task.WhenAll([.. pushers, popper]).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var all = popped.Concat(RangeOf(store, list, 0, -1)).ToList();
        Assert.Equal(Pushers * PerPusher, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    /// <summary>Items as the store takes them.</summary>
    protected static ReadOnlyMemory<byte>[] Values(params string[] items) => [.. items.Select(item => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(item))];

    /// <summary>LRANGE's items, as strings.</summary>
    protected static string[] RangeOf(IListStore store, IStoredList list, long start, long stop)
    {
        var range = Done(store, list.Range(start, stop));
        Assert.Equal(StoreOutcome.Read, range.Outcome);
        return range.Snapshot.ToStrings();
    }

    private static List<string> ModelRange(List<string> model, long start, long stop)
    {
        if (start < 0)
        {
            start += model.Count;
        }

        if (stop < 0)
        {
            stop += model.Count;
        }

        start = Math.Max(start, 0);
        stop = Math.Min(stop, model.Count - 1);
        return start > stop ? [] : model.GetRange((int)start, (int)(stop - start + 1));
    }
}
