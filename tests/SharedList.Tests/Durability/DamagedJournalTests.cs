using System.Text.RegularExpressions;

namespace SharedList.Tests.Durability;

/// <summary>
/// A stopped server's journal, damaged on disk, and <c>sharedlist serve --data</c> started on it: a torn tail is
/// cut with one warning and the records before it are served; damage in the middle stops start-up (exit 1) with
/// one line naming the offset, unless <c>--repair</c> cuts the journal there. The store's own tests cut at every
/// byte of many records; these check the program does what the store says, one process per cut.
/// </summary>
public sealed partial class DamagedJournalTests : IDisposable
{
    // A one-letter key and one-letter items keep a record at 17 bytes: 17 starts for every cut of one.
    private static readonly string[] KeyOption = ["--list-key", "k", "--fsync", "always"];
    private static readonly string[] Before = ["a", "b", "c", "d", "e", "f", "g", "h"];
    private const int ConcurrentStarts = 4;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sharedlist-damage-");

    [Fact]
    public async Task A_journal_cut_at_every_byte_of_its_last_record_starts_warns_once_and_serves_the_records_before()
    {
        var (journal, withoutLast) = await JournalWithLastRecordAsync("z");
        var length = new FileInfo(journal).Length;
        Assert.InRange(length - withoutLast, 2, 64);

        using var starts = new SemaphoreSlim(ConcurrentStarts);
        var cuts = Enumerable.Range(0, (int)(length - withoutLast)).Select(async byteOfRecord =>
        {
            await starts.WaitAsync();
            try
            {
                await StartOnCutJournalAsync(journal, withoutLast, withoutLast + byteOfRecord);
            }
            finally
            {
                starts.Release();
            }
        });
        await Task.WhenAll(cuts);
    }

    [Fact]
    public async Task A_cut_journal_is_cut_on_disk_so_what_is_appended_after_it_survives_the_next_restart()
    {
        var (journal, withoutLast) = await JournalWithLastRecordAsync("z");
        var data = Copy(journal, cutAt: withoutLast + 5);

        await JournalServer.AppendAsync(data, ["after"], KeyOption);

        var (server, endPoint) = await JournalServer.StartAsync(data, KeyOption);
        await using (server)
        {
            Assert.Equal([.. Before, "after"], await JournalServer.ListAsync(endPoint));
            await JournalServer.StopAsync(server);
            Assert.DoesNotContain("torn tail", server.StandardError, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(2, "the record's length")]
    [InlineData(16, "the item")]
    public async Task A_corrupt_byte_in_the_middle_stops_start_up_with_one_line_naming_the_offset_and_repair_serves_what_was_before(int byteInRecord, string what)
    {
        _ = what;
        var (journal, withoutLast) = await JournalWithLastRecordAsync("z");
        var recordBytes = new FileInfo(journal).Length - withoutLast;
        var records = Before.Length + 1;
        var header = new FileInfo(journal).Length - (records * recordBytes);

        // The fourth record ("d"): three sound records before it, five after.
        var damaged = header + (3 * recordBytes);
        var data = Copy(journal, cutAt: null);
        FlipByte(JournalServer.JournalPath(data), damaged + byteInRecord);

        var refused = CliProcess.Start(["serve", "--port", "0", "--data", data, .. KeyOption]);
        await using (refused)
        {
            var run = await refused.RunToEndAsync(string.Empty, CliProcess.DefaultTimeout);
            Assert.Equal(1, run.ExitCode);
            Assert.Empty(run.Output);
            var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.StartsWith("error: ", line, StringComparison.Ordinal);
            Assert.Equal(damaged, long.Parse(OffsetNamed().Match(line).Groups["offset"].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains("--repair", line, StringComparison.Ordinal);
        }

        var (server, endPoint) = await JournalServer.StartAsync(data, [.. KeyOption, "--repair"]);
        await using (server)
        {
            Assert.Equal(Before[..3], await JournalServer.ListAsync(endPoint));
            await JournalServer.StopAsync(server);
            Assert.Equal(1, JournalServer.LinesContaining(server.StandardError, $"offset {damaged}"));
        }

        Assert.Equal(damaged, new FileInfo(JournalServer.JournalPath(data)).Length);
    }

    public void Dispose() => _root.Delete(recursive: true);

    // A journal of `Before` written by one run and `last` by a second; returns it and its length before the second.
    private async Task<(string Journal, long WithoutLast)> JournalWithLastRecordAsync(string last)
    {
        var data = _root.CreateSubdirectory("original").FullName;
        await JournalServer.AppendAsync(data, Before, KeyOption);
        var journal = JournalServer.JournalPath(data);
        var withoutLast = new FileInfo(journal).Length;
        await JournalServer.AppendAsync(data, [last], KeyOption);
        return (journal, withoutLast);
    }

    private async Task StartOnCutJournalAsync(string journal, long withoutLast, long cut)
    {
        var data = Copy(journal, cut);
        var (server, endPoint) = await JournalServer.StartAsync(data, KeyOption);
        await using (server)
        {
            Assert.Equal(Before, await JournalServer.ListAsync(endPoint));
            await JournalServer.StopAsync(server);
            var warnings = JournalServer.LinesContaining(server.StandardError, "torn tail");
            Assert.True(warnings == (cut == withoutLast ? 0 : 1), $"cut at {cut}: {warnings} torn-tail warnings in: {server.StandardError}");
            Assert.Equal(withoutLast, new FileInfo(JournalServer.JournalPath(data)).Length);
        }
    }

    // A copy of the journal in a data directory of its own, cut at `cutAt` bytes when given.
    private string Copy(string journal, long? cutAt)
    {
        var data = _root.CreateSubdirectory($"copy-{Guid.NewGuid():N}").FullName;
        var copy = JournalServer.JournalPath(data);
        File.Copy(journal, copy);
        if (cutAt is { } length)
        {
            using var file = File.OpenHandle(copy, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.SetLength(file, length);
        }

        return data;
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        var one = new byte[1];
        RandomAccess.Read(file, one, offset);
        one[0] ^= 0x5A;
        RandomAccess.Write(file, one, offset);
    }

    [GeneratedRegex(@"offset (?<offset>\d+)")]
    private static partial Regex OffsetNamed();
}
