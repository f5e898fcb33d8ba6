using System.Net;
using System.Text.RegularExpressions;

namespace SharedList.Tests.Resp;

/// <summary><c>sharedlist serve --resp-port</c> as a real process.</summary>
public sealed partial class RespCliTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    [Fact]
    public async Task Serve_prints_the_RESP_readiness_line_serves_RESP_beside_the_line_protocol_and_stops_both()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--resp-port", "0");
        await using (server)
        {
            var line = await server.ReadLineAsync(Timeout);
            var match = RespReadinessLine().Match(line ?? string.Empty);
            Assert.True(match.Success, $"expected the RESP readiness line, got '{line}'; stderr: {server.StandardError}");
            var respEndPoint = IPEndPoint.Parse(match.Groups["endpoint"].Value);
            Assert.Equal(endPoint.Address, respEndPoint.Address);
            Assert.NotEqual(0, respEndPoint.Port);

            using (var lab = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("Ack", lab.Request("hello"));
            }

            using (var redis = await RespConnection.ConnectAsync(respEndPoint))
            {
                Assert.Equal("PONG", redis.Call("PING"));
                Assert.Equal(new object?[] { "hello" }, redis.Call("LRANGE", "sharedlist", "0", "-1"));
            }

            await server.StandardInput.WriteLineAsync("EXIT");
            await server.StandardInput.FlushAsync();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Theory]
    [InlineData("--udp", "--model", "threading")]
    [InlineData("--unix", "/tmp/sharedlist-resp-test.sock")]
    public async Task Resp_port_is_a_usage_error_with_udp_or_unix(params string[] transport)
    {
        await using var process = CliProcess.Start(["serve", "--resp-port", "0", .. transport]);
        var run = await process.RunToEndAsync(string.Empty, Timeout);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: --resp-port serves the Redis protocol over TCP: it does not go with {transport[0]}", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [GeneratedRegex(@"^resp listening on (?<endpoint>\S+)$")]
    private static partial Regex RespReadinessLine();
}
