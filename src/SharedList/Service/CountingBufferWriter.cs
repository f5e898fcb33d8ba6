using System.Buffers;

namespace SharedList.Service;

/// <summary>Passes writes through to another writer and counts the bytes, so a session can keep to its output budget.</summary>
/// <remarks>One per session, pointed at the server's writer for each call; not thread-safe.</remarks>
internal sealed class CountingBufferWriter : IBufferWriter<byte>
{
    private IBufferWriter<byte> _inner = null!;

    /// <summary>Bytes written since <see cref="Reset"/>.</summary>
    public long Written { get; private set; }

    /// <summary>Starts counting from zero into <paramref name="inner"/>.</summary>
    public CountingBufferWriter Reset(IBufferWriter<byte> inner)
    {
        _inner = inner;
        Written = 0;
        return this;
    }

    public void Advance(int count)
    {
        _inner.Advance(count);
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);
}
