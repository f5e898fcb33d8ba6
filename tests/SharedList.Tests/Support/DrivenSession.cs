using System.Text;
using SocketServer.Connections;
using SocketServer.Sessions;

namespace SharedList.Tests.Support;

/// <summary>
/// Runs a session through the library's own <see cref="ConnectionDriver"/> with no socket: each read is received as
/// a socket would deliver it (in pieces when it exceeds the room offered), replies are taken as soon as they are
/// written, and the peer may half-close at the end.
/// </summary>
internal static class DrivenSession
{
    public static DrivenResult Feed(ISession session, IEnumerable<byte[]> reads, bool peerCloses = true)
    {
        var driver = new ConnectionDriver(session);
        var output = new List<byte>();
        foreach (var read in reads)
        {
            for (var offset = 0; offset < read.Length && !driver.IsComplete;)
            {
                var room = driver.GetReceiveBuffer();
                var count = Math.Min(room.Length, read.Length - offset);
                read.AsSpan(offset, count).CopyTo(room.Span);
                driver.Received(count);
                offset += count;
                TakeReplies(driver, output);
            }
        }

        if (peerCloses && driver.WantsToReceive)
        {
            driver.GetReceiveBuffer();
            driver.Received(0);
            TakeReplies(driver, output);
        }

        return new DrivenResult([.. output], driver.IsComplete);
    }

    private static void TakeReplies(ConnectionDriver driver, List<byte> output)
    {
        for (var sends = 0; driver.HasUnsent; sends++)
        {
            Assert.True(sends < 100_000, "the session never stopped writing");
            var unsent = driver.Unsent;
            output.AddRange(unsent.Span);
            driver.Sent(unsent.Length);
        }
    }
}

/// <summary>What a session wrote when run by <see cref="DrivenSession"/>, and whether the connection was then done.</summary>
internal sealed record DrivenResult(byte[] Output, bool Closed)
{
    public string Text => Encoding.UTF8.GetString(Output);
}
