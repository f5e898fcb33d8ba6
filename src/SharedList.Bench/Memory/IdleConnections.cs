using System.Net.Sockets;
using SharedList.Bench.Load;
using SharedList.Bench.Resp;
using SharedList.Bench.Targets;

namespace SharedList.Bench.Memory;

/// <summary>
/// Many connections to one server that do nothing: opened a few at a time, optionally made to ask one request
/// each (<c>LIST</c>, or <c>LRANGE key 0 -1</c>, which store nothing), then held open until disposed.
/// </summary>
public sealed class IdleConnections : IDisposable
{
    // Connects in flight at once: below every listen backlog involved (ours 128, Redis 511), so no SYN is
    // dropped and no connect waits a second for a retransmission.
    private const int ConcurrentConnects = 64;

    private const int ConcurrentRequests = 256;

    private readonly BenchTarget _target;
    private readonly Socket?[] _sockets;

    private IdleConnections(BenchTarget target, int count)
    {
        _target = target;
        _sockets = new Socket?[count];
    }

    /// <summary>How many connections are held.</summary>
    public int Count => _sockets.Length;

    /// <summary>
    /// Opens <paramref name="count"/> connections to <paramref name="target"/>. Throws
    /// <see cref="InvalidOperationException"/> naming the failure when one cannot be opened.
    /// </summary>
    public static async Task<IdleConnections> OpenAsync(BenchTarget target, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var connections = new IdleConnections(target, count);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentConnects, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (index, token) =>
            {
                var socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                connections._sockets[index] = socket;
                try
                {
                    await socket.ConnectAsync(target.EndPoint, token).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    throw new InvalidOperationException($"connection {index + 1} of {count} to {target.Name} failed: {e.SocketErrorCode} ({e.Message})", e);
                }
            }).ConfigureAwait(false);
            return connections;
        }
        catch
        {
            connections.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one request on every connection and waits for each reply, so the server has read from each and
    /// written to each once. Throws <see cref="InvalidOperationException"/> on a closed connection or a reply
    /// that is not a list (<c>ERR too many connections</c>, a RESP error).
    /// </summary>
    public async Task RequestOnceAsync(string key, CancellationToken cancellationToken)
    {
        var request = RequestPlan.Encode(_target.Protocol, RequestKind.List, [], key);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentRequests, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, _sockets.Length), parallel, async (index, token) =>
        {
            var socket = _sockets[index]!;
            await socket.SendAsync(request, token).ConfigureAwait(false);
            ReplyScanner scanner = _target.Protocol == LoadProtocol.Line ? new LineReplyScanner() : new RespReplyScanner();
            var buffer = new byte[256];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, token).ConfigureAwait(false);
                if (received == 0)
                {
                    throw new InvalidOperationException($"{_target.Name} closed idle connection {index + 1} of {_sockets.Length} before it answered its request");
                }

                var data = new ReadOnlySpan<byte>(buffer, 0, received);
                if (scanner.TryNext(ref data, out var kind))
                {
                    if (kind != ReplyKind.Listed)
                    {
                        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, received).TrimEnd();
                        throw new InvalidOperationException($"{_target.Name} answered idle connection {index + 1} of {_sockets.Length} with '{text}' instead of a list");
                    }

                    return;
                }
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Closes every connection.</summary>
    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket?.Dispose();
        }
    }
}
