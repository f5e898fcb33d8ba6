using Microsoft.Extensions.Logging;
using SharedList.Stores;
using SharedList.Stores.Journal;
using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores.Journal;

public sealed class JournalWriteFailureTests
{
    [Fact]
    public void A_failed_write_is_refused_rolled_back_and_retried_when_space_comes_back()
    {
        using var directory = new JournalDirectory();
        FailingJournalFile? file = null;
        var options = directory.Options() with { OpenFile = path => file = new FailingJournalFile(JournalFile.Open(path)) };
        var logger = new RecordingLogger();
        using (var store = directory.Open(options, logger))
        {
            store.AppendNow("before");
            var length = directory.JournalLength;
            file!.Full = true;

            var refused = store.AppendNow("refused");
            Assert.Equal(StoreOutcome.Unavailable, refused.Outcome);
            Assert.Equal("no space left on device", refused.Error);
            Assert.Equal(StoreOutcome.Unavailable, store.ClearNow().Outcome);
            Assert.Equal(StoreOutcome.Unavailable, store.AppendNow("refused too", key: "other").Outcome);

            // The list is as the journal has it: LIST keeps working, and the file holds nothing of the failed writes.
            Assert.Equal(Str("before"), store.ListNow());
            Assert.Equal("[]", store.ListNow("other"));
            Assert.Equal(length, directory.JournalLength);

            file.Full = false;
            Assert.Equal(StoreOutcome.Appended, store.AppendNow("after").Outcome);
            Assert.Equal(Str("before", "after"), store.ListNow());
        }

        var warning = Assert.Single(logger.Warnings());
        Assert.Contains("no space left on device", warning.Message);
        Assert.Single(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("succeed again"));
        Assert.True(file.FailedWrites >= 3);

        using var reopened = directory.Open();
        Assert.Equal(Str("before", "after"), reopened.ListNow());
    }

    [Fact]
    public void Operations_taken_after_a_failing_batch_fail_with_it()
    {
        using var directory = new JournalDirectory();
        FailingJournalFile? file = null;
        var options = directory.Options() with { OpenFile = path => file = new FailingJournalFile(JournalFile.Open(path)) };
        using var store = directory.Open(options);
        store.AppendNow("kept");
        var list = store.GetList(JournalTestOperations.Key);
        file!.Full = true;

        // Three operations pending together, none committed: one batch, and each result waits for it.
        var first = list.Append("a"u8);
        var second = list.Append("b"u8);
        var read = list.Read();
        store.Committer.Commit(read.Ticket);

        Assert.Equal(StoreOutcome.Unavailable, first.Resolve().Outcome);
        Assert.Equal(StoreOutcome.Unavailable, second.Resolve().Outcome);
        Assert.Equal(StoreOutcome.Unavailable, read.Resolve().Outcome);
        Assert.Equal(Str("kept"), store.ListNow());
    }

    [Theory]
    // RandomAccess.Write's exception for EFBIG (a file size limit): seen under `prlimit --fsize`.
    [InlineData("efbig", "the journal has reached the largest file allowed")]
    [InlineData("eio", "the journal could not be written")]
    public void Every_kind_of_write_failure_is_an_error_reply_with_its_reason(string kind, string reason)
    {
        using var directory = new JournalDirectory();
        FailingJournalFile? file = null;
        var options = directory.Options() with { OpenFile = path => file = new FailingJournalFile(JournalFile.Open(path)) };
        using var store = directory.Open(options);
        file!.Failure = kind == "efbig"
            ? () => FileTooLarge(0)
            : () => new IOException("Input/output error", 5);
        file.Full = true;

        var refused = store.AppendNow("x");

        Assert.Equal(StoreOutcome.Unavailable, refused.Outcome);
        Assert.Equal(reason, refused.Error);
        Assert.Equal("[]", store.ListNow());
        file.Full = false;
        Assert.Equal(StoreOutcome.Appended, store.AppendNow("y").Outcome);
    }

    // As RandomAccess.Write throws it for EFBIG, naming its parameter `value`.
    private static ArgumentOutOfRangeException FileTooLarge(long value) =>
        new(nameof(value), "Specified file length was too large for the file system.");
}
