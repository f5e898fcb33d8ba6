using System.Net;
using System.Net.Sockets;

namespace SocketServer.Internal;

/// <summary>
/// A socket that a <c>Socket.Select</c> loop watches so another thread can wake it at once
/// (the self-pipe trick), instead of the loop polling a flag every poll interval as CPython's
/// <c>serve_forever</c> does.
/// </summary>
internal sealed class WakeUpSocket : IDisposable
{
    private readonly Socket _receiver;
    private readonly Socket _sender;
    private readonly byte[] _drainBuffer = new byte[64];
    private int _pending;

    public WakeUpSocket()
    {
        _receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _receiver.Blocking = false;
        _sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _sender.Connect(_receiver.LocalEndPoint!);
    }

    /// <summary>The socket to put in the loop's read list.</summary>
    public Socket Socket => _receiver;

    /// <summary>Makes <see cref="Socket"/> readable. Safe from any thread; repeated calls before a drain send one datagram.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            try
            {
                _sender.Send([1]);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // The loop already ended and disposed us, or is disposing us during this send (which then fails
                // with EINTR): either way there is nobody left to wake. A stopping loop checks its flag before
                // it disposes us, so no wake-up that matters is lost.
            }
        }
    }

    /// <summary>Consumes pending wake-ups; called by the loop when <see cref="Socket"/> is readable.</summary>
    public void Drain()
    {
        Volatile.Write(ref _pending, 0);
        while (_receiver.Available > 0)
        {
            try
            {
                _receiver.Receive(_drainBuffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                break;
            }
        }
    }

    public void Dispose()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }
}
