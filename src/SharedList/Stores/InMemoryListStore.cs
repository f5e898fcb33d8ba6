namespace SharedList.Stores;

/// <summary>The list kept in this process's memory, as the seed's <c>lista = []</c>.</summary>
/// <remarks>
/// Threading: safe for any number of concurrent callers. One lock orders every operation, which makes the
/// store linearizable; each operation holds it for O(1) (amortised), so contention stays short.
/// Snapshots cost O(1) and are taken under the lock but read outside it, so a large <c>LIST</c> never
/// blocks appends: slots below the published count are never written again (appends write past the count,
/// growing copies into a new array, and <see cref="Clear"/> starts a new array instead of wiping this one).
/// </remarks>
public sealed class InMemoryListStore : IListStore
{
    private const int InitialCapacity = 16;

    /// <summary>
    /// The default <see cref="MaxItems"/>: ten million. A bound on what clients can make the server hold
    /// (16-byte items cost about 70 bytes each here, so about 0.7 GB at the bound), far above any lab use.
    /// </summary>
    public const int DefaultMaxItems = 10_000_000;

    private readonly Lock _gate = new();
    private string[] _items = [];
    private int _count;

    /// <summary>Creates an empty list that holds at most <paramref name="maxItems"/> items.</summary>
    public InMemoryListStore(int maxItems = DefaultMaxItems)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        MaxItems = maxItems;
    }

    /// <inheritdoc/>
    public int MaxItems { get; }

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <inheritdoc/>
    public bool TryAppend(string item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            if (_count == MaxItems)
            {
                return false;
            }

            if (_count == _items.Length)
            {
                // Array.Resize copies into a new array, leaving the one snapshots may hold untouched.
                Array.Resize(ref _items, Math.Min(MaxItems, Math.Max(InitialCapacity, _items.Length * 2)));
            }

            _items[_count] = item;
            _count++;
            return true;
        }
    }

    /// <inheritdoc/>
    public void Clear()
    {
        lock (_gate)
        {
            // A fresh array, not Array.Clear: snapshots taken before the clear still read the old one.
            _items = [];
            _count = 0;
        }
    }

    /// <inheritdoc/>
    public ReadOnlyMemory<string> Snapshot()
    {
        lock (_gate)
        {
            return new ReadOnlyMemory<string>(_items, 0, _count);
        }
    }
}
