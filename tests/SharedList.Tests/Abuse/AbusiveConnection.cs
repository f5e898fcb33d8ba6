using System.Net;
using System.Net.Sockets;

namespace SharedList.Tests.Abuse;

/// <summary>
/// A connection that misbehaves on purpose: sends what it likes, ignores what comes back, and watches for
/// the server to close it.
/// </summary>
internal sealed class AbusiveConnection : IDisposable
{
    private AbusiveConnection(Socket socket)
    {
        Socket = socket;
        Reader = new ReplyReader(socket);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public Socket Socket { get; }

    public ReplyReader Reader { get; }

    /// <summary>This end's address: the one the server's log names.</summary>
    public IPEndPoint LocalEndPoint { get; }

    public long BytesSent { get; private set; }

    public static async Task<AbusiveConnection> OpenAsync(EndPoint server, TimeSpan timeout)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(server, deadline.Token);
            return new AbusiveConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="data"/>; false when the server has closed the connection (or, with a
    /// <paramref name="cancellationToken"/>, stopped reading long enough for it to fire) before it was all sent.
    /// </summary>
    public async Task<bool> TrySendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await Socket.SendAsync(data, SocketFlags.None, cancellationToken);
                BytesSent += sent;
                data = data[sent..];
            }

            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Closes with RST instead of FIN (SO_LINGER on, timeout 0): how a crashed peer looks.</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Dispose();
    }

    public void Dispose() => Socket.Dispose();
}
