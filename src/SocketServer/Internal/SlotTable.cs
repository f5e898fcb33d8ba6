namespace SocketServer.Internal;

/// <summary>
/// The connections a selector watches, each found by the token it was registered with: the token holds its slot
/// and a registration number, so an event still queued for a connection that is gone never reaches the one that
/// took its slot after it. A slot costs 8 bytes per connection where a dictionary entry costs about 60.
/// </summary>
/// <remarks>
/// Tokens are never 0 and never have all high 32 bits set: those are left for the owner's own sockets (a wake-up
/// socket, a listener). Changes come from one thread at a time (the owner locks if several may change it);
/// <see cref="Find"/> may run on another thread meanwhile and then sees the item or null.
/// </remarks>
internal sealed class SlotTable<T>
    where T : class, ISlotted
{
    private readonly Stack<int> _free = new();
    private T?[] _slots = new T?[64];
    private int _used;
    private uint _lastRegistration;

    /// <summary>Slots ever used: every item is below it.</summary>
    public int Used => _used;

    /// <summary>Takes a slot and returns the token the item that will fill it is to carry.</summary>
    public ulong Reserve()
    {
        var slot = _free.Count > 0 ? _free.Pop() : _used++;
        if (slot == _slots.Length)
        {
            var larger = new T?[_slots.Length * 2];
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

    /// <summary>Puts <paramref name="item"/> in the slot its token reserved.</summary>
    public void Fill(T item) => Volatile.Write(ref _slots[SlotOf(item.Token)], item);

    /// <summary>Empties the item's slot for reuse; an item no longer in it is left alone.</summary>
    public bool Remove(T item)
    {
        var slot = SlotOf(item.Token);
        if (_slots[slot] != item)
        {
            return false;
        }

        Volatile.Write(ref _slots[slot], null);
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
        return slot < slots.Length && Volatile.Read(ref slots[slot]) is { } item && item.Token == token ? item : null;
    }

    /// <summary>The item in <paramref name="slot"/>, for a pass over every slot below <see cref="Used"/>; null when empty.</summary>
    public T? At(int slot)
    {
        var slots = Volatile.Read(ref _slots);
        return slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
    }

    private static int SlotOf(ulong token) => (int)(uint)token;
}
