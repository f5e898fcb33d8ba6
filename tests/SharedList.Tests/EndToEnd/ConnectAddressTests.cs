using System.Globalization;
using System.Net;
using SharedList.Tests.Models;
using SocketServer;

namespace SharedList.Tests.EndToEnd;

/// <summary>
/// <c>connect</c> takes the server's address as <c>HOST PORT</c> or as <c>--host</c>/<c>--port</c>, the way
/// <c>serve</c> does; both at once only when they agree.
/// </summary>
public sealed class ConnectAddressTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    [Theory]
    [InlineData("--port")]
    [InlineData("--host --port")]
    [InlineData("-p")]
    [InlineData("HOST --port")]
    [InlineData("HOST PORT --port")]
    public async Task The_address_given_as_options_reaches_the_server(string form)
    {
        await using var server = new ModelServer(ServerModel.Async);
        var port = ((IPEndPoint)server.EndPoint).Port.ToString(CultureInfo.InvariantCulture);
        var arguments = form.Split(' ') switch
        {
            ["--port"] => new[] { "--port", port },
            ["--host", "--port"] => ["--host", "127.0.0.1", "--port", port],
            ["-p"] => ["-p", port],
            ["HOST", "--port"] => ["127.0.0.1", "--port", port],
            _ => ["127.0.0.1", port, "--port", port],
        };

        await using var client = CliProcess.Start(["connect", .. arguments]);
        var run = await client.RunToEndAsync("a\nLIST\n", Timeout);

        Assert.Equal(["Ack", "['a']"], run.Output);
        Assert.Equal(0, run.ExitCode);
    }

    [Theory]
    [InlineData("127.0.0.1 9701 --port 9702", "error: PORT is '9701' but --port is '9702': give the port once")]
    [InlineData("--host 127.0.0.1 9701", "error: HOST is '9701' but --host is '127.0.0.1': give the host once (with --host, give the port as --port)")]
    [InlineData("--unix /tmp/x.sock --port 9701", "error: --unix connects to a Unix socket instead of HOST and PORT: give one or the other")]
    public async Task An_address_given_twice_differently_is_one_error_line_and_exit_2(string commandLine, string error)
    {
        await using var client = CliProcess.Start(["connect", .. commandLine.Split(' ')]);
        var run = await client.RunToEndAsync(string.Empty, Timeout);

        Assert.Equal($"{error}\nRun 'sharedlist connect --help' for the options.", run.Error);
        Assert.Equal(2, run.ExitCode);
    }
}
