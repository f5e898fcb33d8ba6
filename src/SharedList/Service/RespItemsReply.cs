using System.Buffers;
using SharedList.Protocol.Resp;
using SharedList.Stores;

namespace SharedList.Service;

/// <summary>
/// An array of a snapshot's items (<c>LRANGE</c>, <c>LPOP key count</c>) written a budget at a time across calls of
/// the session, as <see cref="ListReplyInProgress"/> writes a long <c>LIST</c>: the snapshot is O(1) and unchanged
/// whatever happens to the list meanwhile.
/// </summary>
internal sealed class RespItemsReply
{
    // The least room asked of the output for a run of items.
    private const int BatchRoom = 256;

    // Where an item is decoded when it must be; kept, so a connection decodes into the same buffer every time.
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private ListItemCursor _items;

    /// <summary>True while an array is written in part.</summary>
    public bool IsActive => _items.Remaining > 0;

    /// <summary>Writes the array of <paramref name="snapshot"/>'s items, until <paramref name="output"/> holds about <paramref name="budget"/> bytes.</summary>
    /// <returns>True when the whole array was written; otherwise <see cref="WriteSome"/> goes on with it.</returns>
    public bool Write(CountingBufferWriter output, ListSnapshot snapshot, long budget)
    {
        RespWriter.WriteArrayHeader(output, snapshot.Count);
        _items = snapshot.GetItems();
        return WriteSome(output, budget);
    }

    /// <summary>Writes on, until <paramref name="output"/> holds about <paramref name="budget"/> bytes or the array ends.</summary>
    /// <returns>True when the whole array has been written.</returns>
    public bool WriteSome(CountingBufferWriter output, long budget)
    {
        while (output.Written < budget && _items.Remaining > 0)
        {
            // Items go into one span, advanced once, rather than a span asked for and advanced per item; one too
            // long for what is left of it goes on its own, and the next span starts after it.
            var span = output.GetSpan(BatchRoom);
            var at = 0;
            while (output.Written + at < budget && _items.TryNext(_scratch, out var item))
            {
                var wrote = RespWriter.TryWriteBulkString(span[at..], item);
                if (wrote == 0)
                {
                    output.Advance(at);
                    at = 0;
                    RespWriter.WriteBulkString(output, item);
                    break;
                }

                at += wrote;
            }

            output.Advance(at);
        }

        if (_items.Remaining > 0)
        {
            return false;
        }

        // Drops the snapshot, so its chunks can be collected once the store has moved on.
        _items = default;
        return true;
    }

    /// <summary>Writes the first item of <paramref name="snapshot"/> as a bulk string, or the null bulk string for none.</summary>
    public void WriteFirst(IBufferWriter<byte> output, ListSnapshot snapshot)
    {
        var items = snapshot.GetItems();
        if (items.TryNext(_scratch, out var item))
        {
            RespWriter.WriteBulkString(output, item);
        }
        else
        {
            RespWriter.WriteNullBulkString(output);
        }
    }
}
