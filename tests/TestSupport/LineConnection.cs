using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TestSupport;

/// <summary>A raw test client: sends bytes, reads lines, with a timeout on every read.</summary>
public sealed class LineConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    private LineConnection(Socket socket, int bufferBytes)
    {
        _socket = socket;
        _buffer = new byte[bufferBytes];
        _socket.ReceiveTimeout = (int)TimeSpan.FromSeconds(30).TotalMilliseconds;
        if (socket.AddressFamily != AddressFamily.Unix)
        {
            _socket.NoDelay = true;
        }
    }

    public Socket Socket => _socket;

    /// <summary>Connects; <paramref name="bufferBytes"/> bounds the longest line it can read.</summary>
    public static async Task<LineConnection> ConnectAsync(EndPoint server, int bufferBytes = 1 << 16)
    {
        // Unspecified: TCP over IP, and what a Unix socket accepts.
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(server, cts.Token);
        return new LineConnection(socket, bufferBytes);
    }

    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public void Send(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[_socket.Send(data)..];
        }
    }

    /// <summary>Sends one line and returns the one-line reply.</summary>
    public string Request(string message)
    {
        Send(message + "\n");
        return ReadLine() ?? throw new EndOfStreamException("connection closed before the reply");
    }

    /// <summary>The next line without its terminator, or null when the server closed the connection first.</summary>
    public string? ReadLine()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start);
                _start = newline + 1;
                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidOperationException("line longer than the test buffer");
            }

            var received = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            if (received == 0)
            {
                return null;
            }

            _end += received;
        }
    }

    /// <summary>True when the server closed the connection (EOF or reset) before sending anything more.</summary>
    public bool IsClosedByServer()
    {
        try
        {
            return _end == _start && _socket.Receive(_buffer, 0, 1, SocketFlags.None) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();
}
