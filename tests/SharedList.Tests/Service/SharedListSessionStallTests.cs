using SharedList.Protocol;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Tests.Service;

/// <summary>What the session says of a stalled connection, for the server's log.</summary>
public sealed class SharedListSessionStallTests
{
    [Fact]
    public void On_line_framing_bytes_held_with_no_newline_are_taken_for_a_course_client_that_needs_raw_framing()
    {
        var session = (IStallDescriber)Sessions.Create(new MemoryListStore());

        Assert.Equal(
            "it sent 5 bytes and no newline; the course's Python clients send messages without a newline: serve them with --framing raw",
            session.DescribeStall(new ConnectionStall(UnconsumedBytes: 5, UnsentBytes: 0)));
        Assert.StartsWith("it sent 1 byte and no newline;", session.DescribeStall(new ConnectionStall(1, 0)), StringComparison.Ordinal);
    }

    [Fact]
    public void Replies_left_unread_nothing_held_or_raw_framing_get_no_description()
    {
        var line = (IStallDescriber)Sessions.Create(new MemoryListStore());
        var raw = (IStallDescriber)Sessions.Create(new MemoryListStore(), Framing.Raw);

        Assert.Null(line.DescribeStall(new ConnectionStall(UnconsumedBytes: 5, UnsentBytes: 4)));
        Assert.Null(line.DescribeStall(new ConnectionStall(UnconsumedBytes: 0, UnsentBytes: 4)));
        Assert.Null(line.DescribeStall(new ConnectionStall(UnconsumedBytes: 0, UnsentBytes: 0)));
        Assert.Null(raw.DescribeStall(new ConnectionStall(UnconsumedBytes: 5, UnsentBytes: 0)));
    }
}
