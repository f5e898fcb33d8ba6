using SharedList.Stores;

namespace SharedList.Tests.Stores.Journal;

/// <summary>The conformance suite on the journal store, each test in a fresh directory, deleted after.</summary>
public abstract class JournalListStoreConformanceTests(FsyncPolicy fsync) : ListStoreConformanceTests, IDisposable
{
    private readonly List<JournalDirectory> _directories = [];

    protected override IListStore CreateStore(int maxItems = InMemoryList.DefaultMaxItems)
    {
        var directory = new JournalDirectory();
        _directories.Add(directory);
        return directory.Open(directory.Options(fsync) with { MaxItems = maxItems });
    }

    public void Dispose()
    {
        // The tests dispose their stores first: the directories can go.
        _directories.ForEach(d => d.Dispose());
        GC.SuppressFinalize(this);
    }
}

/// <summary>The conformance suite on the journal flushed at every commit.</summary>
public sealed class AlwaysJournalConformanceTests() : JournalListStoreConformanceTests(FsyncPolicy.Always);

/// <summary>The conformance suite on the journal flushed once a second.</summary>
public sealed class EverySecondJournalConformanceTests() : JournalListStoreConformanceTests(FsyncPolicy.EverySecond);
