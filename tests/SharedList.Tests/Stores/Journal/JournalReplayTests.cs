using SharedList.Stores;
using SharedList.Stores.Journal;
using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores.Journal;

public sealed class JournalReplayTests
{
    [Fact]
    public void A_new_directory_gets_an_empty_journal_with_its_header()
    {
        using var directory = new JournalDirectory();
        Directory.Delete(directory.Path);

        using (var store = directory.Open())
        {
            Assert.Equal("[]", store.ListNow());
        }

        Assert.Equal(JournalFormat.FileHeaderBytes, directory.JournalLength);
    }

    [Theory]
    [InlineData(FsyncPolicy.Always)]
    [InlineData(FsyncPolicy.EverySecond)]
    [InlineData(FsyncPolicy.No)]
    public void Appends_and_clears_of_several_lists_are_back_after_reopening(FsyncPolicy fsync)
    {
        using var directory = new JournalDirectory();
        using (var store = directory.Open(directory.Options(fsync)))
        {
            Assert.Equal(StoreOutcome.Appended, store.AppendNow("gone").Outcome);
            Assert.Equal(StoreOutcome.Cleared, store.ClearNow().Outcome);
            store.AppendNow("a");
            store.AppendNow("it's ação 😀");
            store.AppendNow("x", key: "other");
            store.AppendNow("");
            store.AppendNow("y", key: "other");
            store.ClearNow("empty");
        }

        var logger = new RecordingLogger();
        using var reopened = directory.Open(directory.Options(fsync), logger);
        Assert.Equal(Str("a", "it's ação 😀", ""), reopened.ListNow());
        Assert.Equal(Str("x", "y"), reopened.ListNow("other"));
        Assert.Equal("[]", reopened.ListNow("empty"));
        Assert.Empty(logger.Warnings());
    }

    [Fact]
    public void Replay_respects_max_items_and_says_what_it_left_out()
    {
        using var directory = new JournalDirectory();
        using (var store = directory.Open())
        {
            for (var i = 0; i < 5; i++)
            {
                store.AppendNow($"i{i}");
            }
        }

        var logger = new RecordingLogger();
        using var reopened = directory.Open(directory.Options() with { MaxItems = 3 }, logger);
        Assert.Equal(Str("i0", "i1", "i2"), reopened.ListNow());
        Assert.Equal(StoreOutcome.Full, reopened.AppendNow("more").Outcome);
        Assert.Contains("2 items", Assert.Single(logger.Warnings()).Message);
    }

    [Fact]
    public void A_read_waits_for_every_append_issued_before_it()
    {
        using var directory = new JournalDirectory();
        using var store = directory.Open();
        var list = store.GetList("k");

        var append = list.Append("a"u8);
        var read = list.Read();

        Assert.NotEqual(0, append.Ticket);
        Assert.Equal(append.Ticket, read.Ticket);
        Assert.False(store.Committer.IsCommitted(read.Ticket));
        store.Committer.Commit(read.Ticket);
        Assert.Equal(Str("a"), read.Resolve().Snapshot.ToString());
        Assert.Equal(0, list.Read().Ticket);
    }

    [Fact]
    public void A_foreign_file_is_refused_and_left_alone()
    {
        using var directory = new JournalDirectory();
        File.WriteAllText(directory.JournalPath, "appendonly.aof is not ours\n");

        var refused = Assert.Throws<JournalCorruptException>(() => directory.Open());

        Assert.Contains("not a SharedList journal", refused.Message);
        Assert.Contains(directory.JournalPath, refused.Message);
        Assert.Equal("appendonly.aof is not ours\n", File.ReadAllText(directory.JournalPath));
    }

    [Fact]
    public void A_journal_of_another_version_is_refused()
    {
        using var directory = new JournalDirectory();
        File.WriteAllBytes(directory.JournalPath, [.. "SLJOURNL"u8, 9, 0, 0, 0]);

        var refused = Assert.Throws<JournalCorruptException>(() => directory.Open());

        Assert.Contains("version 9", refused.Message);
    }

    [Fact]
    public void A_header_cut_short_at_creation_is_written_again()
    {
        using var directory = new JournalDirectory();
        File.WriteAllBytes(directory.JournalPath, "SLJOU"u8.ToArray());

        var logger = new RecordingLogger();
        using var store = directory.Open(logger);

        Assert.Equal("[]", store.ListNow());
        Assert.Single(logger.Warnings());
        Assert.Equal(JournalFormat.FileHeaderBytes, directory.JournalLength);
    }

    [Fact]
    public void Operations_after_dispose_throw()
    {
        using var directory = new JournalDirectory();
        var store = directory.Open();
        var list = store.GetList("k");
        store.Dispose();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => list.Append("a"u8));
    }

    [Fact]
    public void A_second_store_on_the_same_directory_is_refused_while_the_first_is_open()
    {
        using var directory = new JournalDirectory();
        using (var first = directory.Open())
        {
            first.AppendNow("a");
            var refused = Assert.Throws<StoreOpenException>(() => directory.Open());
            Assert.Contains("another process", refused.Message);
            Assert.Equal(Str("a"), first.ListNow());
        }

        using var after = directory.Open();
        Assert.Equal(Str("a"), after.ListNow());
    }
}
