using System.Buffers;
using SharedList.Protocol;

namespace SharedList.Stores;

/// <summary>Writes a snapshot's <c>str(list)</c> a piece at a time: where a partly written reply stands.</summary>
/// <remarks>A mutable struct: keep it in a field or a local and call it there, never through a copy.</remarks>
internal struct ListSnapshotReader
{
    // Room for any one step (an expansion; the closing quote and bracket), so every span takes something.
    private const int MinimumSpan = CompactListBody.MaxExpansion;

    // Big enough that a long reply costs few GetSpan/Advance rounds, small enough not to make a pipe allocate big segments.
    private const int MaximumSpan = 64 * 1024;

    private readonly ListSnapshot _snapshot;
    private Stage _stage;
    private int _chunk;
    private int _offset;
    private long _compactLeft;
    private long _renderedLeft;

    public ListSnapshotReader(ListSnapshot snapshot)
    {
        _snapshot = snapshot;
        _stage = Stage.Opening;
        _compactLeft = snapshot.CompactLength;
        _renderedLeft = snapshot.Length;
    }

    private enum Stage
    {
        Opening,
        Body,
        Closing,
        Done,
    }

    /// <summary>True once the whole of <c>str(list)</c> has been written.</summary>
    public readonly bool IsDone => _stage == Stage.Done;

    /// <summary>
    /// Writes the next bytes of <c>str(list)</c>, stopping once <paramref name="maxBytes"/> are written or the list
    /// is complete. A step (one item's quotes and separator, up to 4 bytes) is never split, so the last one may go
    /// up to 3 bytes past <paramref name="maxBytes"/>. Writes nothing when <paramref name="maxBytes"/> is not positive.
    /// </summary>
    /// <returns>True when the list is complete.</returns>
    public bool WriteSome(IBufferWriter<byte> output, long maxBytes)
    {
        long written = 0;
        while (_stage != Stage.Done && written < maxBytes)
        {
            var wanted = (int)Math.Max(Math.Min(Math.Min(maxBytes - written, _renderedLeft), MaximumSpan), MinimumSpan);
            var span = output.GetSpan(wanted);
            var count = Fill(span.Length > wanted ? span[..wanted] : span);
            output.Advance(count);
            written += count;
            _renderedLeft -= count;
        }

        return _stage == Stage.Done;
    }

    private int Fill(Span<byte> destination)
    {
        var written = 0;
        if (_stage == Stage.Opening)
        {
            destination[0] = (byte)'[';
            written = 1;
            _stage = _compactLeft > 0 ? Stage.Body : Stage.Closing;
        }

        while (_stage == Stage.Body)
        {
            var chunk = _snapshot.Chunks![_chunk];
            var available = (int)Math.Min(chunk.Length - _offset, _compactLeft);
            if (available == 0)
            {
                _chunk++;
                _offset = 0;
                continue;
            }

            var read = CompactListBody.Expand(chunk.AsSpan(_offset, available), destination[written..], out var produced);
            _offset += read;
            _compactLeft -= read;
            written += produced;
            if (_compactLeft == 0)
            {
                _stage = Stage.Closing;
            }
            else if (read < available)
            {
                return written;
            }
        }

        if (_stage == Stage.Closing && destination.Length - written >= 2)
        {
            written += CompactListBody.WriteClosing(_snapshot.LastQuote, destination[written..]);
            _stage = Stage.Done;
        }

        return written;
    }
}
