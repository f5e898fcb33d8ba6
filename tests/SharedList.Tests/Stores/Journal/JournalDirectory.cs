using System.Text;
using Microsoft.Extensions.Logging;
using SharedList.Stores;
using SharedList.Stores.Journal;

namespace SharedList.Tests.Stores.Journal;

/// <summary>A fresh temporary directory for one test's journal, deleted with everything in it on dispose.</summary>
internal sealed class JournalDirectory : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("journal-");

    public string Path => _directory.FullName;

    public string JournalPath => System.IO.Path.Combine(Path, "sharedlist.journal");

    public long JournalLength => new FileInfo(JournalPath).Length;

    public JournalOptions Options(FsyncPolicy fsync = FsyncPolicy.Always) => new() { Directory = Path, Fsync = fsync };

    public JournalListStore Open(RecordingLogger? logger = null) => JournalListStore.Open(Options(), logger ?? new RecordingLogger());

    public JournalListStore Open(JournalOptions options, RecordingLogger? logger = null)
    {
        Assert.Equal(Path, options.Directory);
        return JournalListStore.Open(options, logger ?? new RecordingLogger());
    }

    public void Dispose() => _directory.Delete(recursive: true);
}

/// <summary>Store operations done to the end (committed and resolved), as a session's reply would see them.</summary>
internal static class JournalTestOperations
{
    public const string Key = "sharedlist";

    public static StoreResult AppendNow(this IListStore store, string item, string key = Key) =>
        Complete(store, store.GetList(key).Append(Encoding.UTF8.GetBytes(item)));

    public static StoreResult ClearNow(this IListStore store, string key = Key) => Complete(store, store.GetList(key).Clear());

    public static StoreResult PushNow(this IListStore store, ListEnd end, string key, params string[] items) =>
        Complete(store, store.GetList(key).Push(end, [.. items.Select(item => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(item))]));

    public static StoreResult PopNow(this IListStore store, ListEnd end, string key, int count) => Complete(store, store.GetList(key).Pop(end, count));

    public static StoreResult ClearAllNow(this IListStore store) => Complete(store, store.ClearAll());

    /// <summary>Every list of the store, by key in order, as <c>key=str(list)</c> lines: the whole state, to compare.</summary>
    public static string Contents(this IListStore store)
    {
        var keys = Complete(store, store.ListKeys()).Keys!.Order(StringComparer.Ordinal);
        return string.Join('\n', keys.Select(key => $"{key}={store.ListNow(key)}"));
    }

    public static string ListNow(this IListStore store, string key = Key)
    {
        var result = Complete(store, store.GetList(key).Read());
        Assert.Equal(StoreOutcome.Read, result.Outcome);
        return result.Snapshot.ToString();
    }

    public static StoreResult Complete(IListStore store, StoreResult result)
    {
        if (result.Ticket != 0)
        {
            store.Committer!.Commit(result.Ticket);
        }

        return result.Resolve();
    }

    public static IReadOnlyList<LogEntry> Warnings(this RecordingLogger logger) => [.. logger.Entries.Where(e => e.Level == LogLevel.Warning)];
}
