using System.Buffers;

namespace SocketServer.Handlers;

/// <summary>
/// A handler for one UDP datagram (CPython's <c>DatagramRequestHandler</c>): read <see cref="Packet"/>,
/// write the reply to <see cref="Reply"/>; <see cref="Finish"/> sends it to the client as one datagram.
/// </summary>
public abstract class DatagramRequestHandler : BaseRequestHandler
{
    /// <summary>The datagram received (CPython's <c>self.request[0]</c>). Valid only during the request.</summary>
    protected ReadOnlyMemory<byte> Packet { get; private set; }

    /// <summary>The reply; sent as one datagram in <see cref="Finish"/> when anything was written.</summary>
    protected ArrayBufferWriter<byte> Reply { get; } = new();

    /// <inheritdoc />
    public override void Finish()
    {
        if (Reply.WrittenCount > 0)
        {
            Request.SendTo(Reply.WrittenSpan, ClientAddress);
        }
    }

    internal override void Run(in ServerRequest request)
    {
        Packet = request.Datagram;
        base.Run(request);
    }
}
