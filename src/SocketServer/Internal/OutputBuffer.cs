using System.Buffers;

namespace SocketServer.Internal;

/// <summary>
/// Replies written by the session and not yet sent, for the models that send from their own buffer.
/// Its size is bounded by the session's output budget (see <see cref="Sessions.SessionStatus.OutputPending"/>).
/// </summary>
internal sealed class OutputBuffer
{
    // A buffer grown past this (one huge reply chunk) is dropped after use rather than held for the connection's life.
    private const int RetainedCapacity = 64 * 1024;

    private ArrayBufferWriter<byte> _writer = new();
    private int _sent;

    /// <summary>Where the session writes.</summary>
    public IBufferWriter<byte> Writer => _writer;

    /// <summary>True while written bytes wait to be sent.</summary>
    public bool HasPending => _sent < _writer.WrittenCount;

    /// <summary>The bytes still to send.</summary>
    public ReadOnlySpan<byte> Pending => _writer.WrittenSpan[_sent..];

    /// <summary>Records that <paramref name="count"/> pending bytes were sent; resets once all are.</summary>
    public void Sent(int count)
    {
        _sent += count;
        if (_sent < _writer.WrittenCount)
        {
            return;
        }

        _sent = 0;
        if (_writer.Capacity > RetainedCapacity)
        {
            _writer = new ArrayBufferWriter<byte>();
        }
        else
        {
            _writer.ResetWrittenCount();
        }
    }
}
