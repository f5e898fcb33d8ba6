using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SharedList.Tests.Abuse;

/// <summary>
/// The clients an abuse scenario must not harm: each appends unique items (<c>w{client}-{n}</c>) one request
/// at a time and now and then sends <c>LIST</c>, until told to stop, and records every item that got
/// <c>Ack</c>. Any other reply, a timeout, an error or a disconnect is a failure (and that client stops).
/// </summary>
/// <remarks>
/// With <c>connectPerRequest</c> each request is a connection of its own, as the course's <c>Cliente.py</c>
/// does: that is how clients of the <c>sequential</c> model share it, since a held connection would keep
/// every other client waiting.
/// </remarks>
internal sealed class WellBehavedClients
{
    public const int DefaultCount = 16;

    // One LIST every this many appends: enough to keep large replies in the mix without making them the load.
    private const int ListEvery = 32;

    private readonly EndPoint _server;
    private readonly bool _connectPerRequest;
    private readonly TimeSpan _replyTimeout;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly List<string>[] _acked;
    private readonly int[] _answered;
    private readonly Task[] _clients;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _latencyLock = new();
    private volatile bool _stopping;
    private long _requests;
    private long _lists;
    private TimeSpan _maxLatency;
    private string _slowest = "none";

    private WellBehavedClients(EndPoint server, int count, bool connectPerRequest, TimeSpan replyTimeout)
    {
        _server = server;
        _connectPerRequest = connectPerRequest;
        _replyTimeout = replyTimeout;
        _acked = [.. Enumerable.Range(0, count).Select(_ => new List<string>())];
        _answered = new int[count];
        _clients = [.. Enumerable.Range(0, count).Select(client => Task.Run(() => RunAsync(client)))];
    }

    public int Count => _clients.Length;

    /// <summary>Requests answered so far (appends and LISTs); a reply other than the expected one also stops its client.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public long Lists => Interlocked.Read(ref _lists);

    /// <summary>
    /// The longest a request took since <see cref="ResetLatency"/> (connecting included when connecting per
    /// request), and which request it was, counted from the start.
    /// </summary>
    public (TimeSpan Latency, string Request) Slowest
    {
        get
        {
            lock (_latencyLock)
            {
                return (_maxLatency, _slowest);
            }
        }
    }

    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Every item that got <c>Ack</c>; read it after <see cref="StopAsync"/>.</summary>
    public IEnumerable<string> Acked => _acked.SelectMany(items => items);

    public static WellBehavedClients Start(EndPoint server, bool connectPerRequest, TimeSpan replyTimeout, int count = DefaultCount) =>
        new(server, count, connectPerRequest, replyTimeout);

    /// <summary>Waits until <paramref name="more"/> further requests have been answered: proof that the clients are being served now.</summary>
    public Task WaitForProgressAsync(long more, TimeSpan timeout)
    {
        var target = Requests + more;
        return WaitAsync(() => Requests >= target, timeout, () => $"the well-behaved clients answered {Requests - (target - more)} of {more} requests in {timeout.TotalSeconds} s");
    }

    /// <summary>Waits until every client has had a request answered: all of them are connected and served.</summary>
    public Task WaitUntilEachServedAsync(TimeSpan timeout) =>
        WaitAsync(
            () => Enumerable.Range(0, _answered.Length).All(client => Volatile.Read(ref _answered[client]) > 0),
            timeout,
            () => $"{Enumerable.Range(0, _answered.Length).Count(client => Volatile.Read(ref _answered[client]) == 0)} well-behaved clients had no reply in {timeout.TotalSeconds} s");

    private async Task WaitAsync(Func<bool> done, TimeSpan timeout, Func<string> failure)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            if (!_failures.IsEmpty)
            {
                Assert.Fail($"a well-behaved client failed: {string.Join("; ", _failures)}");
            }

            if (deadline.Elapsed > timeout)
            {
                Assert.Fail(failure());
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Forgets the slowest request so far: the first requests of a fresh server include its warm-up (JIT).</summary>
    public void ResetLatency()
    {
        lock (_latencyLock)
        {
            _maxLatency = TimeSpan.Zero;
            _slowest = "none";
        }
    }

    /// <summary>Lets each client finish its request in flight, then stops them.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping = true;
        await Task.WhenAll(_clients).WaitAsync(timeout);
    }

    private async Task RunAsync(int client)
    {
        var acked = _acked[client];
        Connection? held = null;
        try
        {
            for (var n = 1; !_stopping; n++)
            {
                var item = $"w{client}-{n}";
                var reply = await RequestAsync(item, held);
                held = reply.Connection;
                if (reply.Text != "Ack")
                {
                    Fail(client, $"'{item}' got {Describe(reply.Text)}");
                    return;
                }

                acked.Add(item);
                Interlocked.Increment(ref _answered[client]);
                if (n % ListEvery == 0)
                {
                    var list = await RequestAsync("LIST", held);
                    held = list.Connection;

                    // Linearizable: the item this client was just told is stored is in the list it asks for next.
                    if (list.Text is not { } text || !text.StartsWith('[') || !text.EndsWith(']') || !text.Contains($"'{item}'", StringComparison.Ordinal))
                    {
                        Fail(client, $"LIST after '{item}' got {Describe(list.Text)}");
                        return;
                    }

                    Interlocked.Increment(ref _lists);
                }
            }
        }
        catch (Exception e)
        {
            Fail(client, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            held?.Dispose();
        }
    }

    private async Task<(string? Text, Connection? Connection)> RequestAsync(string message, Connection? held)
    {
        var started = Stopwatch.GetTimestamp();
        var connection = held ?? await Connection.OpenAsync(_server, _replyTimeout);
        string? reply;
        try
        {
            await connection.Socket.SendAsync(Encoding.UTF8.GetBytes(message + "\n"), SocketFlags.None);
            reply = await connection.Reader.ReadLineAsync(_replyTimeout);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        if (_connectPerRequest)
        {
            connection.Dispose();
            connection = null;
        }

        Interlocked.Increment(ref _requests);
        var took = Stopwatch.GetElapsedTime(started);
        lock (_latencyLock)
        {
            if (took > _maxLatency)
            {
                _maxLatency = took;
                _slowest = $"{(message == "LIST" ? "a LIST" : "an append")} at {Stopwatch.GetElapsedTime(_started).TotalSeconds:F2} s";
            }
        }

        return (reply, connection);
    }

    private void Fail(int client, string what) => _failures.Enqueue($"client {client}: {what}");

    private static string Describe(string? reply) => reply switch
    {
        null => "the connection closed",
        { Length: > 120 } => $"'{reply[..120]}…' ({reply.Length} chars)",
        _ => $"'{reply}'",
    };

    private sealed class Connection : IDisposable
    {
        private Connection(Socket socket)
        {
            Socket = socket;
            Reader = new ReplyReader(socket);
        }

        public Socket Socket { get; }

        public ReplyReader Reader { get; }

        public static async Task<Connection> OpenAsync(EndPoint server, TimeSpan timeout)
        {
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var deadline = new CancellationTokenSource(timeout);
                await socket.ConnectAsync(server, deadline.Token);
                return new Connection(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public void Dispose() => Socket.Dispose();
    }
}
