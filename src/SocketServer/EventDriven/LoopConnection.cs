using System.Net.Sockets;
using SocketServer.Connections;
using SocketServer.Core;
using SocketServer.Selectors;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>One connection of an <see cref="EventLoopServer"/>: its driver, its socket, and how the loop's selector watches it.</summary>
/// <remarks>Used only from the loop's thread.</remarks>
internal sealed class LoopConnection(
    Socket socket,
    ConnectionContext context,
    ISession session,
    ConnectionTimeouts timeouts,
    ConnectionBuffersPool buffers,
    RoundClock round,
    ulong token,
    ServerCounters counters)
    : ConnectionDriver(session, timeouts, buffers, round, counters)
{
    // Read once: the loop alone closes the socket, so the descriptor stays this connection's while it is open.
    public int Descriptor { get; } = OperatingSystem.IsLinux() ? (int)socket.Handle : -1;

    public Socket Socket { get; } = socket;

    public ConnectionContext Context { get; } = context;

    /// <summary>Its selector token, from the loop's <see cref="Internal.SlotTable{T}"/>.</summary>
    public ulong Token { get; } = token;

    /// <summary>What the selector watches it for now.</summary>
    public SelectorEvents Interest { get; set; } = SelectorEvents.Read;

    /// <summary>True while it waits in this round's list of connections whose replies go out at the end of the round.</summary>
    public bool Served { get; set; }

    /// <summary>The last <see cref="ArrivalCoalescer.Window"/> it was served in.</summary>
    public long CoalescerWindow;

    /// <summary>False once closed: a later event of the same round for it is dropped.</summary>
    public bool IsOpen { get; set; } = true;
}
