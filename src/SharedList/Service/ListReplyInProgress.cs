using SharedList.Protocol;
using SharedList.Stores;

namespace SharedList.Service;

/// <summary>
/// A <c>LIST</c> reply written a budget at a time across several calls of the session. The list is an O(1)
/// snapshot, so appends go on meanwhile and the reply is still the list as it was when <c>LIST</c> was read.
/// This is what keeps a client that pipelines <c>LIST</c> on a large list and never reads from making the
/// server hold whole replies, and what lets one huge reply take turns with other clients' requests.
/// </summary>
internal sealed class ListReplyInProgress
{
    private ListSnapshotReader _reader;

    /// <summary>True between <see cref="Continue"/> and the call of <see cref="WriteSome"/> that finishes the reply.</summary>
    public bool IsActive { get; private set; }

    /// <summary>Takes over a reply begun with <paramref name="reader"/> that did not fit one output budget.</summary>
    public void Continue(ListSnapshotReader reader)
    {
        _reader = reader;
        IsActive = true;
    }

    /// <summary>Writes the reply until <paramref name="output"/> has about <paramref name="budget"/> bytes or the reply ends.</summary>
    /// <returns>True when the whole reply, terminator included, has been written.</returns>
    public bool WriteSome(CountingBufferWriter output, long budget, Framing framing)
    {
        if (!_reader.WriteSome(output, budget - output.Written))
        {
            return false;
        }

        Replies.WriteTerminator(output, framing);

        // Drops the snapshot, so its chunks can be collected once the store has moved on (a CLEAR).
        _reader = default;
        IsActive = false;
        return true;
    }
}
