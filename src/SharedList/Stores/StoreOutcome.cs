namespace SharedList.Stores;

/// <summary>What a store operation did.</summary>
public enum StoreOutcome : byte
{
    /// <summary>The item was added.</summary>
    Appended = 1,

    /// <summary>The list already held its maximum: nothing was stored.</summary>
    Full,

    /// <summary>The list was emptied.</summary>
    Cleared,

    /// <summary>The list was read: see <see cref="StoreResult.Snapshot"/>.</summary>
    Read,

    /// <summary>Items were pushed: <see cref="StoreResult.Length"/> is the list's length after.</summary>
    Pushed,

    /// <summary>The list was counted: <see cref="StoreResult.Length"/> is its number of items.</summary>
    Counted,

    /// <summary>The store's lists were named: see <see cref="StoreResult.Keys"/>.</summary>
    Listed,

    /// <summary>The store could not do it (a journal that cannot be written, a Redis that is down): nothing is promised.</summary>
    Unavailable,
}
