using System.Buffers;

namespace SharedList.Protocol.Resp;

/// <summary>
/// One Redis request being read: its arguments, copied out of the input as each arrives, so a long request never
/// holds more than one argument in the connection's input buffer and is never read twice. Reused for every request
/// of a connection; nothing is allocated once it has grown to the connection's largest request.
/// </summary>
/// <remarks>Threading: used by one connection's session, one thread at a time.</remarks>
public sealed class RespRequest
{
    private byte[] _bytes = new byte[256];
    private int[] _ends = new int[8];
    private int _used;

    /// <summary>The number of arguments read so far; the command name is the first.</summary>
    public int Count { get; private set; }

    /// <summary>The arguments a multibulk request announced; -1 while none is in progress.</summary>
    internal int Expected { get; set; } = -1;

    /// <summary>The bytes of the arguments read so far, for the request-size bound.</summary>
    internal int Bytes => _used;

    /// <summary>The argument at <paramref name="index"/>, valid until the next request is read.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            var start = index == 0 ? 0 : _ends[index - 1];
            return _bytes.AsSpan(start, _ends[index] - start);
        }
    }

    /// <summary>The argument at <paramref name="index"/> as memory, valid until the next request is read: for a store that takes items as memory.</summary>
    internal ReadOnlyMemory<byte> Memory(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        var start = index == 0 ? 0 : _ends[index - 1];
        return _bytes.AsMemory(start, _ends[index] - start);
    }

    /// <summary>Forgets the request, keeping the storage.</summary>
    public void Clear()
    {
        Count = 0;
        _used = 0;
        Expected = -1;
    }

    internal void Add(ReadOnlySequence<byte> argument)
    {
        var length = checked((int)argument.Length);
        argument.CopyTo(Reserve(length));
        Commit(length);
    }

    internal void Add(ReadOnlySpan<byte> argument)
    {
        argument.CopyTo(Reserve(argument.Length));
        Commit(argument.Length);
    }

    internal Span<byte> Reserve(int length)
    {
        if (_bytes.Length - _used < length)
        {
            Array.Resize(ref _bytes, Math.Max(checked(_used + length), checked(_bytes.Length * 2)));
        }

        return _bytes.AsSpan(_used, length);
    }

    internal void Commit(int length)
    {
        if (Count == _ends.Length)
        {
            Array.Resize(ref _ends, _ends.Length * 2);
        }

        _used += length;
        _ends[Count++] = _used;
    }
}
