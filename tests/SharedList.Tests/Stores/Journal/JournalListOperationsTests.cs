using System.Buffers.Binary;
using System.Text;
using SharedList.Stores;
using SharedList.Stores.Journal;
using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores.Journal;

/// <summary>The list commands' operations in the journal: their records, replay, torn tails, rewrite, rollback.</summary>
public sealed class JournalListOperationsTests
{
    [Theory]
    [InlineData(FsyncPolicy.Always)]
    [InlineData(FsyncPolicy.EverySecond)]
    [InlineData(FsyncPolicy.No)]
    public void Pushes_pops_clears_and_clear_all_are_back_after_reopening(FsyncPolicy fsync)
    {
        using var directory = new JournalDirectory();
        string before;
        using (var store = directory.Open(directory.Options(fsync)))
        {
            Exercise(store);
            before = store.Contents();
        }

        Assert.Equal(
            string.Join('\n', $"h={Str("2")}", $"other={Str("5")}", $"q={Str("", "ação 😀", "it's", "w")}"),
            before);
        var logger = new RecordingLogger();
        using var reopened = directory.Open(directory.Options(fsync), logger);
        Assert.Equal(before, reopened.Contents());
        Assert.Equal(3, reopened.ListCount);
        Assert.Empty(logger.Warnings());
    }

    [Fact]
    public void A_torn_multi_item_push_loses_that_whole_push_and_nothing_else()
    {
        using var source = new JournalDirectory();
        string before;
        long start;
        using (var store = source.Open())
        {
            store.PushNow(ListEnd.Tail, "q", "a", "b", "c");
            store.PopNow(ListEnd.Head, "q", 1);
            store.PushNow(ListEnd.Head, "other", "o");
            before = store.Contents();
            start = source.JournalLength;
            store.PushNow(ListEnd.Head, "q", "x", "yy", "zzz", "ação");
        }

        var whole = File.ReadAllBytes(source.JournalPath);
        Assert.True(whole.Length > start + 30);
        for (var cut = start; cut < whole.Length; cut++)
        {
            using var directory = new JournalDirectory();
            File.WriteAllBytes(directory.JournalPath, whole[..(int)cut]);
            var logger = new RecordingLogger();
            using (var store = directory.Open(logger))
            {
                Assert.Equal(before, store.Contents());
                Assert.Equal(cut == start ? 0 : 1, logger.Warnings().Count);
            }

            Assert.Equal(start, directory.JournalLength);
        }
    }

    [Fact]
    public void The_committer_rewrites_after_pops_keeping_exactly_the_contents()
    {
        using var directory = new JournalDirectory();
        var options = directory.Options() with { RewriteMinDeadBytes = 4096 };
        var logger = new RecordingLogger();
        var model = new LinkedList<string>();
        using (var store = directory.Open(options, logger))
        {
            for (var round = 0; round < 60; round++)
            {
                string[] items = [.. Enumerable.Range(0, 20).Select(i => $"round {round} item {i} it's")];
                store.PushNow(round % 2 == 0 ? ListEnd.Tail : ListEnd.Head, "q", items);
                foreach (var item in items)
                {
                    if (round % 2 == 0)
                    {
                        model.AddLast(item);
                    }
                    else
                    {
                        model.AddFirst(item);
                    }
                }

                var end = round % 3 == 0 ? ListEnd.Tail : ListEnd.Head;
                var popped = store.PopNow(end, "q", 19).Snapshot.ToStrings();
                foreach (var item in popped)
                {
                    Assert.Equal(end == ListEnd.Head ? model.First!.Value : model.Last!.Value, item);
                    if (end == ListEnd.Head)
                    {
                        model.RemoveFirst();
                    }
                    else
                    {
                        model.RemoveLast();
                    }
                }
            }

            Assert.Contains(logger.Entries, e => e.Message.Contains("rewritten"));
            Assert.True(directory.JournalLength < 4096 * 2, $"{directory.JournalLength} bytes");
            Assert.Equal(Str([.. model]), store.ListNow("q"));
            store.PushNow(ListEnd.Head, "q", "after the rewrite");
            model.AddFirst("after the rewrite");
            Assert.Equal(Str([.. model]), store.ListNow("q"));
        }

        using var reopened = directory.Open(options);
        Assert.Equal(Str([.. model]), reopened.ListNow("q"));
        Assert.Equal(1, reopened.ListCount);
    }

    [Theory]
    [InlineData(FsyncPolicy.Always)]
    [InlineData(FsyncPolicy.No)]
    public void Rewrites_while_clients_push_and_pop_lose_and_duplicate_nothing(FsyncPolicy fsync)
    {
        using var directory = new JournalDirectory();
        var options = directory.Options(fsync) with { RewriteMinDeadBytes = 2048 };
        var logger = new RecordingLogger();
        const int Clients = 4;
        var models = new LinkedList<string>[Clients];
        string contents;
        using (var store = directory.Open(options, logger))
        {
            Parallel.For(0, Clients, new ParallelOptions { MaxDegreeOfParallelism = Clients }, client =>
            {
                var model = models[client] = new LinkedList<string>();
                var key = $"client {client}";
                for (var round = 0; round < 150; round++)
                {
                    var end = (round + client) % 2 == 0 ? ListEnd.Head : ListEnd.Tail;
                    string[] items = [$"{client}.{round}.a", $"{client}.{round}.b", $"{client}.{round}.c"];
                    Assert.Equal(model.Count + 3, store.PushNow(end, key, items).Length);
                    foreach (var item in items)
                    {
                        _ = end == ListEnd.Head ? model.AddFirst(item) : model.AddLast(item);
                    }

                    var popEnd = round % 3 == 0 ? ListEnd.Head : ListEnd.Tail;
                    foreach (var item in store.PopNow(popEnd, key, 2).Snapshot.ToStrings())
                    {
                        var expected = popEnd == ListEnd.Head ? model.First! : model.Last!;
                        Assert.Equal(expected.Value, item);
                        model.Remove(expected);
                    }

                    store.PushNow(ListEnd.Tail, "shared", $"{client}.{round}");
                    if (round % 10 == 9)
                    {
                        store.ClearNow("shared");
                    }
                }
            });

            Assert.Contains(logger.Entries, e => e.Message.Contains("rewritten"));
            for (var client = 0; client < Clients; client++)
            {
                Assert.Equal(Str([.. models[client]]), store.ListNow($"client {client}"));
            }

            contents = store.Contents();
        }

        using var reopened = directory.Open(options);
        Assert.Equal(contents, reopened.Contents());
    }

    [Fact]
    public void Start_up_rewrites_a_journal_mostly_popped_into_pushes_of_what_is_left()
    {
        using var directory = new JournalDirectory();
        var options = directory.Options() with { StartupRewriteMinDeadBytes = 1000 };
        string before;
        using (var store = directory.Open(options))
        {
            for (var i = 0; i < 100; i++)
            {
                store.PushNow(ListEnd.Tail, "q", $"item {i}", $"more {i}");
                store.AppendNow($"other {i}", key: "other");
            }

            store.PopNow(ListEnd.Head, "q", 195);
            store.PopNow(ListEnd.Tail, "other", 100);
            before = store.Contents();
        }

        var length = directory.JournalLength;
        var logger = new RecordingLogger();
        using (var store = directory.Open(options, logger))
        {
            Assert.Equal(before, store.Contents());
            Assert.Single(logger.Entries, e => e.Message.Contains("rewritten"));
        }

        Assert.True(directory.JournalLength < length / 10, $"{length} -> {directory.JournalLength} bytes");
        Assert.False(File.Exists(directory.JournalPath + ".tmp"));
        using var reopened = directory.Open(options);
        Assert.Equal(before, reopened.Contents());
        Assert.Equal(Str("more 97", "item 98", "more 98", "item 99", "more 99"), reopened.ListNow("q"));
    }

    [Fact]
    public void A_journal_of_the_first_format_loads_unchanged()
    {
        using var directory = new JournalDirectory();
        byte[] journal =
        [
            .. "SLJOURNL"u8, 1, 0, 0, 0,
            .. OldRecord(1, "q", "a"),
            .. OldRecord(1, "q", "it's"),
            .. OldRecord(1, "other", "x"),
            .. OldRecord(2, "q", string.Empty),
            .. OldRecord(1, "q", "ação 😀"),
            .. OldRecord(1, "other", "y"),
            .. OldRecord(2, "never", string.Empty),
        ];
        File.WriteAllBytes(directory.JournalPath, journal);

        var logger = new RecordingLogger();
        using (var store = directory.Open(logger))
        {
            Assert.Equal(string.Join('\n', $"other={Str("x", "y")}", $"q={Str("ação 😀")}"), store.Contents());
            Assert.Equal(2, store.ListCount);
            Assert.Empty(logger.Warnings());
        }

        Assert.Equal(journal, File.ReadAllBytes(directory.JournalPath));
    }

    [Fact]
    public void Lists_that_hold_nothing_are_not_kept()
    {
        using var directory = new JournalDirectory();
        using (var store = directory.Open())
        {
            for (var i = 0; i < 1000; i++)
            {
                var list = store.GetList($"random {i}");
                Assert.Equal(0, JournalTestOperations.Complete(store, list.Count()).Length);
                Assert.Equal(0, JournalTestOperations.Complete(store, list.Read()).Snapshot.Count);
                Assert.Equal(0, JournalTestOperations.Complete(store, list.Range(0, -1)).Length);
                Assert.Equal(0, JournalTestOperations.Complete(store, list.Pop(ListEnd.Head, 3)).Length);
                Assert.Equal(0, JournalTestOperations.Complete(store, list.Clear()).Length);
            }

            Assert.Equal(0, store.ListCount);
            Assert.Equal(JournalFormat.FileHeaderBytes, directory.JournalLength);

            // A handle kept while its list is emptied, dropped and filled again sees the live list.
            var kept = store.GetList("q");
            Assert.Equal(2, JournalTestOperations.Complete(store, kept.Push(ListEnd.Tail, Values("a", "b"))).Length);
            Assert.Equal(1, store.ListCount);
            Assert.Equal(2, JournalTestOperations.Complete(store, kept.Pop(ListEnd.Head, 5)).Snapshot.Count);
            Assert.Equal(0, store.ListCount);
            Assert.Equal(1, JournalTestOperations.Complete(store, kept.Push(ListEnd.Head, Values("c"))).Length);
            Assert.Equal(Str("c"), store.ListNow("q"));
            Assert.Equal(1, store.ListCount);
            Assert.Equal(1, store.ClearNow("q").Length);
            Assert.Equal(0, store.ListCount);

            store.PushNow(ListEnd.Tail, "a", "1");
            store.PushNow(ListEnd.Tail, "b", "2");
            Assert.Equal(2, store.ClearAllNow().Length);
            Assert.Equal(0, store.ListCount);
            Assert.Equal(0, store.ClearAllNow().Length);
        }

        using var reopened = directory.Open();
        Assert.Equal(0, reopened.ListCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_failed_batch_of_pushes_pops_and_clears_is_rolled_back(bool withClearAll)
    {
        using var directory = new JournalDirectory();
        FailingJournalFile? file = null;
        var options = directory.Options() with { OpenFile = path => file = new FailingJournalFile(JournalFile.Open(path)) };
        using (var store = directory.Open(options))
        {
            store.PushNow(ListEnd.Tail, "q", "a", "b", "c");
            store.PushNow(ListEnd.Tail, "other", "x");
            store.PushNow(ListEnd.Tail, "untouched", "u");
            var before = store.Contents();
            file!.Full = true;

            List<StoreResult> results =
            [
                store.GetList("q").Push(ListEnd.Head, Values("new")),
                store.GetList("q").Pop(ListEnd.Tail, 4),
                store.GetList("other").Pop(ListEnd.Head, 1),
                store.GetList("fresh").Push(ListEnd.Tail, Values("f1", "f2")),
                store.GetList("other").Clear(),
            ];
            if (withClearAll)
            {
                results.Add(store.ClearAll());
            }

            store.Committer.Commit(results[^1].Ticket);
            Assert.All(results, result => Assert.Equal(StoreOutcome.Unavailable, result.Resolve().Outcome));
            Assert.Equal(before, store.Contents());
            Assert.Equal(3, store.ListCount);

            file.Full = false;
            Assert.Equal(2, store.PopNow(ListEnd.Tail, "q", 2).Snapshot.Count);
            before = store.Contents();
            Assert.Equal(string.Join('\n', $"other={Str("x")}", $"q={Str("a")}", $"untouched={Str("u")}"), before);
        }

        using var reopened = directory.Open();
        Assert.Equal(string.Join('\n', $"other={Str("x")}", $"q={Str("a")}", $"untouched={Str("u")}"), reopened.Contents());
    }

    [Fact]
    public void A_push_record_whose_lengths_do_not_add_up_is_damage()
    {
        using var directory = new JournalDirectory();
        using (var store = directory.Open())
        {
            store.PushNow(ListEnd.Tail, "q", "a", "bc");
            store.AppendNow("after", key: "q");
        }

        // Make the first item claim one byte more, with checksums that match: only the body's own check finds it.
        var journal = File.ReadAllBytes(directory.JournalPath);
        var payload = journal.AsSpan(JournalFormat.FileHeaderBytes + JournalFormat.RecordHeaderBytes, BinaryPrimitives.ReadInt32LittleEndian(journal.AsSpan(JournalFormat.FileHeaderBytes)));
        var firstLength = JournalFormat.PayloadPrefixBytes + 1 + JournalFormat.EndAndCountBytes;
        payload[firstLength]++;
        var header = journal.AsSpan(JournalFormat.FileHeaderBytes, JournalFormat.RecordHeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Compute(header[..8]));
        File.WriteAllBytes(directory.JournalPath, journal);

        var exception = Assert.Throws<JournalCorruptException>(() => directory.Open());
        Assert.Contains("push record", exception.Message);
    }

    // Every kind of record, over several lists; leaves h = [2], other = [5], q = ["", "ação 😀", "it's", "w"].
    private static void Exercise(IListStore store)
    {
        store.PushNow(ListEnd.Tail, "q", "a", "b", "c");
        store.PushNow(ListEnd.Head, "q", "z", "y");
        store.AppendNow("d", key: "q");
        Assert.Equal(["y"], store.PopNow(ListEnd.Head, "q", 1).Snapshot.ToStrings());
        Assert.Equal(["d", "c"], store.PopNow(ListEnd.Tail, "q", 2).Snapshot.ToStrings());
        store.PushNow(ListEnd.Tail, "gone", "x");
        Assert.Equal(2, store.ClearAllNow().Length);
        store.PushNow(ListEnd.Head, "q", "it's", "ação 😀", string.Empty);
        store.PushNow(ListEnd.Tail, "other", "1", "2", "3", "4");
        Assert.Equal(4, store.PopNow(ListEnd.Tail, "other", 10).Snapshot.Count);
        store.PushNow(ListEnd.Tail, "other", "5");
        store.PushNow(ListEnd.Tail, "cleared", "c1", "c2");
        Assert.Equal(2, store.ClearNow("cleared").Length);
        store.PushNow(ListEnd.Head, "h", "1", "2");
        store.PopNow(ListEnd.Tail, "h", 1);
        store.AppendNow("w", key: "q");
    }

    private static IReadOnlyList<ReadOnlyMemory<byte>> Values(params string[] items) =>
        [.. items.Select(item => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(item))];

    // A record as the first format wrote it, laid out here byte by byte rather than by the code that writes records now.
    private static byte[] OldRecord(byte type, string key, string item)
    {
        byte[] payload = [type, .. BitConverter.GetBytes((ushort)Encoding.UTF8.GetByteCount(key)), .. Encoding.UTF8.GetBytes(key), .. Encoding.UTF8.GetBytes(item)];
        byte[] header = [.. BitConverter.GetBytes((uint)payload.Length), .. BitConverter.GetBytes(Crc32C.Compute(payload))];
        return [.. header, .. BitConverter.GetBytes(Crc32C.Compute(header)), .. payload];
    }
}
