using System.Buffers;

namespace SocketServer.Connections;

/// <summary>
/// Received bytes not yet consumed by the session. Keeps unconsumed bytes at the front; grows only when one
/// message needs more room (the session bounds message size and closes past it).
/// </summary>
internal sealed class InputBuffer
{
    private const int InitialSize = 4096;

    private byte[] _buffer = new byte[InitialSize];
    private int _start;
    private int _end;

    /// <summary>The unconsumed bytes.</summary>
    public ReadOnlySequence<byte> Data => new(_buffer, _start, _end - _start);

    /// <summary>How many received bytes are not consumed.</summary>
    public int Count => _end - _start;

    /// <summary>True when every received byte was consumed.</summary>
    public bool IsEmpty => _start == _end;

    /// <summary>The size of the buffer, unconsumed bytes and room together.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>
    /// Room to receive into, at least <paramref name="minimum"/> bytes, made by compacting or, when the
    /// unconsumed bytes fill too much of the buffer, growing.
    /// </summary>
    public Memory<byte> GetReceiveSpace(int minimum)
    {
        if (_buffer.Length - _end < minimum)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_buffer.Length - _end < minimum)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + minimum));
            }
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>Records that <paramref name="count"/> bytes were received into the receive space.</summary>
    public void Commit(int count) => _end += count;

    /// <summary>Drops the bytes the session consumed: the difference between <see cref="Data"/> and what it left.</summary>
    /// <returns>How many bytes were consumed.</returns>
    public long ConsumeTo(in ReadOnlySequence<byte> remaining)
    {
        var consumed = (_end - _start) - remaining.Length;
        _start += (int)consumed;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return consumed;
    }

    /// <summary>Drops every unconsumed byte.</summary>
    public void Clear() => _start = _end = 0;
}
