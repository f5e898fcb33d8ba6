using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SharedList.Tests.Durability;

/// <summary>
/// Clients on loopback, each appending its own numbered items (<c>r03-c17-000123</c>) one at a time, until the
/// server goes away or the load is stopped. Each keeps a <see cref="ClientHistory"/>.
/// </summary>
internal sealed class AppendLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients = [];
    private int _acked;

    private AppendLoad(IReadOnlyList<ClientHistory> histories) => Histories = histories;

    public IReadOnlyList<ClientHistory> Histories { get; }

    /// <summary>Acknowledgements received so far, by every client.</summary>
    public int Acked => Volatile.Read(ref _acked);

    /// <summary>Connects <paramref name="clients"/> clients, then starts them all appending.</summary>
    public static async Task<AppendLoad> StartAsync(IPEndPoint server, int round, int clients, TimeSpan timeout)
    {
        var histories = Enumerable.Range(0, clients).Select(client => new ClientHistory(client)).ToList();
        var load = new AppendLoad(histories);
        var sockets = new List<Socket>();
        try
        {
            using var connecting = new CancellationTokenSource(timeout);
            foreach (var _ in histories)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets.Add(socket);
                await socket.ConnectAsync(server, connecting.Token);
            }
        }
        catch
        {
            sockets.ForEach(socket => socket.Dispose());
            throw;
        }

        for (var i = 0; i < clients; i++)
        {
            var (socket, history) = (sockets[i], histories[i]);
            load._clients.Add(Task.Run(() => load.AppendUntilStoppedAsync(socket, round, history)));
        }

        return load;
    }

    /// <summary>How every item of <paramref name="round"/> begins.</summary>
    public static string ItemPrefix(int round) => $"r{round:00}-";

    /// <summary>Waits for every client to end (the server gone, or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForEndAsync(TimeSpan timeout) => Task.WhenAll(_clients).WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_clients).WaitAsync(CliProcess.DefaultTimeout);
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private async Task AppendUntilStoppedAsync(Socket socket, int round, ClientHistory history)
    {
        using (socket)
        {
            var reader = new ReplyReader(socket);
            try
            {
                // Bounded by the server's death or the stop; the count bound only guards a load nobody stops.
                for (var sequence = 0; sequence < 1_000_000 && !_stop.IsCancellationRequested; sequence++)
                {
                    var item = $"{ItemPrefix(round)}c{history.Client:00}-{sequence:000000}";
                    history.RecordSent(item);
                    await socket.SendAsync(Encoding.ASCII.GetBytes(item + "\n"), SocketFlags.None, _stop.Token);
                    if (await reader.ReadLineAsync(_stop.Token) is not { } reply)
                    {
                        return;
                    }

                    history.RecordReply(item, reply);
                    if (reply == "Ack")
                    {
                        Interlocked.Increment(ref _acked);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // The server was killed (a reset) or the load was stopped: the last item sent has no reply.
            }
        }
    }

    /// <summary>Reads reply lines from a socket, asynchronously.</summary>
    private sealed class ReplyReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        /// <summary>The next line, or null when the connection ended first.</summary>
        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
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

                var received = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
                if (received == 0)
                {
                    return null;
                }

                _end += received;
            }
        }
    }
}
