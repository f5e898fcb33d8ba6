using System.Buffers;
using System.Text;
using SocketServer.Sessions;

namespace SocketServer.Tests.Support;

/// <summary>
/// The tiny protocol the model tests run: each <c>\n</c>-terminated line comes back reversed plus <c>\n</c>;
/// a tail left when input completes is answered the same way; the line <c>QUIT</c> is answered <c>BYE</c>
/// and closes the connection; the line <c>THROW</c> makes the session throw, as a buggy protocol would.
/// </summary>
internal sealed class LineReverseSession : ISession
{
    public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output)
    {
        var reader = new SequenceReader<byte>(input);
        var status = SessionStatus.Continue;
        while (status == SessionStatus.Continue && reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            status = Answer(line, output);
        }

        if (status == SessionStatus.Continue && inputCompleted && !reader.End)
        {
            status = Answer(reader.UnreadSequence, output);
            reader.AdvanceToEnd();
        }

        input = input.Slice(reader.Position);
        return status;
    }

    /// <summary>
    /// Sends <paramref name="count"/> lines tagged <paramref name="tag"/>, each <paramref name="growth"/> bytes longer
    /// than the one before, in one write, and checks that every reply comes back whole and in order.
    /// </summary>
    public static async Task AssertPipelinedAsync(TestClient client, string tag, int count, int growth)
    {
        var pipelined = Enumerable.Range(0, count).Select(i => $"{tag} p{i} {new string('x', i * growth)}").ToArray();
        await client.SendAsync(string.Concat(pipelined.Select(r => r + "\n")));
        foreach (var request in pipelined)
        {
            Assert.Equal(Reply(request), await client.ReadLineAsync());
        }
    }

    /// <summary>What the session answers to <paramref name="line"/> (without its <c>\n</c>).</summary>
    public static string Reply(string line) => line == "QUIT" ? "BYE" : string.Concat(line.EnumerateRunes().Reverse());

    private static SessionStatus Answer(in ReadOnlySequence<byte> line, IBufferWriter<byte> output)
    {
        var text = Encoding.UTF8.GetString(line);
        if (text == "THROW")
        {
            throw new InvalidOperationException("the session failed on purpose");
        }

        var bytes = Encoding.UTF8.GetBytes(Reply(text) + "\n");
        output.Write(bytes);
        return text == "QUIT" ? SessionStatus.Close : SessionStatus.Continue;
    }
}
