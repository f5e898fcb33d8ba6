using System.Diagnostics;
using SharedList.Protocol;
using SharedList.Tests.Models;
using SharedList.Tests.Support;
using SocketServer;

namespace SharedList.Tests.Compatibility;

/// <summary>
/// A client and a server of different framings: the course's <c>Cliente.py</c> against the default line server, and
/// <c>sharedlist connect</c> against a raw one. Neither waits in silence: each side says that framing is the problem.
/// </summary>
public sealed class FramingMismatchTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    private const string RawHint = "the course's Python clients send messages without a newline: serve them with --framing raw";

    [Fact]
    public async Task The_course_client_against_the_default_server_gets_the_server_to_name_raw_framing_soon_and_when_it_closes()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--stall-timeout", "4");
        await using (server)
        {
            await using var client = await CoursePython.StartAsync("Cliente.py", endPoint.Address.ToString(), endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var clock = Stopwatch.StartNew();
            await client.StandardInput.WriteLineAsync("primeiro");
            await client.StandardInput.FlushAsync();

            // The notice comes after 2 s without a newline, long before the 4 s stall bound closes the connection.
            await server.WaitForStandardErrorAsync($"has made no progress for 2 s: it sent 8 bytes and no newline; {RawHint}", Timeout);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the notice took {clock.Elapsed}");
            Assert.DoesNotContain("Closing", server.StandardError, StringComparison.Ordinal);

            // The close says it again; the course client then prints its empty reply, and quits at EXIT.
            await server.WaitForStandardErrorAsync($"it made no progress for 4 s: it sent 8 bytes and no newline; {RawHint}", Timeout);
            var run = await client.RunToEndAsync("EXIT\n", Timeout);
            Assert.Equal(["Mensagem: Recebi: ", "Mensagem: "], run.Output);
            Assert.Equal(0, run.ExitCode);
        }
    }

    [Fact]
    public async Task Connect_against_a_raw_server_gives_up_after_its_timeout_and_suggests_raw_framing()
    {
        await using var server = new ModelServer(ServerModel.Async, Framing.Raw);
        var clock = Stopwatch.StartNew();

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\nLIST\n", "--timeout", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal(
            $"error: the reply from {server.EndPoint} has no newline after 1 s (received \"Ack\"): is the server using --framing raw (as the course's Python servers do)? Try connect --framing raw",
            run.Error.Trim());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Connect_against_the_course_server_gives_up_after_its_timeout_and_suggests_raw_framing()
    {
        var (python, endPoint) = await CourseServerTests.StartCourseServerAsync();
        await using (python)
        {
            var clock = Stopwatch.StartNew();

            var run = await ScriptedClient.RunAsync(endPoint, "a\nLIST\n", "--timeout", "1");

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("has no newline after 1 s (received \"Ack\"): is the server using --framing raw", run.Error, StringComparison.Ordinal);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        }
    }
}
