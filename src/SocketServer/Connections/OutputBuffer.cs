using System.Buffers;

namespace SocketServer.Connections;

/// <summary>
/// Replies written by the session and not yet sent, for the models that send from their own buffer.
/// Its size is bounded by the session's output budget (see <see cref="Sessions.SessionStatus.OutputPending"/>).
/// </summary>
internal sealed class OutputBuffer
{
    // A buffer grown past this (one huge reply chunk) is dropped after use rather than held for the connection's life.
    private const int DefaultRetainedCapacity = 64 * 1024;

    private readonly int _retainedCapacity;
    private ArrayBufferWriter<byte> _writer = new();
    private int _sent;

    /// <param name="retainedCapacity">The largest buffer kept once its bytes are sent.</param>
    public OutputBuffer(int retainedCapacity = DefaultRetainedCapacity)
    {
        _retainedCapacity = retainedCapacity;
    }

    /// <summary>Where the session writes.</summary>
    public IBufferWriter<byte> Writer => _writer;

    /// <summary>True while written bytes wait to be sent.</summary>
    public bool HasPending => _sent < _writer.WrittenCount;

    /// <summary>The bytes still to send.</summary>
    public ReadOnlySpan<byte> Pending => _writer.WrittenSpan[_sent..];

    /// <summary>The bytes still to send, for an asynchronous send.</summary>
    public ReadOnlyMemory<byte> PendingMemory => _writer.WrittenMemory[_sent..];

    /// <summary>How many bytes are still to send.</summary>
    public int PendingCount => _writer.WrittenCount - _sent;

    /// <summary>Records that <paramref name="count"/> pending bytes were sent; resets once all are.</summary>
    public void Sent(int count)
    {
        _sent += count;
        if (_sent < _writer.WrittenCount)
        {
            return;
        }

        Clear();
    }

    /// <summary>Drops every pending byte.</summary>
    public void Clear()
    {
        _sent = 0;
        if (_writer.Capacity > _retainedCapacity)
        {
            _writer = new ArrayBufferWriter<byte>();
        }
        else
        {
            _writer.ResetWrittenCount();
        }
    }
}
