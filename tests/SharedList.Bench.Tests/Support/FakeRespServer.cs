using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SharedList.Bench.Resp;

namespace SharedList.Bench.Tests.Support;

/// <summary>
/// A tiny Redis stand-in on 127.0.0.1:0 for the RESP client: RPUSH, LRANGE key 0 -1 and DEL on lists of
/// strings, parsed with <see cref="RespReader"/> and answered with <see cref="RespWriter"/>; anything else gets
/// an error. Enough to check the load engine against the protocol without redis-server installed.
/// </summary>
internal sealed class FakeRespServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Dictionary<string, List<byte[]>> _lists = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    public FakeRespServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _accepting = AcceptAsync();
    }

    public EndPoint EndPoint => _listener.LocalEndPoint!;

    public int Length(string key)
    {
        lock (_lists)
        {
            return _lists.TryGetValue(key, out var list) ? list.Count : 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll([_accepting, .. connections]).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(ServeAsync(socket));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            var length = 0;
            var replies = new ArrayBufferWriter<byte>();
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    if (received == 0)
                    {
                        return;
                    }

                    length += received;
                    var consumed = 0;
                    while (RespReader.TryRead(buffer.AsSpan(consumed, length - consumed), out var command, out var used))
                    {
                        consumed += used;
                        Execute(command!, replies);
                    }

                    buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                    length -= consumed;
                    if (replies.WrittenCount > 0)
                    {
                        await socket.SendAsync(replies.WrittenMemory, _stop.Token);
                        replies.ResetWrittenCount();
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // The client left, or the server stops.
            }
        }
    }

    private void Execute(RespValue command, ArrayBufferWriter<byte> replies)
    {
        var arguments = command.Items?.Select(i => i.Bytes ?? []).ToArray() ?? [];
        var name = arguments.Length > 0 ? Encoding.ASCII.GetString(arguments[0]).ToUpperInvariant() : string.Empty;
        lock (_lists)
        {
            switch (name)
            {
                case "RPUSH" when arguments.Length >= 3:
                    var list = List(arguments[1]);
                    list.AddRange(arguments[2..]);
                    RespWriter.WriteInteger(replies, list.Count);
                    break;
                case "LRANGE" when arguments.Length == 4:
                    var items = List(arguments[1]);
                    RespWriter.WriteArrayHeader(replies, items.Count);
                    foreach (var item in items)
                    {
                        RespWriter.WriteBulk(replies, item);
                    }

                    break;
                case "DEL" when arguments.Length == 2:
                    RespWriter.WriteInteger(replies, _lists.Remove(Encoding.UTF8.GetString(arguments[1])) ? 1 : 0);
                    break;
                default:
                    RespWriter.WriteError(replies, "ERR unknown command"u8);
                    break;
            }
        }
    }

    private List<byte[]> List(byte[] key)
    {
        var name = Encoding.UTF8.GetString(key);
        if (!_lists.TryGetValue(name, out var list))
        {
            _lists[name] = list = [];
        }

        return list;
    }
}
