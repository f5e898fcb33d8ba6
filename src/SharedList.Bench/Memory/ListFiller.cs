using System.Net.Sockets;
using SharedList.Bench.Load;
using SharedList.Bench.Resp;
using SharedList.Bench.Targets;

namespace SharedList.Bench.Memory;

/// <summary>
/// Appends many items to a server's list over one connection, pipelined: batches of <see cref="BatchRequests"/>
/// appends, at most <see cref="BatchesInFlight"/> of them unanswered, every reply counted.
/// </summary>
public static class ListFiller
{
    /// <summary>Appends per write.</summary>
    public const int BatchRequests = 1024;

    /// <summary>
    /// Batches written and not yet answered: enough to keep the server busy between our reads, few enough that
    /// the replies in flight fit the socket buffers whatever the server does.
    /// </summary>
    public const int BatchesInFlight = 4;

    /// <summary>
    /// Appends <paramref name="items"/> items of <paramref name="payloadBytes"/> bytes (<c>RPUSH key item</c> in
    /// RESP) and returns once every one is acknowledged. Throws <see cref="InvalidOperationException"/> on a
    /// reply that is not an acknowledgement (<c>ERR list full</c>) or a closed connection.
    /// </summary>
    public static async Task FillAsync(BenchTarget target, long items, int payloadBytes, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        var batch = RequestPlan.Create(target.Protocol, RequestMix.AppendsOnly, BatchRequests, payloadBytes, key).Batch(0);
        var requestBytes = batch.Length / BatchRequests;
        using var socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(target.EndPoint, cancellationToken).ConfigureAwait(false);

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var credits = new SemaphoreSlim(BatchesInFlight);
        var send = SendAsync(socket, batch, requestBytes, items, credits, failed.Token);
        var receive = ReceiveAsync(socket, target, items, credits, failed.Token);
        var first = await Task.WhenAny(send, receive).ConfigureAwait(false);
        if (!first.IsCompletedSuccessfully)
        {
            // Stop the other side (a sender waiting for credits the receiver will never give), then report the first failure.
            await failed.CancelAsync().ConfigureAwait(false);
            await (first == send ? receive : send).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await first.ConfigureAwait(false);
        }

        await Task.WhenAll(send, receive).ConfigureAwait(false);
    }

    private static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> batch, int requestBytes, long items, SemaphoreSlim credits, CancellationToken cancellationToken)
    {
        for (var sent = 0L; sent < items; sent += BatchRequests)
        {
            await credits.WaitAsync(cancellationToken).ConfigureAwait(false);
            var count = (int)Math.Min(BatchRequests, items - sent);
            await socket.SendAsync(batch[..(count * requestBytes)], cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReceiveAsync(Socket socket, BenchTarget target, long items, SemaphoreSlim credits, CancellationToken cancellationToken)
    {
        ReplyScanner scanner = target.Protocol == LoadProtocol.Line ? new LineReplyScanner() : new RespReplyScanner();
        var buffer = new byte[64 * 1024];
        var acknowledged = 0L;
        while (acknowledged < items)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                throw new InvalidOperationException($"{target.Name} closed the connection after acknowledging {acknowledged:N0} of {items:N0} items");
            }

            var (appended, unexpected) = Count(scanner, buffer.AsSpan(0, received));
            if (unexpected)
            {
                throw new InvalidOperationException($"{target.Name} refused an append after acknowledging {acknowledged + appended:N0} of {items:N0} items (its list limit? --max-items)");
            }

            var batchesBefore = acknowledged / BatchRequests;
            acknowledged += appended;
            var done = (int)((acknowledged / BatchRequests) - batchesBefore);
            if (done > 0)
            {
                credits.Release(done);
            }
        }
    }

    private static (long Appended, bool Unexpected) Count(ReplyScanner scanner, ReadOnlySpan<byte> data)
    {
        var appended = 0L;
        while (scanner.TryNext(ref data, out var kind))
        {
            if (kind != ReplyKind.Appended)
            {
                return (appended, true);
            }

            appended++;
        }

        return (appended, false);
    }
}
