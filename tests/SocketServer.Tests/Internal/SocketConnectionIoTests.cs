using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SocketServer.EventDriven;
using SocketServer.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Internal;

public sealed class SocketConnectionIoTests : IAsyncLifetime
{
    private readonly ReadinessReactors _reactors = new(NullLogger.Instance);
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private Socket _client = null!;
    private Socket _server = null!;

    public async ValueTask InitializeAsync()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await _client.ConnectAsync(_listener.LocalEndPoint!);
        _server = await _listener.AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // xunit.v3 disposes on the thread that ended the test's last await, maybe a reactor's own, which
        // Dispose joins: leave it first.
        await Task.Yield();
        _client.Dispose();
        _server.Dispose();
        _listener.Dispose();
        _reactors.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_waiting_between_messages_holds_no_buffers(bool ownEpoll)
    {
        var pool = new ConnectionBuffersPool(capacity: 4);
        var io = Open(pool, ownEpoll);

        await _client.SendAsync("abc\n"u8.ToArray());
        var first = await ReadAsync(io);
        Assert.Equal("abc\n", Text(first.Buffer));
        Assert.Equal(1, pool.Lent);

        io.Output.Write("ok\n"u8);
        io.Consume(first.Buffer.Slice(first.Buffer.End));
        Assert.True(await io.SendAsync());
        Assert.Equal("ok\n", await ReceiveAsync(_client, 3));

        Assert.False(io.TryRead(out _));
        var wait = await PendingWaitAsync(io);
        Assert.Equal(0, pool.Lent);

        await _client.SendAsync("def\n"u8.ToArray());
        await wait.WaitAsync(TestClient.Timeout);
        var second = await ReadAsync(io);
        Assert.Equal("def\n", Text(second.Buffer));
        Assert.Equal(1, pool.Lent);

        io.Consume(second.Buffer.Slice(second.Buffer.End));
        await io.CompleteAsync(clean: true);
        Assert.Equal(0, pool.Lent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unfinished_message_keeps_its_bytes_and_its_buffers_until_the_rest_arrives(bool ownEpoll)
    {
        var pool = new ConnectionBuffersPool(capacity: 4);
        var io = Open(pool, ownEpoll);

        await _client.SendAsync("ab"u8.ToArray());
        var first = await ReadAsync(io);
        Assert.Equal("ab", Text(first.Buffer));
        io.Consume(first.Buffer);

        Assert.False(io.TryRead(out _));
        var wait = await PendingWaitAsync(io);
        Assert.Equal(1, pool.Lent);

        await _client.SendAsync("c\n"u8.ToArray());
        await wait.WaitAsync(TestClient.Timeout);
        var whole = await ReadAsync(io);
        Assert.Equal("abc\n", Text(whole.Buffer));
        Assert.False(whole.IsCompleted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_end_of_the_input_completes_the_read_with_what_is_left(bool ownEpoll)
    {
        var io = Open(new ConnectionBuffersPool(capacity: 4), ownEpoll);

        await _client.SendAsync("tail"u8.ToArray());
        _client.Shutdown(SocketShutdown.Send);

        // The bytes and the end may come in one read or two; the end must come, after the bytes.
        var result = await ReadAsync(io);
        for (var reads = 1; !result.IsCompleted && reads < 10; reads++)
        {
            io.Consume(result.Buffer);
            result = await ReadAsync(io);
        }

        Assert.True(result.IsCompleted);
        Assert.Equal("tail", Text(result.Buffer));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reply_the_socket_cannot_take_at_once_is_sent_as_the_client_reads(bool ownEpoll)
    {
        _server.SendBufferSize = 4096;
        var io = Open(new ConnectionBuffersPool(capacity: 4), ownEpoll);
        await _client.SendAsync("big\n"u8.ToArray());
        var request = await ReadAsync(io);

        const int size = 8 * 1024 * 1024;
        var reply = new byte[size];
        for (var i = 0; i < size; i++)
        {
            reply[i] = (byte)('a' + (i % 26));
        }

        io.Output.Write(reply);
        io.Consume(request.Buffer.Slice(request.Buffer.End));
        var sending = io.SendAsync();
        Assert.False(sending.IsCompleted);

        var received = await ReceiveBytesAsync(_client, size);
        Assert.True(await sending.AsTask().WaitAsync(TestClient.Timeout));
        Assert.Equal(reply, received);
        Assert.Equal(0, io.UnsentBytes);
    }

    [Fact]
    public void The_pool_lends_returned_buffers_again_and_keeps_no_more_spares_than_its_capacity()
    {
        var pool = new ConnectionBuffersPool(capacity: 1);
        var first = pool.Rent();
        var second = pool.Rent();
        Assert.Equal(2, pool.Lent);

        pool.Return(first);
        pool.Return(second);
        Assert.Equal(0, pool.Lent);

        Assert.Same(first, pool.Rent());
        Assert.NotSame(second, pool.Rent());
    }

    [Fact]
    public void Returned_buffers_are_empty()
    {
        var pool = new ConnectionBuffersPool(capacity: 1);
        var buffers = pool.Rent();
        var room = buffers.Input.GetReceiveSpace();
        "left over"u8.CopyTo(room.AsSpan());
        buffers.Input.Commit(9);
        buffers.Output.Writer.Write("unsent"u8);
        pool.Return(buffers);

        var again = pool.Rent();
        Assert.Same(buffers, again);
        Assert.True(again.Input.IsEmpty);
        Assert.False(again.Output.HasPending);
    }

    [Fact]
    public void Returned_buffers_grown_by_a_long_message_or_reply_are_replaced_by_small_ones()
    {
        var pool = new ConnectionBuffersPool(capacity: 1);
        var buffers = pool.Rent();
        var initialInput = buffers.Input.Capacity;
        buffers.Input.GetReceiveSpace(minimum: 200_000);
        buffers.Output.Writer.Write(new byte[1024 * 1024]);
        pool.Return(buffers);

        var again = pool.Rent();
        Assert.Equal(initialInput, again.Input.Capacity);
        again.Output.Writer.GetSpan(1);
        Assert.True(again.Output.Writer is ArrayBufferWriter<byte> { Capacity: < 1024 * 1024 });
    }

    [Fact]
    public void A_receive_gets_at_least_the_room_it_asks_for_by_compacting_before_growing()
    {
        var input = new InputBuffer();
        var capacity = input.Capacity;
        var room = input.GetReceiveSpace();
        input.Commit(room.Count);

        // All but 10 bytes consumed: the 10 move to the front instead of the buffer growing.
        input.ConsumeTo(input.Data.Slice(room.Count - 10));
        var compacted = input.GetReceiveSpace(minimum: 512);
        Assert.Equal(capacity, input.Capacity);
        Assert.Equal(capacity - 10, compacted.Count);
        Assert.Equal(10, input.Data.Length);

        // Unconsumed bytes fill the buffer: it grows.
        input.Commit(compacted.Count - 100);
        var grown = input.GetReceiveSpace(minimum: 512);
        Assert.True(grown.Count >= 512);
        Assert.True(input.Capacity > capacity);
        Assert.Equal(capacity - 100, input.Data.Length);
    }

    [Fact]
    public async Task Bytes_that_arrive_before_the_wait_complete_it_at_once()
    {
        var readiness = _reactors.Watch(_server);
        var io = new SocketConnectionIo(_server, new ConnectionBuffersPool(capacity: 4), readiness);
        Assert.False(io.TryRead(out _));

        // Edge-triggered: the reactor sees these bytes once, while nobody waits; the next wait must not miss them.
        await _client.SendAsync("early\n"u8.ToArray());
        await Eventually.TrueAsync(() => readiness.EdgePending, "the reactor saw the bytes arrive");
        var wait = io.WaitAsync();
        Assert.True(wait.IsCompleted);
        await wait;
        Assert.True(io.TryRead(out var result));
        Assert.Equal("early\n", Text(result.Buffer));
    }

    [Fact]
    public async Task Bytes_sent_before_the_socket_is_watched_end_its_first_wait()
    {
        // A connection is watched without a receive being tried first: its first edge must come from the
        // registration itself when the bytes are already there.
        await _client.SendAsync("first\n"u8.ToArray());
        await Eventually.TrueAsync(() => _server.Available > 0, "the bytes reached the server's socket");
        var io = new SocketConnectionIo(_server, new ConnectionBuffersPool(capacity: 4), _reactors.Watch(_server));

        Assert.False(io.TryRead(out _));
        await io.WaitAsync().AsTask().WaitAsync(TestClient.Timeout);
        Assert.True(io.TryRead(out var result));
        Assert.Equal("first\n", Text(result.Buffer));
    }

    [Fact]
    public async Task A_new_connection_with_nothing_sent_waits()
    {
        var io = new SocketConnectionIo(_server, new ConnectionBuffersPool(capacity: 4), _reactors.Watch(_server));

        Assert.False(io.TryRead(out _));
        var wait = io.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);

        await _client.SendAsync("late\n"u8.ToArray());
        await wait.WaitAsync(TestClient.Timeout);
        Assert.True(io.TryRead(out var result));
        Assert.Equal("late\n", Text(result.Buffer));
    }

    [Fact]
    public async Task Stopping_the_reactors_ends_a_connection_still_waiting()
    {
        var reactors = new ReadinessReactors(NullLogger.Instance);
        var io = new SocketConnectionIo(_server, new ConnectionBuffersPool(capacity: 4), reactors.Watch(_server));
        Assert.False(io.TryRead(out _));
        var wait = io.WaitAsync();
        Assert.False(wait.IsCompleted);

        reactors.Dispose();

        await Assert.ThrowsAsync<SocketException>(() => wait.AsTask().WaitAsync(TestClient.Timeout));

        // And a wait begun afterwards does not wait for a signal that cannot come.
        await Assert.ThrowsAsync<SocketException>(() => io.WaitAsync().AsTask().WaitAsync(TestClient.Timeout));

        // Nor is a new connection registered on an epoll descriptor that is closed, whose number may be reused.
        Assert.Throws<ObjectDisposedException>(() => reactors.Watch(_client));
    }

    // A wait that really waits. With our epoll, the edge of bytes the loop received before the reactor saw them
    // completes the next wait at once, and the receive after it finds nothing; the wait after that waits.
    private static async Task<Task<int>> PendingWaitAsync(SocketConnectionIo io)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var wait = io.WaitAsync().AsTask();
            if (!wait.IsCompleted)
            {
                return wait;
            }

            await wait;
            Assert.False(io.TryRead(out _));
        }

        Assert.Fail("every wait completed at once, with nothing to read");
        return Task.FromResult(0);
    }

    private SocketConnectionIo Open(ConnectionBuffersPool pool, bool ownEpoll) =>
        new(_server, pool, ownEpoll ? _reactors.Watch(_server) : null);

    // What the server's loop does: read, or wait and read again.
    private static async Task<ReadResult> ReadAsync(SocketConnectionIo io)
    {
        ReadResult result;
        for (var waits = 0; !io.TryRead(out result); waits++)
        {
            Assert.True(waits < 10, "bytes were received by the client's send but never read");
            await io.WaitAsync().AsTask().WaitAsync(TestClient.Timeout);
        }

        return result;
    }

    private static string Text(ReadOnlySequence<byte> bytes) => Encoding.ASCII.GetString(bytes);

    private static async Task<string> ReceiveAsync(Socket socket, int count) => Encoding.ASCII.GetString(await ReceiveBytesAsync(socket, count));

    private static async Task<byte[]> ReceiveBytesAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var received = 0;
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        while (received < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, n);
            received += n;
        }

        return buffer;
    }
}
