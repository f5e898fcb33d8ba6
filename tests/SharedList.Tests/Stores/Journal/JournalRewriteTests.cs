using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores.Journal;

public sealed class JournalRewriteTests
{
    [Fact]
    public void Start_up_rewrites_a_mostly_dead_journal_keeping_the_live_records_in_order()
    {
        using var directory = new JournalDirectory();
        var options = directory.Options() with { StartupRewriteMinDeadBytes = 1000 };
        using (var store = directory.Open(options))
        {
            for (var i = 0; i < 100; i++)
            {
                store.AppendNow($"dead {i}");
                store.AppendNow($"other {i}", key: "other");
            }

            store.ClearNow();
            store.AppendNow("kept 1");
            store.AppendNow("kept 2");
            store.ClearNow("emptied");
        }

        var before = directory.JournalLength;
        var logger = new RecordingLogger();
        using (var store = directory.Open(options, logger))
        {
            Assert.Equal(Str("kept 1", "kept 2"), store.ListNow());
            Assert.Contains("rewritten", Assert.Single(logger.Entries, e => e.Message.Contains("rewritten")).Message);
        }

        var after = directory.JournalLength;
        Assert.True(after < before / 2, $"{before} -> {after} bytes");
        Assert.False(File.Exists(directory.JournalPath + ".tmp"));

        using var reopened = directory.Open(options);
        Assert.Equal(Str("kept 1", "kept 2"), reopened.ListNow());
        Assert.Equal(Str([.. Enumerable.Range(0, 100).Select(i => $"other {i}")]), reopened.ListNow("other"));
        Assert.Equal("[]", reopened.ListNow("emptied"));
    }

    [Fact]
    public void A_journal_with_little_dead_is_left_as_it_is()
    {
        using var directory = new JournalDirectory();
        using (var store = directory.Open())
        {
            store.AppendNow("a");
            store.ClearNow();
            store.AppendNow("b");
        }

        var before = File.ReadAllBytes(directory.JournalPath);
        using (directory.Open())
        {
        }

        Assert.Equal(before, File.ReadAllBytes(directory.JournalPath));
    }

    [Fact]
    public void The_committer_rewrites_when_dead_bytes_outgrow_live_ones()
    {
        using var directory = new JournalDirectory();
        var options = directory.Options() with { RewriteMinDeadBytes = 4096 };
        var logger = new RecordingLogger();
        using (var store = directory.Open(options, logger))
        {
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < 20; i++)
                {
                    store.AppendNow($"round {round} item {i}");
                }

                store.ClearNow();
            }

            store.AppendNow("last");
            Assert.Contains(logger.Entries, e => e.Message.Contains("rewritten"));
            Assert.True(directory.JournalLength < 4096 * 2, $"{directory.JournalLength} bytes");
            store.AppendNow("after the rewrite");
            Assert.Equal(Str("last", "after the rewrite"), store.ListNow());
        }

        using var reopened = directory.Open(options);
        Assert.Equal(Str("last", "after the rewrite"), reopened.ListNow());
    }

    [Fact]
    public void A_stale_temporary_file_is_deleted_at_start_up()
    {
        using var directory = new JournalDirectory();
        using (var store = directory.Open())
        {
            store.AppendNow("a");
        }

        var stale = Path.Combine(directory.Path, "sharedlist.journal.tmp");
        File.WriteAllBytes(stale, [.. "SLJOURNL"u8, 1, 0, 0, 0, 1, 2, 3]);

        using var reopened = directory.Open();

        Assert.False(File.Exists(stale));
        Assert.Equal(Str("a"), reopened.ListNow());
    }
}
