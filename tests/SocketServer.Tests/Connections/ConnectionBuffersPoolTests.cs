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
        var first = pool.RentInput();
        var second = pool.RentInput();
        var output = pool.RentOutput();
        Assert.Equal(3, pool.Lent);

        pool.Return(first);
        pool.Return(second);
        pool.Return(output);
        Assert.Equal(0, pool.Lent);

        Assert.Same(first, pool.RentInput());
        Assert.NotSame(second, pool.RentInput());
        Assert.Same(output, pool.RentOutput());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Returned_buffers_are_empty(bool shared)
    {
        var pool = new ConnectionBuffersPool(capacity: 1, shared);
        var input = pool.RentInput();
        var room = input.GetReceiveSpace(minimum: 512);
        "left over"u8.CopyTo(room.Span);
        input.Commit(9);
        var output = pool.RentOutput();
        output.Writer.Write("unsent"u8);
        pool.Return(input);
        pool.Return(output);

        Assert.True(pool.RentInput().IsEmpty);
        Assert.False(pool.RentOutput().HasPending);
    }

    [Fact]
    public void A_dropped_output_buffer_is_not_lent_again()
    {
        var pool = new ConnectionBuffersPool(capacity: 1);
        var output = pool.RentOutput();

        pool.Drop(output);

        Assert.Equal(0, pool.Lent);
        Assert.NotSame(output, pool.RentOutput());
    }

    [Fact]
    public void Returned_buffers_grown_by_a_long_message_or_reply_are_replaced_by_small_ones()
    {
        var pool = new ConnectionBuffersPool(capacity: 1);
        var input = pool.RentInput();
        var initialInput = input.Capacity;
        input.GetReceiveSpace(minimum: 200_000);
        var output = pool.RentOutput();
        output.Writer.Write(new byte[1024 * 1024]);
        pool.Return(input);
        pool.Return(output);

        Assert.Equal(initialInput, pool.RentInput().Capacity);
        var again = pool.RentOutput();
        again.Writer.GetSpan(1);
        Assert.True(again.Writer is ArrayBufferWriter<byte> { Capacity: < 1024 * 1024 });
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
