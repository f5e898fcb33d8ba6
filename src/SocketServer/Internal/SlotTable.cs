namespace SocketServer.Internal;

/// <summary>
/// The connections a selector watches, each found by the token it was registered with: the token holds its slot
/// and a registration number, so an event still queued for a connection that is gone never reaches the one that
/// took its slot after it. A slot costs 16 bytes per connection where a dictionary entry costs about 60, and
/// finding one reads the table alone, not the connection.
/// </summary>
/// <remarks>
/// Tokens are never 0 and never have all high 32 bits set: those are left for the owner's own sockets (a wake-up
/// socket, a listener). Changes come from one thread at a time (the owner locks if several may change it);
/// <see cref="Find"/> may run on another thread meanwhile and then sees the item or null: an item is written before
/// its token and its token cleared before it, and a reader checks the token on both sides of reading the item.
/// </remarks>
internal sealed class SlotTable<T>
    where T : class
{
    private readonly Stack<int> _free = new();
    private Entry[] _slots = new Entry[64];
    private int _used;
    private uint _lastRegistration;

    /// <summary>Slots ever used: every item is below it.</summary>
    public int Used => _used;

    /// <summary>Takes a slot and returns the token of the item that will fill it.</summary>
    public ulong Reserve()
    {
        var slot = _free.Count > 0 ? _free.Pop() : _used++;
        if (slot == _slots.Length)
        {
            var larger = new Entry[_slots.Length * 2];
            _slots.CopyTo(larger, 0);
            Volatile.Write(ref _slots, larger);
        }

        var registration = ++_lastRegistration;
        if (registration is 0 or uint.MaxValue)
        {
            registration = _lastRegistration = 1;
        }

        return ((ulong)registration << 32) | (uint)slot;
    }

    /// <summary>Puts <paramref name="item"/> in the slot <paramref name="token"/> reserved.</summary>
    public void Fill(ulong token, T item)
    {
        ref var entry = ref _slots[SlotOf(token)];
        Volatile.Write(ref entry.Item, item);
        Volatile.Write(ref entry.Token, token);
    }

    /// <summary>Empties the slot of <paramref name="token"/> for reuse; false when it holds another registration.</summary>
    public bool Remove(ulong token)
    {
        var slot = SlotOf(token);
        ref var entry = ref _slots[slot];
        if (entry.Token != token)
        {
            return false;
        }

        Volatile.Write(ref entry.Token, 0);
        Volatile.Write(ref entry.Item, null);
        _free.Push(slot);
        return true;
    }

    /// <summary>Gives back a slot reserved and never filled.</summary>
    public void Unreserve(ulong token) => _free.Push(SlotOf(token));

    /// <summary>The item registered with <paramref name="token"/>; null when it is gone (its slot empty, or another's).</summary>
    public T? Find(ulong token)
    {
        var slots = Volatile.Read(ref _slots);
        var slot = SlotOf(token);
        if (slot >= slots.Length)
        {
            return null;
        }

        ref var entry = ref slots[slot];
        if (Volatile.Read(ref entry.Token) != token)
        {
            return null;
        }

        var item = Volatile.Read(ref entry.Item);
        return Volatile.Read(ref entry.Token) == token ? item : null;
    }

    /// <summary>The item in <paramref name="slot"/>, for a pass over every slot below <see cref="Used"/>; null when empty.</summary>
    public T? At(int slot)
    {
        var slots = Volatile.Read(ref _slots);
        return slot < slots.Length ? Volatile.Read(ref slots[slot].Item) : null;
    }

    private static int SlotOf(ulong token) => (int)(uint)token;

    private struct Entry
    {
        public T? Item;
        public ulong Token;
    }
}
