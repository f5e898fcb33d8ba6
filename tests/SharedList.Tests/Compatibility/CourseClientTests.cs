using System.Text.RegularExpressions;
using SocketServer;

namespace SharedList.Tests.Compatibility;

/// <summary>
/// The course's Python clients, unchanged, against a real <c>sharedlist serve --framing raw</c>: the seed's
/// framing (one <c>recv(1024)</c> per reply, no terminator) keeps the course's programs and expected output working.
/// </summary>
public sealed partial class CourseClientTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    // What is typed at the client's prompt, and what the server answers each time.
    private static readonly (string Message, string Reply)[] Script =
    [
        ("primeiro", "Ack"),
        ("it's", "Ack"),
        ("olá ☃", "Ack"),
        ("LIST", """['primeiro', "it's", 'olá ☃']"""),
        ("CLEAR", "Lista apagada"),
        ("LIST", "[]"),
    ];

    private static readonly string Input = string.Concat(Script.Select(step => step.Message + "\n")) + "EXIT\n";

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task The_persistent_course_client_gets_the_seed_replies_on_one_connection(ServerModel model)
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--model", model.Name(), "--framing", "raw");
        await using (server)
        {
            var run = await CoursePython.RunClientAsync("ClientePersistente.py", endPoint, Input);

            Assert.Equal(CoursePython.Transcript(Script.Select(step => step.Reply)), run.Output);
            Assert.Equal(0, run.ExitCode);
            Assert.Empty(run.Error);
            await AssertConnectionsAsync(server, 1);
        }
    }

    [Fact]
    public async Task The_original_course_client_still_works_with_a_connection_per_message()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--model", "async", "--framing", "raw");
        await using (server)
        {
            var run = await CoursePython.RunClientAsync("Cliente.py", endPoint, Input);

            Assert.Equal(CoursePython.Transcript(Script.Select(step => step.Reply)), run.Output);
            Assert.Equal(0, run.ExitCode);
            Assert.Empty(run.Error);
            await AssertConnectionsAsync(server, Script.Length);
        }
    }

    /// <summary>The server logged exactly <paramref name="count"/> clients, each connected and disconnected.</summary>
    private static async Task AssertConnectionsAsync(CliProcess server, int count)
    {
        await Eventually.TrueAsync(() => Disconnected().Count(server.StandardError) >= count, Timeout, $"{count} disconnection(s) in the server's log");
        Assert.Equal(count, Connected().Count(server.StandardError));
        Assert.Equal(count, Disconnected().Count(server.StandardError));
    }

    [GeneratedRegex(@"Client \S+ connected \(connection \d+\)")]
    private static partial Regex Connected();

    [GeneratedRegex(@"Client \S+ disconnected")]
    private static partial Regex Disconnected();
}
