using System.Buffers;
using System.Globalization;
using System.Text;
using SharedList.Protocol;
using SharedList.Stores;
using SharedList.Tests.Protocol;
using SharedList.Tests.Support;
using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores;

public class InMemoryListTests
{
    private const int Writers = 4;
    private const int ItemsPerWriter = 5_000;

    // Chunk sizes that put chunk boundaries everywhere: inside markers' neighbourhoods, escapes, multi-byte
    // characters; one byte per chunk included. The default is there too.
    public static TheoryData<int> ChunkSizes => [1, 2, 3, 5, 7, 16, 61, 1024, InMemoryList.DefaultMaxChunkBytes];

    [Fact]
    public void Keeps_items_in_append_order_and_clears()
    {
        var store = new InMemoryList();

        store.TryAppend("a");
        store.TryAppend("");
        store.TryAppend("b");

        Assert.Equal(Str("a", "", "b"), store.Snapshot().ToString());
        Assert.Equal(3, store.Count);
        Assert.Equal(3, store.Snapshot().Count);

        store.Clear();

        Assert.Equal(0, store.Count);
        Assert.Equal("[]", store.Snapshot().ToString());
        Assert.Equal(0, store.Snapshot().Count);
    }

    [Fact]
    public void The_default_snapshot_is_the_empty_list()
    {
        Assert.Equal("[]", default(ListSnapshot).ToString());
        Assert.Equal(2, default(ListSnapshot).Length);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void A_snapshot_never_changes_after_it_is_taken(int chunkBytes)
    {
        var store = new InMemoryList(InMemoryList.DefaultMaxItems, chunkBytes);
        store.TryAppend("a");
        store.TryAppend("it's");

        var snapshot = store.Snapshot();
        store.TryAppend("c"); // written past the snapshot, in the same chunk
        var beforeClear = store.Snapshot();
        store.Clear();
        store.TryAppend("x"); // must not land in the old chunk's first bytes
        for (var i = 0; i < 3000; i++)
        {
            store.TryAppend("grow"); // past the old chunk array's length
        }

        Assert.Equal(Str("a", "it's"), snapshot.ToString());
        Assert.Equal(Str("a", "it's", "c"), beforeClear.ToString());
        Assert.StartsWith("['x', 'grow'", store.Snapshot().ToString(), StringComparison.Ordinal);
        Assert.Equal(3001, store.Snapshot().Count);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void A_snapshot_never_changes_across_clears_that_refill_the_same_chunks(int chunkBytes)
    {
        var store = new InMemoryList(InMemoryList.DefaultMaxItems, chunkBytes);
        store.TryAppend("old");
        store.Clear(); // no snapshot has seen these chunks: the next items go in them
        store.TryAppend("a");
        store.TryAppend("it's");

        var snapshot = store.Snapshot();
        store.Clear();
        store.TryAppend("x");
        store.Clear(); // chunks no snapshot has seen, filled again
        for (var i = 0; i < 3000; i++)
        {
            store.TryAppend("grow");
        }

        Assert.Equal(Str("a", "it's"), snapshot.ToString());
        Assert.StartsWith("['grow', 'grow'", store.Snapshot().ToString(), StringComparison.Ordinal);
        Assert.Equal(3000, store.Snapshot().Count);
    }

    [Fact]
    public void A_list_cleared_before_any_snapshot_is_filled_again_in_the_chunks_it_had()
    {
        var store = new InMemoryList();
        var item = "abcdefghijklmnop"u8.ToArray();
        const int Appends = 100_000;
        for (var i = 0; i < Appends; i++)
        {
            store.TryAppend(item);
        }

        store.Clear();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Appends; i++)
        {
            store.TryAppend(item);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 1.7 MB in fresh chunks otherwise (Appending_allocates_nothing_but_the_chunks_the_bytes_go_in).
        Assert.Equal(0, allocated);
        Assert.Equal(Appends, store.Count);
        Assert.Equal(Str(Enumerable.Repeat("abcdefghijklmnop", Appends).ToArray()), store.Snapshot().ToString());
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Renders_random_items_as_the_string_renderer_does(int chunkBytes)
    {
        var random = new Random(chunkBytes);
        var store = new InMemoryList(InMemoryList.DefaultMaxItems, chunkBytes);
        var items = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            // Mostly short, some long enough to span many small chunks, escaped or plain (the fast path).
            var item = random.Next(20) switch
            {
                0 => string.Concat(Enumerable.Range(0, 30).Select(_ => Unicode14Strings.Next(random))),
                1 => new string((char)random.Next('a', 'z' + 1), random.Next(1, 300)),
                _ => Unicode14Strings.Next(random),
            };
            items.Add(item);
            Assert.True(store.TryAppend(item));
            if (i % 37 == 0)
            {
                AssertRendersAs(items, store.Snapshot());
            }
        }

        AssertRendersAs(items, store.Snapshot());
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Written_a_piece_at_a_time_a_snapshot_is_the_same_bytes(int chunkBytes)
    {
        var random = new Random(chunkBytes + 1);
        var store = new InMemoryList(InMemoryList.DefaultMaxItems, chunkBytes);
        for (var i = 0; i < 60; i++)
        {
            store.TryAppend(Unicode14Strings.Next(random));
        }

        var snapshot = store.Snapshot();
        var whole = Rendered(snapshot);
        Assert.Equal(snapshot.Length, whole.Length);
        foreach (var budget in new long[] { -1, 0, 1, 2, 3, 4, 5, 7, 13, 100, 4096 })
        {
            var reader = new ListSnapshotReader(snapshot);
            var output = new ArrayBufferWriter<byte>();

            // Bounded: every call with a positive budget writes at least one byte.
            var calls = 0;
            for (; calls <= whole.Length + 1 && !reader.IsDone; calls++)
            {
                var before = output.WrittenCount;
                reader.WriteSome(output, budget);
                var wrote = output.WrittenCount - before;
                if (budget <= 0)
                {
                    Assert.Equal(0, wrote);
                    break;
                }

                Assert.InRange(wrote, 1, budget + CompactListBody.MaxExpansion - 1);
            }

            if (budget > 0)
            {
                Assert.True(reader.IsDone, $"budget {budget}: not done after {calls} calls");
                Assert.Equal(whole, output.WrittenSpan.ToArray());
            }
        }
    }

    [Fact]
    public void Items_with_either_quote_in_any_order_render_with_the_right_quotes()
    {
        // Every pair of neighbours (' then ', ' then ", " then ', " then "), first and last of each kind.
        string[] items = ["it's", "it's", "a", "a", "it's", "b", "x\"y", "it's 'q'", "both ' and \"", "it's"];
        for (var count = 0; count <= items.Length; count++)
        {
            var store = new InMemoryList();
            foreach (var item in items[..count])
            {
                store.TryAppend(item);
            }

            Assert.Equal(Str(items[..count]), store.Snapshot().ToString());
        }
    }

    [Fact]
    public void Invalid_utf8_is_kept_as_the_replacement_character_as_a_decoder_reads_it()
    {
        var store = new InMemoryList();
        byte[] invalid = [(byte)'a', 0x80, 0xC3, (byte)'\'', 0xED, 0xA0, 0x80, 0xFF];

        store.TryAppend(invalid);

        Assert.Equal(Str(Encoding.UTF8.GetString(invalid)), store.Snapshot().ToString());
    }

    [Fact]
    public void Refuses_appends_past_max_items_until_cleared()
    {
        var store = new InMemoryList(maxItems: 3);

        Assert.True(store.TryAppend("a"));
        Assert.True(store.TryAppend("b"));
        Assert.True(store.TryAppend("c"));
        Assert.False(store.TryAppend("d"));

        Assert.Equal(3, store.Count);
        Assert.Equal(Str("a", "b", "c"), store.Snapshot().ToString());

        store.Clear();

        Assert.True(store.TryAppend("e"));
        Assert.Equal(Str("e"), store.Snapshot().ToString());
    }

    [Fact]
    public void Appending_allocates_nothing_but_the_chunks_the_bytes_go_in()
    {
        var store = new InMemoryList();
        var item = "abcdefghijklmnop"u8.ToArray();
        const int Appends = 100_000;
        store.TryAppend(item); // JIT and first chunk out of the way

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Appends; i++)
        {
            store.TryAppend(item);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 17 bytes of chunk per item, plus the chunk array as it doubles; a string per item would be 56 more.
        Assert.InRange(allocated, 16 * Appends, 18 * Appends);
    }

    [Fact]
    public void Concurrent_appends_are_each_stored_once_and_in_each_writers_order()
    {
        // Small chunks: the writers cross chunk boundaries (and grow the chunk array) while the readers read.
        var store = new InMemoryList(InMemoryList.DefaultMaxItems, maxChunkBytes: 64);
        var writersDone = 0;
        var threads = new List<Thread>();
        const int Readers = 2;
        using var start = new Barrier(Writers + Readers);
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

        var readerFailures = new Exception?[Readers];
        for (var r = 0; r < Readers; r++)
        {
            var reader = r;
            threads.Add(new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    // Bounded: at most one pass per writer item, and it stops as soon as the writers are done.
                    for (var pass = 0; pass < Writers * ItemsPerWriter && Volatile.Read(ref writersDone) < Writers; pass++)
                    {
                        AssertIsAConsistentPrefix(store.Snapshot(), complete: false);
                    }
                }
                catch (Exception e)
                {
                    readerFailures[reader] = e;
                }
            }));
        }

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.All(readerFailures, Assert.Null);
        Assert.Equal(Writers * ItemsPerWriter, store.Count);
        AssertIsAConsistentPrefix(store.Snapshot(), complete: true);
    }

    [Fact]
    public void An_append_that_returned_before_a_snapshot_began_is_in_it()
    {
        var store = new InMemoryList();
        var acknowledged = -1;
        var violations = 0;
        var writer = new Thread(() =>
        {
            for (var i = 0; i < ItemsPerWriter; i++)
            {
                store.TryAppend(i.ToString(CultureInfo.InvariantCulture));
                Volatile.Write(ref acknowledged, i); // "Ack" sent to the client
            }
        });
        var reader = new Thread(() =>
        {
            for (var pass = 0; pass < ItemsPerWriter; pass++)
            {
                var seen = Volatile.Read(ref acknowledged); // another client saw the Ack, then sends LIST
                if (store.Snapshot().Count <= seen)
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

    private static void AssertRendersAs(List<string> items, ListSnapshot snapshot)
    {
        var expected = new ArrayBufferWriter<byte>();
        PythonListRenderer.Render(items.ToArray(), expected);
        Assert.Equal(items.Count, snapshot.Count);
        Assert.Equal(expected.WrittenCount, snapshot.Length);
        Assert.Equal(expected.WrittenSpan.ToArray(), Rendered(snapshot));
    }

    private static byte[] Rendered(ListSnapshot snapshot)
    {
        var output = new ArrayBufferWriter<byte>();
        snapshot.WriteTo(output);
        return output.WrittenSpan.ToArray();
    }

    // Every snapshot must be some interleaving of each writer's prefix: well-formed, no item torn, lost or
    // repeated, and its count and length those of its items.
    private static void AssertIsAConsistentPrefix(ListSnapshot snapshot, bool complete)
    {
        var rendered = snapshot.ToString();
        var items = ListReply.ParseSimple(rendered);
        Assert.Equal(items.Count, snapshot.Count);
        Assert.Equal(Encoding.UTF8.GetByteCount(rendered), snapshot.Length);
        var next = new int[Writers];
        foreach (var item in items)
        {
            var parts = item.Split(':');
            var writer = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var index = int.Parse(parts[1], CultureInfo.InvariantCulture);
            Assert.Equal(next[writer], index);
            next[writer]++;
        }

        if (complete)
        {
            Assert.All(next, n => Assert.Equal(ItemsPerWriter, n));
        }
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Snapshots_and_ranges_never_change_whatever_pushes_and_pops_follow(int chunkBytes)
    {
        var list = new InMemoryList(InMemoryList.DefaultMaxItems, chunkBytes);
        var model = new List<string>();
        var taken = new List<(ListSnapshot Snapshot, string[] Items)>();
        var random = new Random(chunkBytes);
        string[] kinds = ["a", "it's", "say \"hi\"", "olá ☃", "tab\t", "longer-item-that-spans-several-small-chunks"];
        for (var step = 0; step < 3000; step++)
        {
            var item = $"{kinds[random.Next(kinds.Length)]}{step}";
            switch (random.Next(7))
            {
                case 0 or 1:
                    Assert.True(list.TryPush(ListEnd.Head, [Encoding.UTF8.GetBytes(item)], out _));
                    model.Insert(0, item);
                    break;
                case 2 or 3:
                    Assert.True(list.TryPush(ListEnd.Tail, [Encoding.UTF8.GetBytes(item)], out _));
                    model.Add(item);
                    break;
                case 4:
                    var end = random.Next(2) == 0 ? ListEnd.Head : ListEnd.Tail;
                    var popped = list.Pop(end, random.Next(1, 4), out var before).ToStrings();
                    Assert.Equal(model.Count, before);
                    foreach (var p in popped)
                    {
                        Assert.Equal(end == ListEnd.Head ? model[0] : model[^1], p);
                        model.RemoveAt(end == ListEnd.Head ? 0 : model.Count - 1);
                    }

                    break;
                case 5:
                    taken.Add((list.Snapshot(), [.. model]));
                    break;
                default:
                    var start = random.Next(model.Count + 1);
                    var stop = random.Next(start, model.Count + 1);
                    taken.Add((list.Range(start, stop, out _), [.. model.Skip(start).Take(stop - start + 1)]));
                    break;
            }
        }

        Assert.Equal(model, list.Snapshot().ToStrings());
        Assert.Equal(Str([.. model]), list.Snapshot().ToString());
        foreach (var (snapshot, items) in taken)
        {
            Assert.Equal(items, snapshot.ToStrings());
            Assert.Equal(Str(items), snapshot.ToString());
            Assert.Equal(Encoding.UTF8.GetByteCount(Str(items)), snapshot.Length);
        }
    }

    [Fact]
    public void A_queue_that_pushes_at_one_end_and_pops_at_the_other_stays_in_a_few_chunks()
    {
        var list = new InMemoryList(InMemoryList.DefaultMaxItems, 1024);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(list.TryPush(ListEnd.Tail, [Encoding.UTF8.GetBytes($"job-{i:D6}")], out _));
            if (i >= 10)
            {
                Assert.Equal($"job-{i - 10:D6}", list.Pop(ListEnd.Head, 1, out _).ToStrings()[0]);
            }
        }

        Assert.Equal(10, list.Count);
        Assert.Equal(Enumerable.Range(99_990, 10).Select(i => $"job-{i:D6}"), list.Snapshot().ToStrings());
    }

    [Fact]
    public void The_memory_store_keeps_no_list_once_it_is_empty()
    {
        var store = new MemoryListStore();
        for (var i = 0; i < 1000; i++)
        {
            var list = store.GetList($"key-{i}");
            Assert.Equal(0, list.Count);
            list.Push(ListEnd.Tail, [Encoding.UTF8.GetBytes("x"), Encoding.UTF8.GetBytes("y")]);
            list.Pop(ListEnd.Head, 1);
        }

        Assert.Equal(1000, store.ListCount);
        for (var i = 0; i < 1000; i += 2)
        {
            store.GetList($"key-{i}").Pop(ListEnd.Tail, 5);
            store.GetList($"key-{i + 1}").Clear();
        }

        Assert.Equal(0, store.ListCount);
        Assert.True(store.GetList("key-1").TryAppend("back"u8));
        Assert.Equal(1, store.ListCount);
    }

    [Fact]
    public async Task Pushes_racing_with_the_pops_that_delete_the_list_are_never_lost()
    {
        var store = new MemoryListStore();
        var list = store.GetList("racy");
        var pushed = 0;
        var popped = 0;
        var pusher = Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                Assert.True(store.GetList("racy").TryAppend("x"u8));
                Interlocked.Increment(ref pushed);
            }
        });
        var popper = Task.Run(() =>
        {
            for (var i = 0; i < 40_000 && (Volatile.Read(ref pushed) < 20_000 || list.Count > 0); i++)
            {
                Interlocked.Add(ref popped, list.Pop(ListEnd.Head, 3).Snapshot.Count);
            }
        });
        await Task.WhenAll(pusher, popper).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(20_000, popped + list.Count);
    }
}
