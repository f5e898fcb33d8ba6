using System.Buffers;
using SocketServer.Connections;

namespace SocketServer.Tests.Connections;

public sealed class ConnectionBuffersPoolTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_pool_lends_returned_buffers_again_and_keeps_no_more_spares_than_its_capacity(bool shared)
    {
        var pool = new ConnectionBuffersPool(capacity: 1, shared);
        var first = pool.Rent();
        var second = pool.Rent();
        Assert.Equal(2, pool.Lent);

        pool.Return(first);
        pool.Return(second);
        Assert.Equal(0, pool.Lent);

        Assert.Same(first, pool.Rent());
        Assert.NotSame(second, pool.Rent());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Returned_buffers_are_empty(bool shared)
    {
        var pool = new ConnectionBuffersPool(capacity: 1, shared);
        var buffers = pool.Rent();
        var room = buffers.Input.GetReceiveSpace(minimum: 512);
        "left over"u8.CopyTo(room.Span);
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
        var room = input.GetReceiveSpace(minimum: 512);
        input.Commit(room.Length);

        // All but 10 bytes consumed: the 10 move to the front instead of the buffer growing.
        input.ConsumeTo(input.Data.Slice(room.Length - 10));
        var compacted = input.GetReceiveSpace(minimum: 512);
        Assert.Equal(capacity, input.Capacity);
        Assert.Equal(capacity - 10, compacted.Length);
        Assert.Equal(10, input.Data.Length);

        // Unconsumed bytes fill the buffer: it grows.
        input.Commit(compacted.Length - 100);
        var grown = input.GetReceiveSpace(minimum: 512);
        Assert.True(grown.Length >= 512);
        Assert.True(input.Capacity > capacity);
        Assert.Equal(capacity - 100, input.Data.Length);
    }
}
