using System.Buffers;

namespace SharedList.Tests.Support;

/// <summary>A writer that gives spans no bigger than asked for (or <c>segment</c> bytes when asked for less), as a pipe near the end of its segment does.</summary>
internal sealed class SegmentedBufferWriter(int segment) : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _span = [];

    public byte[] Written => [.. _written];

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _span.Length);
        _written.AddRange(_span.AsSpan(0, count));
        _span = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _span = new byte[Math.Max(sizeHint, segment)];

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
