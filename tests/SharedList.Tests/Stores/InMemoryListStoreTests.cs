using SharedList.Stores;

namespace SharedList.Tests.Stores;

public class InMemoryListStoreTests
{
    private const int Writers = 4;
    private const int ItemsPerWriter = 5_000;

    [Fact]
    public void Keeps_items_in_append_order_and_clears()
    {
        var store = new InMemoryListStore();

        store.TryAppend("a");
        store.TryAppend("");
        store.TryAppend("b");

        Assert.Equal(["a", "", "b"], store.Snapshot().ToArray());
        Assert.Equal(3, store.Count);

        store.Clear();

        Assert.Equal(0, store.Count);
        Assert.True(store.Snapshot().IsEmpty);
    }

    [Fact]
    public void A_snapshot_never_changes_after_it_is_taken()
    {
        var store = new InMemoryListStore();
        store.TryAppend("a");
        store.TryAppend("b");

        var snapshot = store.Snapshot();
        store.TryAppend("c"); // written past the snapshot, in the same array
        var beforeClear = store.Snapshot();
        store.Clear();
        store.TryAppend("x"); // must not land in the old array's first slot
        for (var i = 0; i < 100; i++)
        {
            store.TryAppend("grow");
        }

        Assert.Equal(["a", "b"], snapshot.ToArray());
        Assert.Equal(["a", "b", "c"], beforeClear.ToArray());
        Assert.Equal("x", store.Snapshot().Span[0]);
    }

    [Fact]
    public void Concurrent_appends_are_each_stored_once_and_in_each_writers_order()
    {
        var store = new InMemoryListStore();
        var writersDone = 0;
        var threads = new List<Thread>();
        using var start = new Barrier(Writers + 1);
        for (var w = 0; w < Writers; w++)
        {
            var writer = w;
            threads.Add(new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < ItemsPerWriter; i++)
                {
                    store.TryAppend($"{writer}:{i}");
                }

                Interlocked.Increment(ref writersDone);
            }));
        }

        Exception? readerFailure = null;
        threads.Add(new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                // Bounded: at most one pass per writer item, and it stops as soon as the writers are done.
                for (var pass = 0; pass < Writers * ItemsPerWriter && Volatile.Read(ref writersDone) < Writers; pass++)
                {
                    AssertEachWriterIsAPrefix(store.Snapshot().ToArray(), complete: false);
                }
            }
            catch (Exception e)
            {
                readerFailure = e;
            }
        }));

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Null(readerFailure);
        Assert.Equal(Writers * ItemsPerWriter, store.Count);
        AssertEachWriterIsAPrefix(store.Snapshot().ToArray(), complete: true);
    }

    [Fact]
    public void An_append_that_returned_before_a_snapshot_began_is_in_it()
    {
        var store = new InMemoryListStore();
        var acknowledged = -1;
        var violations = 0;
        var writer = new Thread(() =>
        {
            for (var i = 0; i < ItemsPerWriter; i++)
            {
                store.TryAppend(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Volatile.Write(ref acknowledged, i); // "Ack" sent to the client
            }
        });
        var reader = new Thread(() =>
        {
            for (var pass = 0; pass < ItemsPerWriter; pass++)
            {
                var seen = Volatile.Read(ref acknowledged); // another client saw the Ack, then sends LIST
                if (store.Snapshot().Length <= seen)
                {
                    violations++;
                }
            }
        });

        writer.Start();
        reader.Start();
        writer.Join();
        reader.Join();

        Assert.Equal(0, violations);
    }

    private static void AssertEachWriterIsAPrefix(string[] items, bool complete)
    {
        var next = new int[Writers];
        foreach (var item in items)
        {
            var parts = item.Split(':');
            var writer = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            var index = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(next[writer], index);
            next[writer]++;
        }

        if (complete)
        {
            Assert.All(next, n => Assert.Equal(ItemsPerWriter, n));
        }
    }
}
