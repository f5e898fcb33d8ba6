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
}
