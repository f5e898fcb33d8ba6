using System.Text;
using SharedList.Bench.Load;

namespace SharedList.Bench.Tests;

/// <summary>The line protocol's reply scanner: Ack, a list, anything else, however the bytes are split.</summary>
public sealed class LineReplyScannerTests
{
    [Fact]
    public void Replies_are_framed_the_same_way_whatever_the_split()
    {
        var bytes = Encoding.UTF8.GetBytes("Ack\n['a', \"it's\"]\nERR list full\nAck\nAc\nAckk\n\n[]\nAck\n");
        ReplyKind[] expected = [ReplyKind.Appended, ReplyKind.Listed, ReplyKind.Unexpected, ReplyKind.Appended, ReplyKind.Unexpected, ReplyKind.Unexpected, ReplyKind.Unexpected, ReplyKind.Listed, ReplyKind.Appended];
        for (var split = 0; split <= bytes.Length; split++)
        {
            var scanner = new LineReplyScanner();
            Assert.Equal(expected, [.. Scan(scanner, bytes.AsSpan(0, split)), .. Scan(scanner, bytes.AsSpan(split))]);
        }

        var byteByByte = new LineReplyScanner();
        Assert.Equal(expected, Enumerable.Range(0, bytes.Length).SelectMany(i => Scan(byteByByte, bytes.AsSpan(i, 1))).ToArray());
    }

    private static List<ReplyKind> Scan(ReplyScanner scanner, ReadOnlySpan<byte> data)
    {
        var kinds = new List<ReplyKind>();
        while (scanner.TryNext(ref data, out var kind))
        {
            kinds.Add(kind);
        }

        Assert.True(data.IsEmpty);
        return kinds;
    }
}
