using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocketServer.Tests.Support;

/// <summary>
/// A loopback TCP client for tests: every operation is bounded by <see cref="Timeout"/>, so a broken server
/// fails a test instead of hanging the run.
/// </summary>
internal sealed class TestClient : IDisposable
{
    /// <summary>How long any one wait may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly byte[] _buffer = new byte[8192];
    private readonly List<byte> _received = [];

    private TestClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    /// <summary>Connects to <paramref name="endPoint"/>; throws <see cref="SocketException"/> when refused.</summary>
    public static async Task<TestClient> ConnectAsync(EndPoint endPoint)
    {
        // Unspecified: TCP over IP, and what a Unix socket accepts (which has no TCP_NODELAY).
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Unspecified);
        if (endPoint.AddressFamily != AddressFamily.Unix)
        {
            socket.NoDelay = true;
        }

        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(endPoint, timeout.Token);
            return new TestClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await Socket.SendAsync(bytes, SocketFlags.None, timeout.Token)..];
        }
    }

    /// <summary>Reads one <c>\n</c>-terminated line and returns it without the <c>\n</c>.</summary>
    public async Task<string> ReadLineAsync()
    {
        int newline;
        while ((newline = _received.IndexOf((byte)'\n')) < 0)
        {
            if (await ReceiveMoreAsync() == 0)
            {
                throw new EndOfStreamException($"The server closed the connection before a full line; got \"{Encoding.UTF8.GetString([.. _received])}\".");
            }
        }

        var line = Encoding.UTF8.GetString([.. _received[..newline]]);
        _received.RemoveRange(0, newline + 1);
        return line;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        while (_received.Count < count)
        {
            if (await ReceiveMoreAsync() == 0)
            {
                throw new EndOfStreamException($"The server closed the connection after {_received.Count} of {count} bytes.");
            }
        }

        var bytes = _received[..count].ToArray();
        _received.RemoveRange(0, count);
        return bytes;
    }

    /// <summary>Sends <paramref name="line"/> plus <c>\n</c> and returns the reply line.</summary>
    public async Task<string> RoundTripAsync(string line)
    {
        await SendAsync(line + "\n");
        return await ReadLineAsync();
    }

    /// <summary>
    /// Reads until the server closes the connection: returns what was left to read and whether the close was
    /// a reset rather than an orderly end of stream.
    /// </summary>
    public async Task<(byte[] Data, bool Reset)> ReadUntilClosedAsync()
    {
        var reset = false;
        try
        {
            while (await ReceiveMoreAsync() > 0)
            {
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            reset = true;
        }

        var data = _received.ToArray();
        _received.Clear();
        return (data, reset);
    }

    /// <summary>Closes with RST instead of FIN: linger on, timeout zero, then close.</summary>
    public void Abort()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    public void Dispose() => Socket.Dispose();

    private async Task<int> ReceiveMoreAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        int received;
        try
        {
            received = await Socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No data from the server within {Timeout}; have \"{Encoding.UTF8.GetString([.. _received])}\".");
        }

        _received.AddRange(_buffer.AsSpan(0, received));
        return received;
    }
}
