using System.Net;
using System.Text;

namespace SharedList.Tests.Abuse;

/// <summary>Fills the list fast: many appends written back to back on one connection while the replies are read.</summary>
internal static class PipelinedAppends
{
    /// <summary>Appends <paramref name="items"/> in order; fails unless every one gets <c>Ack</c>.</summary>
    public static async Task AppendAsync(EndPoint server, IReadOnlyList<string> items, TimeSpan timeout)
    {
        using var connection = await AbusiveConnection.OpenAsync(server, timeout);
        using var deadline = new CancellationTokenSource(timeout);

        // Written while the replies are read: the server stops reading a client whose replies are not taken,
        // so writing everything first would deadlock once both directions' buffers are full.
        var writer = Task.Run(async () =>
        {
            const int Batch = 4096;
            for (var i = 0; i < items.Count; i += Batch)
            {
                var lines = string.Concat(items.Skip(i).Take(Batch).Select(item => item + "\n"));
                Assert.True(await connection.TrySendAsync(Encoding.UTF8.GetBytes(lines), deadline.Token), "the server closed the prefill connection");
            }
        });

        for (var i = 0; i < items.Count; i++)
        {
            var reply = await connection.Reader.ReadLineAsync(timeout);
            Assert.True(reply == "Ack", $"prefill item {i} got '{reply}'");
        }

        await writer;
    }
}
