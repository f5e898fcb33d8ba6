using System.Buffers;
using System.Net.Sockets;
using System.Text;
using SharedList.Bench.Load;
using SharedList.Bench.Resp;
using SharedList.Protocol;

namespace SharedList.Bench.Targets;

/// <summary>
/// Empties the target's list before each point (<c>CLEAR</c>, or RESP <c>DEL key</c>), so every point starts
/// from the same state and a long session never reaches the server's item limit.
/// </summary>
public static class ListReset
{
    /// <summary>Clears the list; throws <see cref="InvalidOperationException"/> when the server answers otherwise.</summary>
    public static async Task ClearAsync(BenchTarget target, string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(target.EndPoint, deadline.Token).ConfigureAwait(false);
        var request = new ArrayBufferWriter<byte>();
        if (target.Protocol == LoadProtocol.Line)
        {
            request.Write("CLEAR\n"u8);
        }
        else
        {
            RespWriter.WriteCommand(request, "DEL", key);
        }

        await socket.SendAsync(request.WrittenMemory, deadline.Token).ConfigureAwait(false);
        var reply = await ReadReplyAsync(socket, target.Protocol, deadline.Token).ConfigureAwait(false);
        if (!reply.Ok)
        {
            throw new InvalidOperationException($"{target.Name} answered '{reply.Text}' to a clear of the list");
        }

        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task<(bool Ok, string Text)> ReadReplyAsync(Socket socket, LoadProtocol protocol, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                return (false, "(connection closed)");
            }

            length += received;
            if (protocol == LoadProtocol.Line)
            {
                var newline = buffer.AsSpan(0, length).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = Encoding.UTF8.GetString(buffer, 0, newline).TrimEnd('\r');
                    return (line == Replies.ListCleared, line);
                }
            }
            else if (RespReader.TryRead(buffer.AsSpan(0, length), out var value, out _))
            {
                return (value!.Type == RespType.Number, value.Text ?? value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return (false, "(a reply too long)");
    }
}
