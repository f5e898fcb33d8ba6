using System.Net;
using System.Net.Sockets;
using System.Text;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Datagram;

/// <summary>A loopback UDP client whose every receive is bounded by <see cref="TestClient.Timeout"/>.</summary>
internal sealed class UdpTestClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[65536];

    public UdpTestClient(EndPoint server)
    {
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(server);
    }

    public async Task SendAsync(string text) => await _socket.SendAsync(Encoding.UTF8.GetBytes(text).AsMemory(), SocketFlags.None);

    public async Task<string> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        try
        {
            var received = await _socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
            return Encoding.UTF8.GetString(_buffer, 0, received);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No reply datagram within {TestClient.Timeout}.");
        }
    }

    /// <summary>Sends one datagram and waits for the reply; lockstep, so loopback never drops one.</summary>
    public async Task<string> RequestAsync(string text)
    {
        await SendAsync(text);
        return await ReceiveAsync();
    }

    public void Dispose() => _socket.Dispose();
}
