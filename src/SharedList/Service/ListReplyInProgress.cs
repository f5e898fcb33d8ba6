using SharedList.Protocol;

namespace SharedList.Service;

/// <summary>
/// A <c>LIST</c> reply written a budget at a time across several calls of the session. The list is an O(1)
/// snapshot, so appends go on meanwhile and the reply is still the list as it was when <c>LIST</c> was read.
/// This is what keeps a client that pipelines <c>LIST</c> on a large list and never reads from making the
/// server hold whole replies, and what lets one huge reply take turns with other clients' requests.
/// </summary>
internal sealed class ListReplyInProgress
{
    private ReadOnlyMemory<string> _items;
    private int _next = -1;

    /// <summary>True between <see cref="Begin"/> and the call of <see cref="WriteSome"/> that finishes the reply.</summary>
    public bool IsActive { get; private set; }

    public void Begin(ReadOnlyMemory<string> snapshot)
    {
        _items = snapshot;
        _next = -1;
        IsActive = true;
    }

    /// <summary>Writes the reply until <paramref name="output"/> has <paramref name="budget"/> bytes or the reply ends.</summary>
    /// <returns>True when the whole reply, terminator included, has been written.</returns>
    public bool WriteSome(CountingBufferWriter output, long budget, Framing framing)
    {
        var items = _items.Span;
        if (_next < 0)
        {
            PythonListRenderer.WriteOpening(output);
            _next = 0;
        }

        while (_next < items.Length)
        {
            if (output.Written >= budget)
            {
                return false;
            }

            PythonListRenderer.WriteItem(items[_next], first: _next == 0, output);
            _next++;
        }

        PythonListRenderer.WriteClosing(output);
        Replies.WriteTerminator(output, framing);
        _items = default;
        IsActive = false;
        return true;
    }
}
