using System.Globalization;
using System.Net;
using System.Text;
using SharedList.Protocol;
using SharedList.Tests.Models;
using SocketServer;
using SharedList.Tests.Support;

namespace SharedList.Tests.Compatibility;

/// <summary>
/// The course's final server (exercise 8: <c>ThreadingTCPServer</c>, replies with no terminator) in Python:
/// our client talks to it with <c>--framing raw</c>, and our server's replies are byte for byte Python's.
/// </summary>
public sealed class CourseServerTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    // Items whose str(list) exercises CPython's repr: quote choice, escaped quote and backslash, tab,
    // printable non-ASCII kept as is (astral plane too), non-printables escaped as \xNN and \uNNNN.
    private static readonly string[] Items =
    [
        "plain", "it's", "say \"hi\"", "both ' and \"", "back\\slash", "tab\there", "olá ☃", "emoji 😀",
        "nbsp\u00a0zero\u200bwidth", "esc\u001b del\u007f",
    ];

    // CPython 3's str() of that list, as the Python server answers LIST.
    private const string ItemsAsPython =
        """['plain', "it's", 'say "hi"', 'both \' and "', 'back\\slash', 'tab\there', 'olá ☃', 'emoji 😀', 'nbsp\xa0zero\u200bwidth', 'esc\x1b del\x7f']""";

    private static readonly string[] Messages = [.. Items, "LIST", "CLEAR", "LIST"];

    [Fact]
    public async Task Our_client_with_raw_framing_talks_to_the_course_server()
    {
        var (python, endPoint) = await StartCourseServerAsync();
        await using (python)
        {
            var run = await ScriptedClient.RunAsync(endPoint, string.Concat(Messages.Select(m => m + "\n")), "--framing", "raw");

            Assert.Equal([.. Items.Select(_ => "Ack"), ItemsAsPython, "Lista apagada", "[]"], run.Output);
            Assert.Equal(0, run.ExitCode);
            Assert.Empty(run.Error);
        }
    }

    [Fact]
    public async Task Our_raw_server_replies_with_the_course_server_s_bytes()
    {
        var (python, pythonEndPoint) = await StartCourseServerAsync();
        await using (python)
        await using (var ours = new ModelServer(ServerModel.Threading, Framing.Raw))
        {
            var expected = await ExchangeAsync(pythonEndPoint);
            var actual = await ExchangeAsync(ours.EndPoint);

            Assert.Equal(Encoding.UTF8.GetBytes(ItemsAsPython), expected[Items.Length]);
            for (var i = 0; i < Messages.Length; i++)
            {
                Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"reply to '{Messages[i]}': Python sent [{Encoding.UTF8.GetString(expected[i])}], we sent [{Encoding.UTF8.GetString(actual[i])}]");
            }
        }
    }

    [Fact]
    public async Task Against_the_original_course_server_our_client_gets_one_reply_then_says_the_server_ended_the_connection()
    {
        // The original Servidor.py answers one message per connection, as the original Cliente.py expects.
        var port = FreePort();
        await using var python = await CoursePython.StartAsync("Servidor.py", port.ToString(CultureInfo.InvariantCulture));
        // A probe connection would be one of its messages: the kernel says when it listens.
        await Eventually.TrueAsync(() => KernelSockets.Any(port, KernelSockets.Listen), $"Servidor.py listens on port {port}");

        // A generous reply timeout: on a busy machine a Python server can be slow to answer.
        var run = await ScriptedClient.RunAsync(new IPEndPoint(IPAddress.Loopback, port), "first\nsecond\n", "--framing", "raw", "--timeout", "30");

        Assert.True(run.Output.SequenceEqual(["Ack"]), $"stdout: [{string.Join(" | ", run.Output)}]; stderr: {run.Error}");
        // The second message meets a closed connection: an end of stream, or a reset when it arrived after the close.
        Assert.True(run.Error.Contains("the server closed the connection", StringComparison.Ordinal) || run.Error.Contains("connection reset by the server", StringComparison.Ordinal), $"stderr: {run.Error}");
        Assert.Equal(1, run.ExitCode);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Sends each message on one connection as the course client does, one <c>recv(1024)</c> per reply.</summary>
    private static async Task<IReadOnlyList<byte[]>> ExchangeAsync(EndPoint server)
    {
        using var client = await LineConnection.ConnectAsync(server);
        var buffer = new byte[1024];
        var replies = new List<byte[]>();
        foreach (var message in Messages)
        {
            client.Send(message);
            replies.Add(buffer.AsSpan(0, client.Socket.Receive(buffer)).ToArray());
        }

        return replies;
    }

    /// <summary>Starts the Python server on a free port and reads the port it prints.</summary>
    internal static async Task<(CliProcess Process, IPEndPoint EndPoint)> StartCourseServerAsync()
    {
        var python = await CoursePython.StartAsync("ServidorThreading.py");
        try
        {
            var line = await python.ReadLineAsync(Timeout);
            Assert.True(int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var port), $"expected the port, got '{line}'; stderr: {python.StandardError}");
            return (python, new IPEndPoint(IPAddress.Loopback, port));
        }
        catch
        {
            await python.DisposeAsync();
            throw;
        }
    }
}
