using System.Buffers;

namespace SocketServer.EventDriven;

/// <summary>
/// The one receive buffer and the one reply buffer of an <see cref="EpollServer"/> loop, shared by all its
/// connections: a connection is served from start to end of one event before the next is, so it needs its own
/// buffers only for what outlives the event (see <see cref="EpollClient"/>).
/// </summary>
/// <remarks>Used only from the loop's thread.</remarks>
internal sealed class EpollBuffers
{
    // Large enough that a burst of pipelined requests is read in one receive.
    private const int ReceiveSize = 64 * 1024;

    // Replies are bounded by the session's output budget per call; a writer grown far past it by one unusual
    // reply is dropped rather than kept for the loop's life.
    private const int RetainedOutputCapacity = 1024 * 1024;

    /// <summary>Where every connection receives.</summary>
    public byte[] Receive { get; } = new byte[ReceiveSize];

    /// <summary>Where every session writes its replies; empty between events.</summary>
    public ArrayBufferWriter<byte> Output { get; private set; } = new(ReceiveSize);

    /// <summary>Empties <see cref="Output"/> once its bytes are sent or copied.</summary>
    public void ResetOutput()
    {
        if (Output.Capacity > RetainedOutputCapacity)
        {
            Output = new ArrayBufferWriter<byte>(ReceiveSize);
        }
        else
        {
            Output.ResetWrittenCount();
        }
    }
}
