using System.Buffers;

namespace SocketServer.Handlers;

/// <summary>
/// A handler for one UDP datagram (CPython's <c>DatagramRequestHandler</c>): read the datagram with
/// <see cref="Reader"/> (CPython's <c>rfile</c>) or whole as <see cref="Packet"/>, and write the reply with
/// <see cref="Writer"/> (CPython's <c>wfile</c>) or into <see cref="Reply"/>; <see cref="Finish"/> sends what was
/// written to the client as one datagram.
/// </summary>
public abstract class DatagramRequestHandler : BaseRequestHandler
{
    /// <summary>The datagram received (CPython's <c>self.request[0]</c>). Valid only during the request.</summary>
    protected ReadOnlyMemory<byte> Packet { get; private set; }

    /// <summary>The reply; sent as one datagram in <see cref="Finish"/> when anything was written.</summary>
    protected ArrayBufferWriter<byte> Reply { get; } = new();

    /// <summary>Reads <see cref="Packet"/> (CPython's <c>rfile</c>); its end is the end of the input.</summary>
    protected RequestReader Reader { get; private set; } = null!;

    /// <summary>Writes into <see cref="Reply"/> (CPython's <c>wfile</c>): nothing goes out before <see cref="Finish"/>.</summary>
    protected RequestWriter Writer { get; private set; } = null!;

    /// <inheritdoc />
    public override void Finish()
    {
        if (Reply.WrittenCount > 0)
        {
            Request.SendTo(Reply.WrittenSpan, ClientAddress);
        }
    }

    private protected override void Accept(in ServerRequest request)
    {
        base.Accept(request);
        Packet = request.Datagram;
        Reader = new RequestReader(request.Datagram);
        Writer = new RequestWriter(Reply);
    }
}
