using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SharedList.Tests.Resp;

/// <summary>A raw Redis-protocol test client: sends commands as multibulk, reads one reply at a time, with a timeout on every read.</summary>
/// <remarks>Replies: a simple string or bulk string as <see cref="string"/>, an integer as <see cref="long"/>, an error as <see cref="RespError"/>, an array as <c>object?[]</c>, nil as null.</remarks>
internal sealed class RespConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;

    private RespConnection(Socket socket)
    {
        _socket = socket;
        _socket.ReceiveTimeout = 30_000;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = new BufferedStream(_stream, 1 << 16);
    }

    public static async Task<RespConnection> ConnectAsync(EndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(server, cts.Token);
        return new RespConnection(socket);
    }

    public Socket Socket => _socket;

    public void Send(params string[] words) => SendRaw(RespSessions.Command(words));

    public void SendRaw(string text) => _stream.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends one command and reads its reply.</summary>
    public object? Call(params string[] words)
    {
        Send(words);
        return Read();
    }

    public object? Read()
    {
        var line = ReadLine() ?? throw new EndOfStreamException("connection closed before the reply");
        var rest = line[1..];
        switch (line[0])
        {
            case '+':
                return rest;
            case '-':
                return new RespError(rest);
            case ':':
                return long.Parse(rest, CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(rest, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var bytes = new byte[length + 2];
                _input.ReadExactly(bytes);
                return Encoding.UTF8.GetString(bytes, 0, length);
            case '*':
                var count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = Read();
                }

                return items;
            default:
                throw new InvalidDataException($"not a RESP reply: {line}");
        }
    }

    /// <summary>True when the server closed the connection and nothing more comes.</summary>
    public bool IsClosedByServer() => _input.ReadByte() == -1;

    public void Dispose()
    {
        _input.Dispose();
        _stream.Dispose();
    }

    private string? ReadLine()
    {
        var line = new List<byte>();
        while (true)
        {
            var b = _input.ReadByte();
            if (b == -1)
            {
                return null;
            }

            if (b == '\n' && line.Count > 0 && line[^1] == '\r')
            {
                return Encoding.UTF8.GetString([.. line[..^1]]);
            }

            line.Add((byte)b);
        }
    }
}

/// <summary>An error reply.</summary>
internal sealed record RespError(string Message);
