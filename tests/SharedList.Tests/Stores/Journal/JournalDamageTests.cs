using SharedList.Stores.Journal;
using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores.Journal;

/// <summary>Journals left by a crash in mid-write (a torn tail) and journals damaged in the middle.</summary>
public sealed class JournalDamageTests
{
    private static readonly string[] Items = ["first", "it's ação", "", "last item, a longer one 😀"];

    [Fact]
    public void A_tail_torn_at_every_byte_of_the_last_record_recovers_exactly_the_records_before_it()
    {
        using var source = new JournalDirectory();
        var lastRecordStart = WriteJournal(source, Items);
        var whole = File.ReadAllBytes(source.JournalPath);
        var before = Str(Items[..^1]);

        for (var cut = lastRecordStart + 1; cut < whole.Length; cut++)
        {
            using var directory = new JournalDirectory();
            File.WriteAllBytes(directory.JournalPath, whole[..(int)cut]);
            var logger = new RecordingLogger();

            using (var store = directory.Open(logger))
            {
                Assert.Equal(before, store.ListNow());
            }

            var warning = Assert.Single(logger.Warnings());
            Assert.Contains(directory.JournalPath, warning.Message);
            Assert.Contains($"offset {lastRecordStart}", warning.Message);
            Assert.Contains($"cut {cut - lastRecordStart} bytes", warning.Message);
            Assert.Equal(lastRecordStart, directory.JournalLength);
        }
    }

    [Fact]
    public void A_cut_exactly_between_records_is_no_damage()
    {
        using var directory = new JournalDirectory();
        var lastRecordStart = WriteJournal(directory, Items);
        using (var file = File.OpenHandle(directory.JournalPath, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(file, lastRecordStart);
        }

        var logger = new RecordingLogger();
        using var store = directory.Open(logger);

        Assert.Equal(Str(Items[..^1]), store.ListNow());
        Assert.Empty(logger.Warnings());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(5000)]
    public void A_tail_of_zeros_is_cut(int zeros)
    {
        using var directory = new JournalDirectory();
        WriteJournal(directory, Items);
        var length = directory.JournalLength;
        using (var file = File.OpenHandle(directory.JournalPath, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(file, length + zeros);
        }

        var logger = new RecordingLogger();
        using var store = directory.Open(logger);

        Assert.Equal(Str(Items), store.ListNow());
        Assert.Contains($"cut {zeros} bytes", Assert.Single(logger.Warnings()).Message);
        Assert.Equal(length, directory.JournalLength);
    }

    [Fact]
    public void A_last_record_whose_checksum_fails_is_a_torn_tail()
    {
        using var directory = new JournalDirectory();
        var lastRecordStart = WriteJournal(directory, Items);
        FlipByte(directory.JournalPath, directory.JournalLength - 1);

        var logger = new RecordingLogger();
        using var store = directory.Open(logger);

        Assert.Equal(Str(Items[..^1]), store.ListNow());
        Assert.Contains($"offset {lastRecordStart}", Assert.Single(logger.Warnings()).Message);
    }

    [Theory]
    [InlineData(0)] // the length
    [InlineData(5)] // the payload's checksum
    [InlineData(10)] // the header's checksum
    [InlineData(12)] // the type
    [InlineData(16)] // the item
    public void A_corrupt_byte_in_the_middle_stops_start_up_naming_the_offset(int byteInRecord)
    {
        using var directory = new JournalDirectory();
        var secondRecord = RecordStarts(directory, Items)[1];
        FlipByte(directory.JournalPath, secondRecord + byteInRecord);
        var damaged = File.ReadAllBytes(directory.JournalPath);

        var refused = Assert.Throws<JournalCorruptException>(() => directory.Open());

        Assert.Equal(secondRecord, refused.Offset);
        Assert.Equal(directory.JournalPath, refused.Path);
        Assert.Contains($"offset {secondRecord}", refused.Message);
        Assert.Contains(directory.JournalPath, refused.Message);
        Assert.Contains("--repair", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Equal(damaged, File.ReadAllBytes(directory.JournalPath));
    }

    [Fact]
    public void Repair_cuts_the_journal_at_the_damage_with_one_warning()
    {
        using var directory = new JournalDirectory();
        var secondRecord = RecordStarts(directory, Items)[1];
        var length = directory.JournalLength;
        FlipByte(directory.JournalPath, secondRecord + 14);

        var logger = new RecordingLogger();
        using (var store = directory.Open(directory.Options() with { Repair = true }, logger))
        {
            Assert.Equal(Str(Items[0]), store.ListNow());
            store.AppendNow("after the repair");
        }

        var warning = Assert.Single(logger.Warnings());
        Assert.Contains($"offset {secondRecord}", warning.Message);
        Assert.Contains($"cut {length - secondRecord} bytes", warning.Message);

        using var reopened = directory.Open();
        Assert.Equal(Str(Items[0], "after the repair"), reopened.ListNow());
    }

    [Fact]
    public void A_zeroed_record_with_records_after_it_is_damage_not_a_tail()
    {
        using var directory = new JournalDirectory();
        var starts = RecordStarts(directory, Items);
        using (var file = File.OpenHandle(directory.JournalPath, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.Write(file, new byte[starts[2] - starts[1]], starts[1]);
        }

        var refused = Assert.Throws<JournalCorruptException>(() => directory.Open());

        Assert.Equal(starts[1], refused.Offset);
    }

    // Writes the items to a fresh journal; returns where each record begins.
    private static long[] RecordStarts(JournalDirectory directory, string[] items)
    {
        var starts = new long[items.Length];
        using var store = directory.Open();
        for (var i = 0; i < items.Length; i++)
        {
            starts[i] = directory.JournalLength;
            store.AppendNow(items[i]);
        }

        return starts;
    }

    private static long WriteJournal(JournalDirectory directory, string[] items) => RecordStarts(directory, items)[^1];

    private static void FlipByte(string path, long offset)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        var one = new byte[1];
        RandomAccess.Read(file, one, offset);
        one[0] ^= 0x5A;
        RandomAccess.Write(file, one, offset);
    }
}
