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

    /// <summary>The store could not do it (a journal that cannot be written, a Redis that is down): nothing is promised.</summary>
    Unavailable,
}
