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
    private int _view;
    private int _offset;
    private ExpandState _expand;
    private long _renderedLeft;

    public ListSnapshotReader(ListSnapshot snapshot)
    {
        _snapshot = snapshot;
        _stage = Stage.Opening;
        _renderedLeft = snapshot.Length;
        _offset = snapshot.Views is { Length: > 0 } views ? views[0].Start : 0;
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
            _stage = _snapshot.Count > 0 ? Stage.Body : Stage.Closing;
        }

        var views = _snapshot.Views;
        while (_stage == Stage.Body)
        {
            var view = views![_view];
            var available = view.End - _offset;
            if (available == 0)
            {
                if (++_view == views.Length)
                {
                    _stage = Stage.Closing;
                    break;
                }

                _offset = views[_view].Start;
                continue;
            }

            var read = CompactListBody.Expand(view.Data.AsSpan(_offset, available), destination[written..], ref _expand, out var produced);
            _offset += read;
            written += produced;
            if (read < available)
            {
                return written;
            }
        }

        if (_stage == Stage.Closing && destination.Length - written >= 2)
        {
            written += CompactListBody.WriteClosing(_expand, destination[written..]);
            _stage = Stage.Done;
        }

        return written;
    }
}
