using System.Collections;
using SharedList.Protocol.Resp;

namespace SharedList.Service;

/// <summary>The arguments of a request from one index on, as the items a store pushes: a view, reused for every request of a connection.</summary>
internal sealed class RequestValues(RespRequest request) : IReadOnlyList<ReadOnlyMemory<byte>>
{
    private int _first;

    public int Count => request.Count - _first;

    public ReadOnlyMemory<byte> this[int index] => request.Memory(_first + index);

    /// <summary>This view, from argument <paramref name="first"/> of the current request.</summary>
    public RequestValues From(int first)
    {
        _first = first;
        return this;
    }

    public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
